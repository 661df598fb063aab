using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>
/// The contact physics measured with each scene's own robot (Controller/Calibration/StrikeCalibration): body regions of
/// the scene's people, struck by the robot's own links in each arm shape of the scene's strike plan at two speeds, the
/// peak compared with v·√(μ_true·k), μ_true from the model's inertia at that contact (sliding and sticking bounds).
/// <para>Asserted: the median two-body strike lands within ±5 % of the model band and none is off by more than 15 %
/// (the gate of `testbed scenes validate --calibrate`); MuJoCo's own contact misses the model by more than 30 % on a
/// free lane (ContactComplianceTests). Measured on the warehouse with the rig aiming at region geom centres: 61 strikes
/// on 13 region geoms, worst 15.4 %, so the warehouse case fails today: every point contact is within ±5 %, the box
/// suction cup's two- and three-point contacts read up to 15.4 % high (docs/contact-physics.md, "Not yet right").</para>
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneStrikeCalibrationTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>What each site's test strikes and how much of it must be measurable. The warehouse runs its whole plan;
    /// the heavy boom's long sweeps and the hospital's 0.5 ms timestep make theirs slow on a shared machine, so the test
    /// runs their first arm shape only (`testbed scenes validate --calibrate` runs every shape).</summary>
    private static readonly Dictionary<string, (int Shapes, int MinStrikes, int MinRegionGeoms)> Coverage = new()
    {
        ["warehouse"] = (int.MaxValue, 40, 8),
        ["mining"] = (1, 18, 10),
        ["hospital"] = (1, 1, 1),
    };

    private static string[] ScenesWithPlans() => SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot)
        .Where(id => File.Exists(Path.Combine(BridgeFixture.ScenesRoot, id, StrikePlan.FileName))).ToArray();

    public static TheoryData<string> Scenes => new(ScenesWithPlans());

    [Fact]
    public void Every_site_has_a_strike_plan_and_its_coverage_stated()
    {
        var withPlans = ScenesWithPlans();
        foreach (var site in new[] { "warehouse", "mining", "hospital" }) Assert.Contains(site, withPlans);
        foreach (var id in withPlans) Assert.True(Coverage.ContainsKey(id), $"scene '{id}' has a strike plan but no coverage in SceneStrikeCalibrationTests");
    }

    [Theory]
    [MemberData(nameof(Scenes))]
    public async Task Strikes_by_the_scenes_own_robot_peak_near_the_two_body_model(string sceneId)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, sceneId);
        var (shapes, minStrikes, minGeoms) = Coverage[sceneId];
        var full = StrikePlan.Load(scene.FolderPath);
        var plan = full with { Shapes = full.Shapes.Take(shapes).ToList() };
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name);

        foreach (var o in outcomes)
        {
            output.WriteLine(o.Problem is null
                ? string.Create(CultureInfo.InvariantCulture, $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} v {o.ApproachSpeedMps:0.000} by {o.RobotGeom,-20} m_R {o.RobotMassKg:0.00} m_H {o.PersonMassKg:0.00} μ {o.ReducedMassKg:0.000}/{o.StickingReducedMassKg:0.000} peak {o.PeakForceN:0.0} model {o.ModelForceN:0.0}/{o.StickingModelForceN:0.0} ratio {o.Ratio:0.000}/{o.StickingRatio:0.000} dev {o.Deviation:0.000} points {o.ContactPoints}")
                : $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} {o.TargetSpeedMps} m/s: {o.Problem}");
        }
        // The gate `testbed scenes validate --calibrate` applies, with this scene's counts on top.
        var gate = StrikeCalibrationGate.Of(outcomes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{gate.Measured} strikes measured on {gate.RegionGeoms} region geoms; within ±5 %: {gate.WithinTolerance}; median deviation {gate.MedianDeviation:0.000}; largest {gate.LargestDeviation:0.000}"));
        Assert.True(gate.Measured >= minStrikes && gate.RegionGeoms >= minGeoms, $"only {gate.Measured} strikes on {gate.RegionGeoms} region geoms were measured; expected at least {minStrikes} on {minGeoms}");
        var far = outcomes.Where(o => o.Problem is null && o.Deviation > StrikeCalibrationGate.LargestAllowed).ToList();
        Assert.True(gate.Problems().Count == 0, string.Join("; ", gate.Problems()) + "; " + string.Join("; ",
            far.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Shape}, {o.TargetSpeedMps} m/s) {o.Ratio:0.000} sliding, {o.StickingRatio:0.000} sticking"))));
    }
}
