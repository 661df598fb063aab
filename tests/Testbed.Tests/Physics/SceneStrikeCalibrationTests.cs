using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>
/// The contact physics measured with each scene's own robot (Controller/Calibration/StrikeCalibration): body regions of
/// the scene's people, struck by the robot's own links in each arm shape of the scene's strike plan at two speeds, the
/// peak compared with v·√(μ_true·k), μ_true from the model's inertia where the force acted at its peak (sliding and
/// sticking bounds). Asserted per site: what the site shows today, the warehouse the gate of `testbed scenes validate
/// --calibrate` (at least 90 % of strikes within ±5 %, none beyond 10 %). Tables: sim-scenes/*/README.md.
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneStrikeCalibrationTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>What each site's test strikes, how much of it must be measurable and how close it must come.</summary>
    /// <param name="Shapes">Arm shapes of the plan run here: the warehouse runs its whole plan; the heavy boom's long sweeps
    /// make mining's slow on a shared machine, so the test runs its first shape (`testbed scenes validate --calibrate`
    /// runs every shape); 0: not run here, for the reason given.</param>
    private sealed record SiteCoverage(int Shapes, int MinStrikes, int MinRegionGeoms, double MinShareWithin, double MaxDeviation, string Why);

    private static readonly Dictionary<string, SiteCoverage> Coverage = new()
    {
        ["warehouse"] = new(int.MaxValue, 40, 8, StrikeCalibrationGate.RequiredShareWithin, StrikeCalibrationGate.LargestAllowed, "the gate"),
        // Below the gate today: the grab pad's 0.3 m face pressed along a lower leg reads 0.85-0.94 of the model
        // (docs/contact-physics.md, "Not yet right"); measured 12 of 19 within, worst 15.2 %.
        ["mining"] = new(1, 18, 10, 0.6, 0.2, "below the gate: the grab pad on the lower legs reads low"),
        // A horizontal sweep never strikes the lying patient cleanly (a neighbouring part or the bed is always in the
        // way): 0 strikes in 7 minutes, so it is not run here (sim-scenes/hospital/README.md).
        ["hospital"] = new(0, 0, 0, 0, 0, "no clean strike of a lying patient by a horizontal sweep"),
    };

    private static string[] ScenesWithPlans() => SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot)
        .Where(id => File.Exists(Path.Combine(BridgeFixture.ScenesRoot, id, StrikePlan.FileName))).ToArray();

    public static TheoryData<string> Scenes => new(ScenesWithPlans().Where(id => Coverage.TryGetValue(id, out var c) && c.Shapes > 0));

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
        var coverage = Coverage[sceneId];
        var full = StrikePlan.Load(scene.FolderPath);
        var plan = full with { Shapes = full.Shapes.Take(coverage.Shapes).ToList() };
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name);

        foreach (var o in outcomes)
        {
            output.WriteLine(o.Problem is null
                ? string.Create(CultureInfo.InvariantCulture, $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} v {o.ApproachSpeedMps:0.000} by {o.RobotGeom,-20} m_R {o.RobotMassKg:0.00} m_H {o.PersonMassKg:0.00} μ {o.ReducedMassKg:0.000}/{o.StickingReducedMassKg:0.000} peak {o.PeakForceN:0.0} model {o.ModelForceN:0.0}/{o.StickingModelForceN:0.0} ratio {o.Ratio:0.000}/{o.StickingRatio:0.000} points {o.ContactPoints} first-point {o.FirstPointRatio:0.000} dev {o.Deviation:0.000}")
                : $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} {o.TargetSpeedMps} m/s: {o.Problem}");
        }
        // The gate `testbed scenes validate --calibrate` applies, with this scene's counts on top.
        var gate = StrikeCalibrationGate.Of(outcomes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{gate.Measured} strikes measured on {gate.RegionGeoms} region geoms; within ±5 %: {gate.WithinTolerance}; median deviation {gate.MedianDeviation:0.000}; largest {gate.LargestDeviation:0.000}"));
        Assert.True(gate.Measured >= coverage.MinStrikes && gate.RegionGeoms >= coverage.MinRegionGeoms,
            $"only {gate.Measured} strikes on {gate.RegionGeoms} region geoms were measured; expected at least {coverage.MinStrikes} on {coverage.MinRegionGeoms}");
        var far = outcomes.Where(o => o.Problem is null && o.Deviation > StrikeCalibrationGate.Tolerance).Select(o =>
            string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Shape}, {o.TargetSpeedMps} m/s) {o.Ratio:0.000} sliding, {o.StickingRatio:0.000} sticking, {o.ContactPoints} point(s)"));
        Assert.True(gate.WithinTolerance >= coverage.MinShareWithin * gate.Measured && gate.LargestDeviation <= coverage.MaxDeviation,
            string.Create(CultureInfo.InvariantCulture, $"{sceneId} ({coverage.Why}): {gate.WithinTolerance} of {gate.Measured} strikes within ±5 %, largest {gate.LargestDeviation:P1} outside; expected at least {coverage.MinShareWithin:P0} within and none beyond {coverage.MaxDeviation:P0}. Outside ±5 %: {string.Join("; ", far)}"));
    }
}
