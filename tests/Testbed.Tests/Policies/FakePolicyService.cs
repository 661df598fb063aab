using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Testbed.PolicyContract.V1;

namespace Testbed.Tests.Policies;

/// <summary>What the fake neutral policy service answers to Act.</summary>
public enum FakePolicyServiceBehaviour
{
    /// <summary>Ten rows per call; row i of call k moves the first joint to start + 0.001·((10k + i) mod 200 + 1), so
    /// neighbouring targets in a trajectory differ and tell which row sent them (and the arm stays within 0.2 rad).</summary>
    Ramp,

    /// <summary>Fails every Act with INTERNAL, as a server whose model raised does.</summary>
    ServerError,
}

/// <summary>testbed.policy.v1 served in process by Kestrel (Grpc.AspNetCore), plaintext or TLS, on a free or a given
/// port: a real socket, a real HTTP/2 stack and a real TLS handshake, with a delay before each Act answer and a way
/// to stop it as a crash would.</summary>
public sealed class FakePolicyService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly State _state;

    private FakePolicyService(WebApplication app, State state, int port, bool tls)
    {
        _app = app;
        _state = state;
        Port = port;
        Uri = $"{(tls ? "grpcs" : "grpc")}://127.0.0.1:{port}";
    }

    public int Port { get; }

    public string Uri { get; }

    /// <summary>Act calls received (answered or not).</summary>
    public int ActCalls => _state.ActCalls;

    /// <summary>Every camera image received, as (camera, width, height) from the message's fields and the byte count.</summary>
    public IReadOnlyList<(string Camera, uint Width, uint Height, int Bytes)> ImagesReceived => [.. _state.Images];

    /// <param name="port">0 for a free port.</param>
    /// <param name="certificate">With its private key: serve TLS with it; null: plaintext.</param>
    /// <param name="actDelay">How long each Act takes before it answers.</param>
    /// <param name="stopAfterActs">Stop serving, as a crash would, once this many Act calls were answered.</param>
    /// <param name="cameras">The cameras the handshake asks for, with their sizes; none by default.</param>
    public static async Task<FakePolicyService> StartAsync(
        FakePolicyServiceBehaviour behaviour = FakePolicyServiceBehaviour.Ramp, int port = 0, X509Certificate2? certificate = null,
        TimeSpan actDelay = default, int? stopAfterActs = null, IReadOnlyList<CameraWanted>? cameras = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var state = new State { Behaviour = behaviour, ActDelay = actDelay, StopAfterActs = stopAfterActs, Cameras = cameras ?? [] };
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var bound = new Uri(app.Urls.First()).Port;
        var server = new FakePolicyService(app, state, bound, certificate is not null);
        state.Stop = () => _ = server.StopAsync();
        return server;
    }

    /// <summary>Stops listening and drops every connection at once.</summary>
    public async Task StopAsync()
    {
        using var now = new CancellationTokenSource(TimeSpan.Zero);
        try
        {
            await _app.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped without grace, as intended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A free TCP port on the loopback, closed again (for a server started later on it).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public sealed class State
    {
        public FakePolicyServiceBehaviour Behaviour { get; init; }
        public TimeSpan ActDelay { get; init; }
        public int? StopAfterActs { get; init; }
        public IReadOnlyList<CameraWanted> Cameras { get; init; } = [];
        public System.Collections.Concurrent.ConcurrentQueue<(string Camera, uint Width, uint Height, int Bytes)> Images { get; } = new();
        public Action Stop { get; set; } = () => { };
        public int ActCalls;
        public int Answered;
        public double[] Start = [];
        public int EpisodeCalls;
    }

    private sealed class Service(State state) : PolicyService.PolicyServiceBase
    {
        public override Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context) =>
            Task.FromResult(new HandshakeResponse
            {
                PolicyName = "fake-ramp", ActionDimension = 7, ActionConvention = ActionConvention.AbsoluteJointPositions, ChunkSize = 10,
                Cameras = { state.Cameras },
            });

        public override Task<ResetResponse> Reset(ResetRequest request, ServerCallContext context)
        {
            state.Start = [.. request.JointPositionsRad];
            state.EpisodeCalls = 0;
            return Task.FromResult(new ResetResponse());
        }

        public override async Task<ActResponse> Act(ActRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref state.ActCalls);
            foreach (var image in request.Images) state.Images.Enqueue((image.Camera, image.WidthPx, image.HeightPx, image.Rgb8.Length));
            if (state.ActDelay > TimeSpan.Zero) await Task.Delay(state.ActDelay, context.CancellationToken);
            if (state.Behaviour == FakePolicyServiceBehaviour.ServerError) throw new RpcException(new Status(StatusCode.Internal, "RuntimeError: CUDA out of memory"));
            var reply = new ActResponse();
            var call = state.EpisodeCalls++;
            var start = state.Start;
            for (var i = 0; i < 10; i++)
            {
                var row = new ActionRow();
                row.Values.AddRange(start);
                row.Values[0] = start[0] + (0.001 * ((((10 * call) + i) % 200) + 1));
                reply.Actions.Add(row);
            }
            if (Interlocked.Increment(ref state.Answered) == state.StopAfterActs) state.Stop();
            return reply;
        }
    }
}
