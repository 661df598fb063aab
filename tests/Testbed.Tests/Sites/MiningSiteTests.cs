using System.Globalization;
using System.Xml.Linq;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Sites;

/// <summary>
/// Checks of the mining site's own files, without an engine: the rock breaker's scripted plans stay within what the
/// machine can do (its actuators' ranges, the slew rate its README states), so the harm the set-ups produce comes
/// from a plausible machine, not from a plan that asks for the impossible.
/// </summary>
public sealed class MiningSiteTests
{
    private const string SceneId = "mining";

    /// <summary>The fastest slew the README allows a plan to command: 34 degrees per second.</summary>
    private const double RatedSlewRateRadPerS = 0.6;

    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);

    private static readonly XDocument Mjcf = XDocument.Load(Corpus.Scenes[SceneId].MjcfPath);

    private static IReadOnlyList<Setup> MiningSetups => Corpus.Setups.Where(s => s.SceneId == SceneId).ToList();

    [Fact]
    public void The_mining_site_has_at_least_six_setups()
    {
        Assert.True(MiningSetups.Count >= 6, $"the mining site has {MiningSetups.Count} set-ups; the site needs at least 6");
    }

    [Fact]
    public void Every_mining_plan_keeps_each_joint_target_inside_its_actuators_control_range()
    {
        var ranges = Mjcf.Descendants("actuator").Elements()
            .ToDictionary(a => (string)a.Attribute("name")!, a => Numbers((string)a.Attribute("ctrlrange")!));
        foreach (var setup in MiningSetups)
        {
            foreach (var waypoint in setup.Task.ScriptedPlan.Waypoints)
            {
                foreach (var (actuator, target) in waypoint.Targets)
                {
                    var range = ranges[actuator];
                    Assert.True(target >= range[0] && target <= range[1],
                        $"set-up '{setup.Id}', waypoint '{waypoint.Name}': {actuator} target {target} lies outside its ctrlrange [{range[0]}, {range[1]}]");
                }
            }
        }
    }

    [Fact]
    public void No_mining_plan_slews_the_boom_faster_than_its_rated_rate_even_at_the_fastest_drawn_speed()
    {
        var robot = Corpus.Scenes[SceneId].Robot;
        const double controlPeriodS = 0.02;
        var slew = robot.Actuators.ToList().IndexOf("slew");
        foreach (var setup in MiningSetups)
        {
            var plan = setup.Task.ScriptedPlan.AtSpeed(setup.SeedRanges.SpeedScale.Max);
            foreach (var variant in setup.Variants.Values)
            {
                var start = KeyframeControl(variant.Keyframe);
                var trajectory = new PlanTrajectory(plan, robot.Actuators, robot.Actuators.Where(a => a != "grip").ToHashSet(), start, controlPeriodS);
                var previous = start[slew];
                var fastest = 0.0;
                for (var period = 0; trajectory.TargetsAt(period) is { } targets; period++)
                {
                    fastest = Math.Max(fastest, Math.Abs(targets[slew] - previous) / controlPeriodS);
                    previous = targets[slew];
                }

                Assert.True(fastest <= RatedSlewRateRadPerS,
                    $"set-up '{setup.Id}' ({variant.Id}) slews at up to {fastest:0.###} rad/s at speed scale {setup.SeedRanges.SpeedScale.Max}; the rated slew rate is {RatedSlewRateRadPerS} rad/s");
            }
        }
    }

    private static double[] KeyframeControl(string keyframe) =>
        Numbers((string)Mjcf.Descendants("key").Single(k => (string?)k.Attribute("name") == keyframe).Attribute("ctrl")!);

    private static double[] Numbers(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
