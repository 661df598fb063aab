using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
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

    // Measured 2026-11-30 (actuator ÷ contacts about the press joint; share of the push the scenery carries back):
    // warehouse hand 187.2 N, 1.000, 96.4 %; hospital thigh 51.0 N, 1.001, 81.0 %; mining chest 1642.9 N, 0.999, 98.7 %.
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
                $"{c.Name}: {c.Geom} by {c.RobotGeom}: settled {c.SettledForceN:0.0} N, push {c.PushN:0.0} N, scenery carries {c.SceneryShare:0.000} ({string.Join("; ", c.Scenery)}), contacts {c.ContactTorqueNm:0.00}, actuator {c.ActuatorTorqueNm:0.00}, ratio {c.Ratio:0.000}, largest step {c.LargestStepN:0.00} N (F_s {c.QuasiStaticLimitN} N) {c.Problem}"));
            Assert.Empty(c.Failures());
            // Tighter than the gate: what the rig measures today, so that a drift shows.
            Assert.InRange(c.Ratio, 0.98, 1.02);
            Assert.True(c.SettledForceN > 0.2 * c.QuasiStaticLimitN, $"a press of {c.SettledForceN:0.0} N barely loads the region (F_s {c.QuasiStaticLimitN} N)");
        }
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
