using System.Globalization;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Domain.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;
using Xunit.Abstractions;

namespace Testbed.Tests.Episodes;

/// <summary>Simulated contact forces mean something only if each person geom behaves like its ISO/TS 15066
/// spring: hit at closing speed v it must peak at F = v·√(μk) (shared/reference/harm-limits.md §10). For every
/// person geom of every scene, this takes the contact parameters the bridge reports for it, builds a head-on
/// impact of a free robot-side mass m_R on a free body-region mass m_H with exactly those parameters, runs it
/// on the real bridge at two speeds and requires the peak within ±10 % of v·√(μk).</summary>
public sealed class ContactCalibrationPhysicsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double Tolerance = 0.10;
    private const double StrikerRadius = 0.05;
    private static readonly double[] Speeds = [0.3, 1.0];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "testbed-impact-" + Guid.NewGuid().ToString("N"));
    private BridgeServer? _sceneBridge;
    private BridgeServer? _impactBridge;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _sceneBridge = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = BridgeFixture.ScenesRoot });
        _impactBridge = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = _root });
    }

    public async Task DisposeAsync()
    {
        if (_sceneBridge is not null) await _sceneBridge.DisposeAsync();
        if (_impactBridge is not null) await _impactBridge.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string> Scenes => new(SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot).ToArray());

    [Theory]
    [MemberData(nameof(Scenes))]
    public async Task Every_person_geom_peaks_at_v_sqrt_mu_k_when_struck(string sceneId)
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, sceneId);
        var body = BodyModel.LoadIsoTs15066();
        var calibration = ContactCalibration.ForScene(scene, body);
        using var sceneConnection = await BridgeConnection.ConnectAsync(_sceneBridge!.Address.ToString(), TimeSpan.FromSeconds(10));
        var opened = await sceneConnection.Client.OpenSessionAsync(new OpenSessionRequest { SceneId = sceneId });
        var geoms = opened.Model.Geoms.ToDictionary(g => g.Name);
        using var impacts = await BridgeConnection.ConnectAsync(_impactBridge!.Address.ToString(), TimeSpan.FromSeconds(10));
        var failures = new List<string>();

        foreach (var region in scene.People.SelectMany(p => p.Regions))
        {
            var geom = geoms[region.Geom];
            Assert.True(geom.Type is "sphere" or "capsule", $"{region.Geom} is a {geom.Type}; this check strikes spheres and capsules side-on");
            var massH = body[region.Region].EffectiveMassKg;
            foreach (var speed in Speeds)
            {
                var peak = await PeakForceAsync(impacts.Client, geom, massH, calibration.RobotEffectiveMassKg, speed, opened.Model.TimestepS);
                var predicted = calibration.AnalyticPeakForceN(region.Region, speed);
                var ratio = peak / predicted;
                output.WriteLine(FormattableString.Invariant($"{sceneId} {region.Geom,-22} {region.Region.ToId(),-16} v {speed:0.0} m/s: peak {peak,7:0.0} N, v·√(μk) {predicted,7:0.0} N, ratio {ratio:0.000}"));
                if (Math.Abs(ratio - 1) > Tolerance) failures.Add(FormattableString.Invariant($"{region.Geom} at {speed} m/s: {peak:0.0} N vs {predicted:0.0} N"));
            }
        }

        Assert.True(failures.Count == 0, "outside ±10 % of v·√(μk): " + string.Join("; ", failures));
    }

    [Fact]
    public async Task MuJoCos_default_contact_misstates_the_force_so_the_check_can_fail()
    {
        var body = BodyModel.LoadIsoTs15066();
        var calibration = new ContactCalibration(body, robotEffectiveMassKg: 7, dampingRatio: 0.05);
        using var impacts = await BridgeConnection.ConnectAsync(_impactBridge!.Address.ToString(), TimeSpan.FromSeconds(10));
        var chest = new GeomDescription { Name = "default_chest", Type = "capsule", Size = { 0.12, 0.12, 0 }, Solref = { 0.02, 1 }, Solimp = { 0.9, 0.95, 0.001, 0.5, 2 } };

        var peak = await PeakForceAsync(impacts.Client, chest, body[BodyRegion.Chest].EffectiveMassKg, 7, 0.3, 0.001);
        var ratio = peak / calibration.AnalyticPeakForceN(BodyRegion.Chest, 0.3);

        output.WriteLine(FormattableString.Invariant($"default solref chest at 0.3 m/s: {peak:0.0} N, ratio {ratio:0.00}"));
        Assert.True(Math.Abs(ratio - 1) > Tolerance, $"default contact gave ratio {ratio}");
    }

    private async Task<double> PeakForceAsync(SimBridge.SimBridgeClient client, GeomDescription geom, double massH, double massR, double speed, double timestep)
    {
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var gap = geom.Size[0] + StrikerRadius + 0.005;
        var file = $"{geom.Name}-{F(speed)}.xml";
        // The region's geom keeps the scene's type, size and contact parameters; capsules lie along z, so the striker
        // moving along x meets their side, as an arm meets a standing person.
        File.WriteAllText(Path.Combine(_root, file), $"""
            <mujoco model="impact">
              <option timestep="{F(timestep)}" gravity="0 0 0"/>
              <worldbody>
                <body name="region" pos="0 0 0">
                  <joint name="region_x" type="slide" axis="1 0 0"/>
                  <geom name="region_geom" type="{geom.Type}" size="{string.Join(' ', geom.Size.Take(geom.Type == "sphere" ? 1 : 2).Select(F))}"
                        mass="{F(massH)}" solref="{string.Join(' ', geom.Solref.Select(F))}" solimp="{string.Join(' ', geom.Solimp.Select(F))}" priority="{geom.Priority}"/>
                </body>
                <body name="striker" pos="{F(-gap)} 0 0">
                  <joint name="striker_x" type="slide" axis="1 0 0"/>
                  <geom name="striker_geom" type="sphere" size="{F(StrikerRadius)}" mass="{F(massR)}"/>
                </body>
              </worldbody>
              <keyframe><key name="strike" qpos="0 0" qvel="0 {F(speed)}"/></keyframe>
            </mujoco>
            """);
        var session = await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = file, WatchedBodies = { "region" } });
        await client.ResetAsync(new ResetRequest { SessionId = session.SessionId, Keyframe = "strike" });
        var step = await client.StepAsync(new StepRequest { SessionId = session.SessionId, SubstepsPerPeriod = (uint)Math.Round(0.4 / timestep), Periods = { new ControlPeriod() } });
        await client.CloseSessionAsync(new CloseSessionRequest { SessionId = session.SessionId });
        var contact = Assert.Single(step.Contacts);
        Assert.False(contact.Ongoing, $"{geom.Name}: the striker did not bounce off within 0.4 s");
        Assert.InRange(contact.ApproachSpeedMps, speed * 0.98, speed * 1.02);
        return contact.PeakNormalForceN;
    }
}
