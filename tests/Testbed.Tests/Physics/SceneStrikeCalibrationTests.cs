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
/// <para>What holds today, and is asserted: the median two-body strike lands within ±5 % of the model band and none is
/// off by more than 15 % (measured: worst 9.7 %); MuJoCo's own contact misses the model by more than 30 % on a free lane
/// (ContactComplianceTests). What does not hold yet,
/// and is reported rather than asserted: every strike within ±5 % (torso regions of the articulated worker read up to
/// about +10 %), and every region struck in three shapes (the rig cannot reach the head, hands and legs cleanly).</para>
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneStrikeCalibrationTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private const double Tolerance = 0.05;
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    public static TheoryData<string> Scenes => new(SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot)
        .Where(id => File.Exists(Path.Combine(BridgeFixture.ScenesRoot, id, StrikePlan.FileName))).ToArray());

    [Theory]
    [MemberData(nameof(Scenes))]
    public async Task Strikes_by_the_scenes_own_robot_peak_near_the_two_body_model(string sceneId)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, sceneId);
        var plan = StrikePlan.Load(scene.FolderPath);
        var outcomes = await new StrikeCalibration(bridge.Connection.Client, Body).RunAsync(scene, plan, scene.Keyframes[0].Name);

        foreach (var o in outcomes)
        {
            output.WriteLine(o.Problem is null
                ? string.Create(CultureInfo.InvariantCulture, $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} v {o.ApproachSpeedMps:0.000} by {o.RobotGeom,-20} m_R {o.RobotMassKg:0.00} m_H {o.PersonMassKg:0.00} μ {o.ReducedMassKg:0.000}/{o.StickingReducedMassKg:0.000} peak {o.PeakForceN:0.0} model {o.ModelForceN:0.0}/{o.StickingModelForceN:0.0} ratio {o.Ratio:0.000}/{o.StickingRatio:0.000} dev {o.Deviation:0.000}")
                : $"{o.Geom,-20} {o.Region.ToId(),-16} {o.Shape,-20} {o.TargetSpeedMps} m/s: {o.Problem}");
        }
        var measured = outcomes.Where(o => o.Problem is null).ToList();
        var regions = measured.Select(o => o.Geom).Distinct().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{measured.Count} strikes measured on {regions.Count} region geoms; within ±5 %: {measured.Count(o => o.Deviation <= Tolerance)}; median deviation {Median(measured.Select(o => o.Deviation)):0.000}; largest {measured.Max(o => o.Deviation):0.000}"));
        Assert.True(measured.Count >= 40 && regions.Count >= 8, $"only {measured.Count} strikes on {regions.Count} region geoms were measured; expected at least 40 on 8");
        Assert.True(Median(measured.Select(o => o.Deviation)) <= Tolerance, "the median strike is outside ±5 % of the two-body model");
        var far = measured.Where(o => o.Deviation > 0.15).ToList();
        Assert.True(far.Count == 0, "off by more than 15 %: " + string.Join("; ",
            far.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Shape}, {o.TargetSpeedMps} m/s) {o.Ratio:0.000} sliding, {o.StickingRatio:0.000} sticking"))));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
