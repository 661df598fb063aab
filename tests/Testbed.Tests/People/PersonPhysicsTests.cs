using Testbed.Mjcf;
using Testbed.Bridge;
using Testbed.Bridge.Engine;
using Testbed.Controller.Bridge;
using Testbed.Controller.Scenes;
using Testbed.Domain.People;
using Testbed.Sim.V1;

namespace Testbed.Tests.People;

/// <summary>The articulated person in real MuJoCo through the real bridge: its mass, standing still, recoiling from a
/// strike and coming back, a hand clamped on a bench, and a smaller, lighter patient.</summary>
public sealed class PersonPhysicsTests : IAsyncLifetime
{
    private const double StandingToleranceM = 0.02;
    private const double UprightToleranceDeg = 3;
    private const double BenchTopM = 0.9255;
    private const double PressMassKg = 20;
    private static readonly Anthropometry Table = Anthropometry.LoadDeLeva1996();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "testbed-person-" + Guid.NewGuid().ToString("N"));
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    private SimBridge.SimBridgeClient Bridge => _connection!.Client;

    public async Task InitializeAsync()
    {
        var warehouse = Path.Combine(BridgeFixture.ScenesRoot, "warehouse");
        foreach (var file in Directory.EnumerateFiles(warehouse, "*.xml"))
        {
            Directory.CreateDirectory(Path.Combine(_root, "warehouse"));
            File.Copy(file, Path.Combine(_root, "warehouse", Path.GetFileName(file)));
        }
        var atOrigin = new PersonPlacement(0, 0, 0);
        WriteScene("strike", PersonBody.Build(Table, "worker", 1.75, 75), atOrigin, """
            <body name="striker" pos="0.25 0 1.38">
              <joint name="striker_x" type="slide" axis="1 0 0"/>
              <geom name="striker_ball" type="sphere" size="0.05" mass="5" contype="8" conaffinity="7"/>
            </body>
            """);
        // A standing workbench whose top is one hand radius below the wrist of an arm raised 30 degrees forward with the
        // wrist bent 60 degrees (so the hand lies flat on it), and a 20 kg press on a vertical slide resting on the hand.
        WriteScene("clamp", PersonBody.Build(Table, "worker", 1.75, 75), atOrigin, $"""
            <body name="bench" pos="0.62 -0.18 {BenchTopM / 2:0.####}">
              <geom name="bench_top" type="box" size="0.3 0.2 {BenchTopM / 2:0.####}" contype="1" conaffinity="0"/>
            </body>
            <body name="press" pos="0.40 -0.18 1.0">
              <joint name="press_z" type="slide" axis="0 0 1" damping="50"/>
              <geom name="press_pad" type="box" size="0.05 0.05 0.02" mass="{PressMassKg}" contype="8" conaffinity="7"/>
            </body>
            """);
        WriteScene("patient", PersonBody.Build(Table, "patient", 1.55, 50), atOrigin, "");
        _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = _root });
        _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
    }

    private void WriteScene(string name, PersonBody person, PersonPlacement placement, string bodies)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "person.xml"), PersonMjcf.Write(person, placement));
        File.WriteAllText(Path.Combine(folder, name + ".xml"), $"""
            <mujoco model="{name}">
              <compiler angle="radian" autolimits="true"/>
              <option timestep="0.001"/>
              <worldbody>
                <geom name="floor" type="plane" size="3 3 0.1" contype="1" conaffinity="0"/>
                {bodies}
                <include file="person.xml"/>
              </worldbody>
            </mujoco>
            """);
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void The_warehouse_worker_weighs_75_kg_and_each_body_its_table_share()
    {
        using var model = MujocoModel.Load(MjcfLoadedFiles.Resolve(Path.Combine(BridgeFixture.ScenesRoot, "warehouse", "warehouse.xml"), Path.Combine(BridgeFixture.ScenesRoot, "warehouse")));
        var person = PersonBody.Build(Table, "worker", 1.75, 75);

        var total = 0.0;
        foreach (var body in person.Bodies)
        {
            var mass = model.BodyMassesKg[model.BodyId(body.Name)];
            Assert.Equal(Table[body.Segment].MassFraction * 75, mass, 4);
            Assert.Equal("worker", Ancestors(model, body.Name).Last(a => a != "world"));
            total += mass;
        }
        Assert.InRange(total, 75 * 0.99, 75 * 1.01);
        Assert.Equal(0, model.BodyMassesKg[model.BodyId("worker")]);
    }

    [Theory]
    [InlineData("warehouse/warehouse.xml", "worker_clear", "worker")]
    [InlineData("warehouse/warehouse.xml", "worker_in_path", "worker")]
    [InlineData("patient/patient.xml", "", "patient")]
    public async Task A_standing_person_stays_up_for_5_s(string mjcf, string keyframe, string person)
    {
        var session = await OpenAsync(mjcf);
        await Bridge.ResetAsync(new ResetRequest { SessionId = session, Keyframe = keyframe });
        string[] bodies = [$"{person}_pelvis", $"{person}_head", $"{person}_thorax"];
        var start = await BodiesAsync(session, bodies);

        for (var chunk = 0; chunk < 50; chunk++)
        {
            var now = (await StepAsync(session, 0.1, bodies)).BodyStates.ToDictionary(b => b.Name);
            foreach (var name in bodies)
            {
                Assert.True(Math.Abs(now[name].Position.Z - start[name].Position.Z) < StandingToleranceM,
                    $"{mjcf} {keyframe}: {name} at t = {(chunk + 1) * 0.1:0.0} s is {now[name].Position.Z:0.####} m high; it started at {start[name].Position.Z:0.####} m");
                Assert.True(TiltDeg(now[name].Orientation) < UprightToleranceDeg, $"{mjcf} {keyframe}: {name} tilts {TiltDeg(now[name].Orientation):0.##} deg at t = {(chunk + 1) * 0.1:0.0} s");
            }
        }
    }

    [Fact]
    public async Task A_struck_chest_recoils_and_comes_back()
    {
        var session = await OpenAsync("strike/strike.xml", "worker_thorax");
        await Bridge.ResetAsync(new ResetRequest { SessionId = session });
        var state = await Bridge.GetStateAsync(new GetStateRequest { SessionId = session });
        state.Qvel[0] = -1.5; // striker_x, the first joint: 1.5 m/s towards the chest
        await Bridge.SetStateAsync(new SetStateRequest { SessionId = session, State = state });
        string[] bodies = ["worker_thorax", "worker_head", "worker_pelvis"];
        var start = await BodiesAsync(session, bodies);

        var peakForce = 0.0;
        var deepestRecoil = 0.0;
        Dictionary<string, BodyState> now = start;
        for (var chunk = 0; chunk < 300; chunk++)
        {
            var step = await StepAsync(session, 0.01, bodies);
            peakForce = Math.Max(peakForce, step.Contacts.Where(c => c.Geom1 == "worker_chest" || c.Geom2 == "worker_chest").Select(c => c.PeakNormalForceN).DefaultIfEmpty(0).Max());
            now = step.BodyStates.ToDictionary(b => b.Name);
            deepestRecoil = Math.Max(deepestRecoil, start["worker_thorax"].Position.X - now["worker_thorax"].Position.X);
        }

        Assert.True(peakForce > 100, $"the strike peaked at {peakForce:0.#} N on the chest");
        Assert.True(deepestRecoil > 0.005, $"the thorax recoiled only {deepestRecoil * 1000:0.#} mm");
        Assert.True(Math.Abs(now["worker_thorax"].Position.X - start["worker_thorax"].Position.X) < 0.003,
            $"3 s after the strike the thorax is {(now["worker_thorax"].Position.X - start["worker_thorax"].Position.X) * 1000:0.#} mm from where it stood");
        foreach (var name in bodies)
        {
            Assert.True(Math.Abs(now[name].Position.Z - start[name].Position.Z) < StandingToleranceM, $"{name} sank to {now[name].Position.Z:0.###} m");
            Assert.True(TiltDeg(now[name].Orientation) < UprightToleranceDeg, $"{name} tilts {TiltDeg(now[name].Orientation):0.##} deg");
        }
    }

    [Fact]
    public async Task A_hand_pressed_onto_a_bench_is_clamped_not_pushed_through()
    {
        var (session, model) = await OpenWithModelAsync("clamp/clamp.xml", "worker_hand_r");
        await Bridge.ResetAsync(new ResetRequest { SessionId = session });
        var joints = model.JointNames;
        Assert.Equal((int)model.Nq, joints.Count); // every joint is a hinge or a slide: qpos index = joint index
        var state = await Bridge.GetStateAsync(new GetStateRequest { SessionId = session });
        state.Qpos[joints.IndexOf("worker_shoulder_r_y")] = -Math.PI / 6;
        state.Qpos[joints.IndexOf("worker_wrist_r_y")] = -Math.PI / 3;
        await Bridge.SetStateAsync(new SetStateRequest { SessionId = session, State = state });
        var hand = PersonBody.Build(Table, "worker", 1.75, 75).Bodies.Single(b => b.Name == "worker_hand_r").Geoms.Single();

        var benchForce = 0.0;
        var deepest = 0.0;
        for (var chunk = 0; chunk < 20; chunk++)
        {
            var step = await StepAsync(session, 0.1, ["worker_hand_r"]);
            var onBench = step.Contacts.Where(c => c.Geom1 == "bench_top" || c.Geom2 == "bench_top").ToList();
            Assert.NotEmpty(onBench);
            benchForce = onBench.Sum(c => c.PeakNormalForceN);
            deepest = Math.Max(deepest, onBench.Max(c => c.MaxPenetrationM));
            var wrist = step.BodyStates.Single().Position.Z;
            Assert.True(wrist > BenchTopM + hand.Size[0] - 0.005, $"the hand's axis is at {wrist:0.####} m, below the bench top {BenchTopM} m + its radius");
        }

        var pressWeight = PressMassKg * 9.81;
        Assert.True(benchForce > 0.9 * pressWeight && benchForce < 1.5 * pressWeight,
            $"the bench carries {benchForce:0.#} N under the hand; the press weighs {pressWeight:0.#} N");
        Assert.True(deepest < 0.005, $"the hand sank {deepest * 1000:0.#} mm into the bench");
    }

    private async Task<string> OpenAsync(string mjcf, params string[] watched) => (await OpenWithModelAsync(mjcf, watched)).Session;

    private async Task<(string Session, ModelDescription Model)> OpenWithModelAsync(string mjcf, params string[] watched)
    {
        var request = new OpenSessionRequest { MjcfPath = mjcf };
        request.WatchedBodies.AddRange(watched);
        var opened = await Bridge.OpenSessionAsync(request);
        return (opened.SessionId, opened.Model);
    }

    private async Task<StepResponse> StepAsync(string session, double seconds, IEnumerable<string> bodies)
    {
        var request = new StepRequest { SessionId = session, SubstepsPerPeriod = (uint)Math.Round(seconds / 0.001) };
        request.Periods.Add(new ControlPeriod());
        request.BodyStateNames.AddRange(bodies);
        return await Bridge.StepAsync(request);
    }

    private async Task<Dictionary<string, BodyState>> BodiesAsync(string session, IEnumerable<string> bodies)
    {
        var request = new GetBodyStatesRequest { SessionId = session };
        request.BodyNames.AddRange(bodies);
        return (await Bridge.GetBodyStatesAsync(request)).Bodies.ToDictionary(b => b.Name);
    }

    // Angle between the body's z axis and the world's vertical.
    private static double TiltDeg(Quat q) => Math.Acos(Math.Clamp(1 - 2 * (q.X * q.X + q.Y * q.Y), -1, 1)) * 180 / Math.PI;

    private static IEnumerable<string> Ancestors(MujocoModel model, string body)
    {
        for (var name = model.BodyParentNames[model.BodyId(body)]; name.Length > 0; name = model.BodyParentNames[model.BodyId(name)])
        {
            yield return name;
        }
    }
}
