using Grpc.Core;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Sim.V1;

namespace Testbed.Tests.Bridge;

/// <summary>Session life cycle: several sessions at once, each with its own state, and idle sessions reclaimed.</summary>
public sealed class BridgeSessionTests
{
    private static StepRequest Chunk(string session, double yaw, int periods = 50)
    {
        var request = new StepRequest { SessionId = session, SubstepsPerPeriod = 2 };
        request.ActuatorNames.AddRange(["yaw", "reach"]);
        for (var p = 0; p < periods; p++) request.Periods.Add(new ControlPeriod { Targets = { yaw, 0.4 } });
        return request;
    }

    [Fact]
    public async Task Sessions_stepped_concurrently_keep_their_own_state()
    {
        await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = BridgeFixture.ScenesRoot });
        using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));
        var client = connection.Client;

        async Task<double[]> Run(double yaw)
        {
            var session = await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "conformance/pusher.xml" });
            for (var i = 0; i < 10; i++) await client.StepAsync(Chunk(session.SessionId, yaw));
            var state = await client.GetStateAsync(new GetStateRequest { SessionId = session.SessionId });
            await client.CloseSessionAsync(new CloseSessionRequest { SessionId = session.SessionId });
            return [.. state.Qpos];
        }

        var together = await Task.WhenAll(Run(0.5), Run(-0.5), Run(0.5), Run(-0.5));
        var alone = await Run(0.5);

        Assert.Equal(alone, together[0]);
        Assert.Equal(alone, together[2]);
        Assert.Equal(together[1], together[3]);
        Assert.NotEqual(together[0], together[1]);
        Assert.Equal(0, server.OpenSessions);
    }

    [Fact]
    public async Task A_session_never_closed_is_reclaimed_after_the_idle_timeout()
    {
        await using var server = await BridgeServer.StartAsync(new BridgeOptions
        {
            Port = 0, SceneRoot = BridgeFixture.ScenesRoot, SessionIdleTimeout = TimeSpan.FromMilliseconds(300),
        });
        using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));
        var client = connection.Client;
        var abandoned = await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "conformance/pusher.xml" });
        Assert.Equal(1, server.OpenSessions);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.OpenSessions > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Equal(0, server.OpenSessions);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.StepAsync(Chunk(abandoned.SessionId, 0.1)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        var fresh = await client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "conformance/pusher.xml" });
        Assert.True((await client.StepAsync(Chunk(fresh.SessionId, 0.1, periods: 1))).SubstepsTaken > 0);
    }

    [Fact]
    public async Task The_bridge_listens_on_loopback_by_default()
    {
        Assert.Equal("127.0.0.1", new BridgeOptions { SceneRoot = "." }.Host);
        await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = BridgeFixture.ScenesRoot });
        Assert.Equal("127.0.0.1", server.Address.Host);
    }
}
