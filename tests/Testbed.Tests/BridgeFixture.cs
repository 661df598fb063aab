using Testbed.Bridge;
using Testbed.Controller.Bridge;

namespace Testbed.Tests;

/// <summary>A real MuJoCo bridge, in process, on a free loopback port, reached over real gRPC. Shared by the
/// tests of one collection.</summary>
public sealed class BridgeFixture : IAsyncLifetime
{
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    public BridgeServer Server => _server ?? throw new InvalidOperationException("bridge not started");
    public BridgeConnection Connection => _connection ?? throw new InvalidOperationException("bridge not connected");

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Testbed.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException($"no Testbed.sln above {AppContext.BaseDirectory}");
        }
    }

    public static string ScenesRoot => Path.Combine(RepositoryRoot, "sim-scenes");

    public async Task InitializeAsync()
    {
        _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = ScenesRoot });
        _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BridgeCollection : ICollectionFixture<BridgeFixture>
{
    public const string Name = "bridge";
}
