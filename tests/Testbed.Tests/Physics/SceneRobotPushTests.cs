using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>A slow push by the scene's own robot on a standing worker: in static equilibrium the contact carries what
/// the robot's actuator applies, and the force builds up like the region's spring, without a jump at the control
/// updates (a contact that passed the servo's push through at once would jump by hundreds of newtons).</summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneRobotPushTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    // Measured 2026-11-30 (the torque of every robot force on the person ÷ the sweep actuator's): warehouse chest 0.998
    // and pelvis 0.999, hospital nurse's chest 0.999 and pelvis 0.989, mining chest 1.000 (its grab pad presses the
    // abdomen and pelvis as well: chest 49.0 N, the whole push 4.68 kN m about the slew).
    [Theory]
    [InlineData("warehouse", "worker_clear", "worker_chest", "elbow at 60 degrees")]
    [InlineData("warehouse", "worker_clear", "worker_pelvis", "elbow at 60 degrees")]
    [InlineData("hospital", "patient_centred", "nurse_chest", "elbow at 57 degrees, wrist straight")]
    [InlineData("hospital", "patient_centred", "nurse_pelvis", "elbow at 57 degrees, wrist straight")]
    [InlineData("mining", "worker_on_walkway", "worker_chest", "stick down 80 degrees, hammer level")]
    public async Task A_slow_push_settles_at_the_actuators_force_without_jumps(string site, string keyframe, string geom, string shape)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, site);
        var plan = StrikePlan.Load(scene.FolderPath);

        var push = await new StrikeCalibration(bridge.Connection.Client, Body)
            .PushAsync(scene, plan, keyframe, geom, shape, speedMps: 0.05, pushRad: 0.06, holdS: 1.5);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{push.Geom} by {push.RobotGeom}: settled {push.SettledForceN:0.0} N, contact torque {push.ContactTorqueNm:0.00} N m, actuator {push.ActuatorTorqueNm:0.00} N m, ratio {push.Ratio:0.000}, largest step {push.LargestStepN:0.00} N (limit F_s {push.QuasiStaticLimitN} N) {push.Problem}"));
        Assert.Null(push.Problem);
        Assert.InRange(push.Ratio, 0.98, 1.02);
        Assert.True(push.LargestStepN <= 0.05 * push.QuasiStaticLimitN,
            $"the force jumped by {push.LargestStepN:0.0} N in one step; expected at most 5 % of F_s = {0.05 * push.QuasiStaticLimitN:0.0} N");
    }
}
