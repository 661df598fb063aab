using Grpc.Core;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Sim.V1;

namespace Testbed.Tests.Bridge;

/// <summary>
/// The calibration probes' switches. SetForceSwitches with passive forces off must leave no trace of the joints' damping. MuJoCo 2.2.2's Euler integrator
/// solves with M + h·diag(damping) even when passive forces are disabled, which made every damped joint heavier by
/// h·damping during the strike calibration's coast (a struck pelvis read 4.5 % high at h = 1 ms). SetCollisionsOff takes
/// geoms out of every contact and puts them back. Friction off (and collisions off again) is the conformance check
/// `calibration-switches-friction-and-collisions`, which BridgeConformanceTests runs against this bridge.
/// </summary>
public sealed class CalibrationSwitchTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "testbed-force-switches-" + Guid.NewGuid().ToString("N"));

    public CalibrationSwitchTests()
    {
        Directory.CreateDirectory(_root);
        var pusher = File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, "conformance", "pusher.xml"));
        File.WriteAllText(Path.Combine(_root, "damped.xml"), pusher);
        var undamped = pusher.Replace(" damping=\"2\"", "").Replace(" damping=\"5\"", "");
        Assert.NotEqual(pusher, undamped);
        File.WriteAllText(Path.Combine(_root, "undamped.xml"), undamped);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task With_passive_forces_off_a_damped_arm_moves_as_an_undamped_one_and_its_damping_returns_when_they_are_on()
    {
        await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = _root });
        using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));
        var client = connection.Client;

        // The arm swung by its actuators from rest for 0.2 s, with passive forces off or on throughout.
        async Task<double[]> Swing(string mjcf, bool passiveOff, bool switchBackFirst = false)
        {
            var session = (await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = mjcf })).SessionId;
            if (switchBackFirst)
            {
                await client.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = session, PassiveOff = true });
                await client.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = session });
            }
            await client.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = session, PassiveOff = passiveOff });
            var request = new StepRequest { SessionId = session, SubstepsPerPeriod = 10, ReturnState = true };
            request.ActuatorNames.AddRange(["yaw", "reach"]);
            for (var p = 0; p < 10; p++) request.Periods.Add(new ControlPeriod { Targets = { 1.0, 0.4 } });
            var state = (await client.StepAsync(request)).State;
            await client.CloseSessionAsync(new CloseSessionRequest { SessionId = session });
            return [.. state.Qpos.Take(2), .. state.Qvel.Take(2)];
        }

        var dampedOff = await Swing("damped.xml", passiveOff: true);
        var undampedOff = await Swing("undamped.xml", passiveOff: true);
        for (var i = 0; i < dampedOff.Length; i++) Assert.Equal(undampedOff[i], dampedOff[i], 12);

        // The damping is real when passive forces are on, and switching them off and on again restores it exactly.
        var dampedOn = await Swing("damped.xml", passiveOff: false);
        var undampedOn = await Swing("undamped.xml", passiveOff: false);
        Assert.True(Math.Abs(dampedOn[2] - undampedOn[2]) > 1e-3, $"yaw speed {dampedOn[2]} damped, {undampedOn[2]} undamped: the damping should slow the swing");
        Assert.Equal(dampedOn, await Swing("damped.xml", passiveOff: false, switchBackFirst: true));
    }

    [Fact]
    public async Task A_geom_with_collisions_off_falls_through_the_floor_until_they_are_on_again_and_an_unknown_geom_changes_nothing()
    {
        await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = BridgeFixture.ScenesRoot });
        using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));
        var client = connection.Client;
        var session = (await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "conformance/box-on-floor.xml" })).SessionId;

        // The box's height after 0.3 s from its resting start.
        async Task<double> HeightAfterFall()
        {
            await client.ResetAsync(new ResetRequest { SessionId = session });
            var request = new StepRequest { SessionId = session, SubstepsPerPeriod = 300, ReturnState = true };
            request.Periods.Add(new ControlPeriod());
            var state = (await client.StepAsync(request)).State;
            return state.Qpos[2];
        }

        Assert.Equal(0.1, await HeightAfterFall(), 2);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.SetCollisionsOffAsync(new SetCollisionsOffRequest { SessionId = session, Geoms = { "box_geom", "box_lid" } }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("box_lid", unknown.Status.Detail);
        Assert.Equal(0.1, await HeightAfterFall(), 2);

        await client.SetCollisionsOffAsync(new SetCollisionsOffRequest { SessionId = session, Geoms = { "box_geom" } });
        Assert.Equal(0.1 - 0.5 * 9.81 * 0.3 * 0.3, await HeightAfterFall(), 2);

        await client.SetCollisionsOffAsync(new SetCollisionsOffRequest { SessionId = session });
        Assert.Equal(0.1, await HeightAfterFall(), 2);
    }
}
