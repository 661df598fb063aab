using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>
/// The contact physics measured with each scene's own robot (Controller/Calibration/StrikeCalibration): body regions of
/// the scene's people, struck by the robot's own links in each arm shape of the scene's strike plan at two speeds, the
/// peak compared with v·√(μ_true·k), μ_true from the model's inertia where the force acted at its peak, the coast
/// frictionless as the standard's model is. Asserted per site on part of its plan (the whole plan takes 20–40 min): how
/// many strikes on how many region geoms, every one within ±5 %. `testbed scenes validate --calibrate` runs the whole
/// plan and also asks every region geom be struck at both speeds in at least three arm shapes
/// (<see cref="StrikeCalibrationGateTests"/>). Tables: sim-scenes/*/README.md (`testbed scenes calibrate SITE` prints
/// them).
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneStrikeCalibrationTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>What each site's test strikes, how much of it must be measurable and how close it must come.</summary>
    /// <param name="Shapes">Arm shapes of the plan in which the robot's own parts strike (those holding no payload) run
    /// here, from its first: the warehouse runs all of them; mining's heavy boom and the hospital's 0.5 ms timestep make
    /// theirs slow on a shared machine, so the test runs their first shape (`testbed scenes calibrate` and `testbed
    /// scenes validate --calibrate` run every shape, payloads included).</param>
    private sealed record SiteCoverage(int Shapes, int MinStrikes, int MinRegionGeoms, double MinShareWithin, double MaxDeviation, string Why);

    private static readonly Dictionary<string, SiteCoverage> Coverage = new()
    {
        // Every shape without a payload, measured 2026-11-30 (the inertia the force met within a twentieth while it rose):
        // 148 strikes on all 20 of the worker's region geoms (the feet raised with the worker into the tool's reach),
        // every one within ±5 %.
        ["warehouse"] = new(int.MaxValue, 130, 20, 1.0, StrikeCalibrationGate.Tolerance, "every strike within ±5 %"),
        // The grab pad strikes the abdomen, chest, backs, head, lower legs and feet cleanly (first shape, 2026-11-30: 17
        // strikes on 10 region geoms, all within ±5 %); along an arm, hand, thigh or the neck its force moves while it
        // rises, and on the pelvis it moves or the pad slides across it: those placements are rejected. The rock reaches
        // the rest (below, and `testbed scenes calibrate mining`: all 20 geoms).
        ["mining"] = new(1, 15, 10, 1.0, StrikeCalibrationGate.Tolerance, "every strike within ±5 %; limbs but the lower legs rejected"),
        // The patient struck standing (strike-plan.json `people`), both people beside the arm's cart, away from the bed,
        // raised with the region into the gripper's reach where it stands too low or where the arm meets its cart first:
        // the plan's first shape strikes all 40 region geoms (measured 2026-11-30: 80 strikes, every one within ±5 %,
        // worst 2.0 %). With the bracelet a cylinder, as it was, the patient's hands read 5.9 % high: MuJoCo 2.2.2's
        // general convex collider jumps a cylinder's contact point from step to step.
        ["hospital"] = new(1, 72, 38, 1.0, StrikeCalibrationGate.Tolerance, "every strike within ±5 %"),
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

    [Fact]
    public async Task A_strike_whose_force_moves_along_the_limb_while_it_rises_is_not_taken_for_a_two_body_impact()
    {
        // The mining grab pad's flat face meets a hanging forearm at its elbow and wrist ends; the wrist end recedes
        // first, so the force moves to the elbow and the inertia it meets nearly doubles (1.6 to 3.1 kg): no single
        // two-body model describes that, and such a strike read 8 % low before the rig rejected it.
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "mining");
        var full = StrikePlan.Load(scene.FolderPath);
        var plan = full with { Shapes = full.Shapes.Take(1).ToList(), SpeedsMps = [0.3] };
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body)
            .RunAsync(scene, plan, scene.Keyframes[0].Name, regionGeoms: new HashSet<string> { "worker_lower_arm_l" });

        var outcome = Assert.Single(outcomes);
        output.WriteLine(outcome.Problem ?? "measured");
        Assert.NotNull(outcome.Problem);
        Assert.Contains("the force moved while it rose", outcome.Problem);
    }

    [Fact]
    public async Task A_tipped_rock_strikes_the_limbs_and_neck_a_flat_face_cannot_at_one_point_each()
    {
        // The same limbs the pad's face meets at two points (above), struck by the rock tipped 30° so that its top edge
        // crosses them: one point each, the force stays put, and the peak is the two-body model's. Measured 2026-11-30:
        // 0.982–1.002 at 0.3 m/s on a lower arm, an upper arm, a hand and the neck, one contact point each.
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "mining");
        var full = StrikePlan.Load(scene.FolderPath);
        var tipped = full.Shapes.First(s => s.Holding is { TiltRad: > 0 });
        var plan = full with { Shapes = [tipped], SpeedsMps = [0.3] };
        string[] limbs = ["worker_lower_arm_l", "worker_upper_arm_l", "worker_hand_l", "worker_neck"];
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name, regionGeoms: limbs.ToHashSet());

        output.WriteLine(StrikeCalibrationTable.Markdown(outcomes));
        Assert.Equal(limbs.Order(), outcomes.Where(o => o.Problem is null).Select(o => o.Geom).Order());
        Assert.All(outcomes, o => Assert.True(o.Deviation <= StrikeCalibrationGate.Tolerance && o.RobotGeom == "rock_block",
            string.Create(CultureInfo.InvariantCulture, $"{o.Geom}: {o.RobotGeom} {o.Ratio:0.000} of the model")));
    }

    [Theory]
    [MemberData(nameof(Scenes))]
    public async Task Strikes_by_the_scenes_own_robot_peak_near_the_two_body_model(string sceneId)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, sceneId);
        var coverage = Coverage[sceneId];
        var full = StrikePlan.Load(scene.FolderPath);
        var plan = full with { Shapes = full.Shapes.Where(s => s.Holding is null).Take(coverage.Shapes).ToList() };
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name);
        AssertCoverage(sceneId, coverage, outcomes);
    }

    [Fact]
    public async Task Payloads_the_warehouse_arm_holds_strike_near_the_two_body_model()
    {
        // The first shape holding each payload: the 2 kg tote and the 12 kg bin, let go 5 ms before the impact (the grip
        // stops touching them), so each meets the worker alone. Measured 2026-11-30: 49 strikes on all 20 region geoms,
        // every one within ±5 % (60 when the inertia the force met could range over a tenth while it rose; with friction
        // on in the coast as well: 44 on 18, 41 within, worst 8.3 %).
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");
        var full = StrikePlan.Load(scene.FolderPath);
        var plan = full with { Shapes = full.Shapes.Where(s => s.Holding is not null).GroupBy(s => s.Holding!.Payload).Select(g => g.First()).ToList() };
        Assert.Equal(["tote", "bin"], plan.Shapes.Select(s => s.Holding!.Payload));
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name);

        Assert.All(outcomes.Where(o => o.Problem is null), o => Assert.Contains(o.RobotGeom, new[] { "tote_shell", "bin_shell" }));
        Assert.Contains(outcomes, o => o.RobotGeom == "tote_shell");
        Assert.Contains(outcomes, o => o.RobotGeom == "bin_shell");
        AssertCoverage("warehouse", new SiteCoverage(2, 44, 20, 1.0, StrikeCalibrationGate.Tolerance, "every strike within ±5 %"), outcomes);
    }

    private void AssertCoverage(string sceneId, SiteCoverage coverage, IReadOnlyList<StrikeOutcome> outcomes)
    {
        output.WriteLine(StrikeCalibrationTable.Markdown(outcomes));
        // The gate's tolerance with this scene's counts (its three shapes per region geom need the whole plan).
        var gate = StrikeCalibrationGate.Of(outcomes);
        Assert.True(gate.Measured >= coverage.MinStrikes && gate.RegionGeoms >= coverage.MinRegionGeoms,
            $"only {gate.Measured} strikes on {gate.RegionGeoms} region geoms were measured; expected at least {coverage.MinStrikes} on {coverage.MinRegionGeoms}");
        var far = outcomes.Where(o => o.Problem is null && o.Deviation > StrikeCalibrationGate.Tolerance).Select(o =>
            string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Shape}, {o.TargetSpeedMps} m/s) {o.Ratio:0.000}, {o.ContactPoints} point(s)"));
        Assert.True(gate.WithinTolerance >= coverage.MinShareWithin * gate.Measured && gate.LargestDeviation <= coverage.MaxDeviation,
            string.Create(CultureInfo.InvariantCulture, $"{sceneId} ({coverage.Why}): {gate.WithinTolerance} of {gate.Measured} strikes within ±5 %, largest {gate.LargestDeviation:P1} outside; expected at least {coverage.MinShareWithin:P0} within and none beyond {coverage.MaxDeviation:P0}. Outside ±5 %: {string.Join("; ", far)}"));
    }
}
