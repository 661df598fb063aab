using System.Globalization;
using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>
/// The contact physics proved with each scene's own robot (Controller/Calibration/StrikeCalibration): every body
/// region of every person, struck by the robot's own links in each arm shape of the scene's strike plan at two
/// speeds, peaks within ±5 % of v·√(μ_true·k), μ_true from the model's inertia at that contact.
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
    public async Task Every_region_struck_by_the_scenes_own_robot_peaks_at_the_two_body_model(string sceneId)
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
        var regions = scene.People.SelectMany(p => p.Regions).Select(r => r.Geom).ToList();
        foreach (var geom in regions)
        {
            var strikes = measured.Where(o => o.Geom == geom).ToList();
            Assert.True(strikes.Select(o => o.Shape).Distinct().Count() >= 3 && strikes.Select(o => o.TargetSpeedMps).Distinct().Count() >= 2,
                $"{geom}: measured in {strikes.Select(o => o.Shape).Distinct().Count()} shapes and {strikes.Select(o => o.TargetSpeedMps).Distinct().Count()} speeds; expected at least 3 and 2");
        }
        var outside = measured.Where(o => o.Deviation > Tolerance).ToList();
        Assert.True(outside.Count == 0, "outside ±5 % of v·√(μ_true·k): " + string.Join("; ",
            outside.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Shape}, {o.TargetSpeedMps} m/s) {o.Ratio:0.000} sliding, {o.StickingRatio:0.000} sticking"))));
    }
}
