using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Tests.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>A clamp by the scene's own robot against the scene's own scenery reads the push: each site's strike plan
/// presses a region into the scenery (a hand onto a shelf board, a thigh into a mattress, a chest against a rock wall)
/// and holds it; the settled contacts must carry the press actuator's torque, the scenery must carry the push back, and
/// the force must build up without jumps.</summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneRobotClampTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    // Measured 2026-11-30 (actuator ÷ load about the press joint; share of the push the scenery carries back):
    // warehouse hand 209.1 N, 1.000, 100.1 %, and the held tote on the forearm 240.0 N, 0.999, 99.8 %; hospital thigh
    // 87.3 N, 1.003, 96.5 %; mining chest 1435.8 N, 0.999, 99.1 %.
    [Theory]
    [InlineData("warehouse")]
    [InlineData("hospital")]
    [InlineData("mining")]
    public async Task A_clamp_against_the_scenery_reads_the_push(string site)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, site);
        var plan = StrikePlan.Load(scene.FolderPath);
        Assert.NotEmpty(plan.Clamps!);
        foreach (var clamp in plan.Clamps!)
        {
            var c = await new ClampCalibration(bridge.Connection.Client, Body).RunAsync(scene, clamp);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name}: {c.Geom} by {c.RobotGeom}: settled {c.SettledForceN:0.0} N, push {c.PushN:0.0} N, scenery carries {c.SceneryShare:0.000} ({string.Join("; ", c.Scenery)}), contacts {c.ContactTorqueNm:0.00} − weight {c.WeightTorqueNm:0.00} = load {c.LoadTorqueNm:0.00}, actuator {c.ActuatorTorqueNm:0.00}, ratio {c.Ratio:0.000}, largest step {c.LargestStepN:0.00} N (F_s {c.QuasiStaticLimitN} N) {c.Problem}"));
            Assert.Empty(c.Failures());
            // Tighter than the gate: what the rig measures today, so that a drift shows.
            Assert.InRange(c.Ratio, 0.98, 1.02);
        }
    }

    [Fact]
    public async Task A_hand_the_board_does_not_hold_is_not_clamped_and_fails_the_gate()
    {
        // The walking skeleton's worker collided with the robot and payloads alone, so a hand pressed onto a table went
        // through it. With the hand colliding with no scenery, it sinks through the board under its own weight before
        // the tool arrives, and nothing is clamped.
        await using var copy = new SceneCopy("warehouse");
        var xml = copy.PathOf("warehouse/worker.xml");
        var text = File.ReadAllText(xml);
        const string hand = "<geom name=\"worker_hand_r\" type=\"capsule\" fromto=\"0 0 0 0 0 -0.161911\" size=\"0.0270891\" contype=\"2\" conaffinity=\"13\"";
        Assert.Contains(hand, text, StringComparison.Ordinal);
        File.WriteAllText(xml, text.Replace(hand, hand.Replace("conaffinity=\"13\"", "conaffinity=\"12\"", StringComparison.Ordinal), StringComparison.Ordinal));
        var scene = SceneManifestLoader.Load(copy.Root, "warehouse");
        var clamp = StrikePlan.Load(scene.FolderPath).Clamps![0];

        var c = await new ClampCalibration((await copy.BridgeAsync()).Client, Body).RunAsync(scene, clamp);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settled {c.SettledForceN:0.0} N, scenery carries {c.SceneryShare:0.000} ({string.Join("; ", c.Scenery)}), ratio {c.Ratio:0.000}, {c.Problem}"));
        output.WriteLine(string.Join(Environment.NewLine, c.Failures()));
        Assert.Equal("the robot never touched the person", c.Problem);
        Assert.Single(c.Failures());
    }

    [Fact]
    public async Task A_press_that_misses_the_person_is_a_named_problem_not_a_pass()
    {
        // The hospital's press where the patient lies in the middle of the bed: the fingers come down on the mattress
        // beside her, and nothing is clamped.
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "hospital");
        var clamp = StrikePlan.Load(scene.FolderPath).Clamps![0] with { Keyframe = "patient_off_handset" };

        var c = await new ClampCalibration(bridge.Connection.Client, Body).RunAsync(scene, clamp);

        output.WriteLine($"{c.Problem}");
        Assert.NotNull(c.Problem);
        Assert.Single(c.Failures());
        Assert.StartsWith(clamp.Name + ": ", c.Failures()[0]);
    }
}
