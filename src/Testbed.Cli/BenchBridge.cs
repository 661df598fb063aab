using Testbed.Bridge;
using Testbed.Controller.Bridge;

namespace Testbed.Cli;

/// <summary>The bridge `bench bridge` measures: the one at --bridge ADDRESS, or else an in-process MuJoCo bridge on
/// a free loopback port, started here and stopped on dispose. Either way the controller speaks real gRPC.</summary>
public sealed class BenchBridge : IAsyncDisposable
{
    private readonly BridgeServer? _embedded;

    private BenchBridge(BridgeConnection connection, BridgeServer? embedded)
    {
        Connection = connection;
        _embedded = embedded;
    }

    public BridgeConnection Connection { get; }
    public bool IsEmbedded => _embedded is not null;

    public static async Task<BenchBridge> OpenAsync(string? address, string scenesRoot, CancellationToken cancel)
    {
        if (address is not null)
        {
            return new BenchBridge(await BridgeConnection.ConnectAsync(address, TimeSpan.FromSeconds(10), cancel), null);
        }
        var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = scenesRoot }, cancel: cancel);
        try
        {
            return new BenchBridge(await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10), cancel), server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
