using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Testbed.Bridge.Rendering;
using Testbed.Bridge.Scenes;
using Testbed.Bridge.Service;
using Testbed.Bridge.Sessions;
using Testbed.Bridge.Engine;

namespace Testbed.Bridge;

/// <summary>A running MuJoCo bridge: gRPC over HTTP/2 without TLS (h2c) on one address. Used standalone by
/// `testbed bridge serve` and embedded by `testbed run` and the tests.</summary>
public sealed class BridgeServer : IAsyncDisposable
{
    public const int MaxMessageBytes = 64 * 1024 * 1024;
    private readonly WebApplication _app;
    private readonly HeadlessRenderer _renderer;
    private readonly SessionRegistry _sessions;

    private BridgeServer(WebApplication app, HeadlessRenderer renderer, SessionRegistry sessions, Uri address)
    {
        _app = app;
        _renderer = renderer;
        _sessions = sessions;
        Address = address;
    }

    /// <summary>The address clients connect to, e.g. http://127.0.0.1:50151.</summary>
    public Uri Address { get; }

    public int OpenSessions => _sessions.Count;

    public static async Task<BridgeServer> StartAsync(BridgeOptions options, CancellationToken cancel = default)
    {
        if (!IPAddress.TryParse(options.Host, out var ip))
        {
            throw new ArgumentException($"bridge host '{options.Host}' is not an IP address; expected e.g. 127.0.0.1 or 0.0.0.0");
        }
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"bridge port {options.Port} is out of range; expected 0 (any free port) to 65535");
        }
        var scenes = new SceneRoot(options.SceneRoot);
        MujocoRuntime.EnsureInitialised();
        var renderer = new HeadlessRenderer();
        var sessions = new SessionRegistry(renderer, options.SessionIdleTimeout, options.MaxSessions);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(ip, options.Port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageBytes;
            o.MaxSendMessageSize = MaxMessageBytes;
        });
        builder.Services.AddSingleton(scenes);
        builder.Services.AddSingleton(sessions);
        builder.Services.AddSingleton(renderer);
        var app = builder.Build();
        app.MapGrpcService<SimBridgeService>();
        await app.StartAsync(cancel);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        // A bridge bound to every interface is reached locally through loopback.
        var reachable = ip.Equals(IPAddress.Any) ? IPAddress.Loopback : ip.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : ip;
        var address = new UriBuilder("http", reachable.ToString(), port).Uri;
        return new BridgeServer(app, renderer, sessions, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _sessions.Dispose();
        _renderer.Dispose();
    }
}
