using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using MessagePack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Testbed.Tests.Policies;

public delegate void MessageWriting(ref MessagePackWriter writer);

/// <summary>What the fake openpi server does with each observation.</summary>
public enum FakeOpenPiBehaviour
{
    /// <summary>Answers ten rows holding the state of the first observation, as float32.</summary>
    HoldFloat32,
    /// <summary>The same as float64.</summary>
    HoldFloat64,
    /// <summary>Answers bytes that are not msgpack.</summary>
    Garbage,
    /// <summary>Answers (10, 14) actions, an ALOHA-sized policy.</summary>
    WrongDimension,
    /// <summary>Sends a Python traceback as a text frame, then closes with 1011, as openpi does on an exception.</summary>
    ServerError,
    /// <summary>Never answers.</summary>
    Silent,
    /// <summary>Answers a 20 MiB message.</summary>
    Oversize,
    /// <summary>Drops the connection without a close, as a server process that dies does.</summary>
    Killed,
    /// <summary>Like HoldFloat64, but the third value (the warehouse arm's elbow) is 4.2 rad, beyond its control range.</summary>
    OutOfRange,
}

/// <summary>A websocket server speaking openpi's WebsocketPolicyServer protocol, written from its description:
/// metadata map first, then one binary msgpack frame each way; arrays are maps whose four marker keys are msgpack
/// bin (the real server matches Python bytes, so str keys leave a plain dict, and this one does the same).</summary>
public sealed class FakeOpenPiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeOpenPiBehaviour _behaviour;
    private int _observations;

    private FakeOpenPiServer(WebApplication app, FakeOpenPiBehaviour behaviour, int answerFirst)
    {
        _app = app;
        _behaviour = behaviour;
        AnswerFirst = answerFirst;
    }

    public int Port { get; private set; }

    public string Uri => $"openpi+ws://127.0.0.1:{Port}";

    /// <summary>Observations answered normally before the behaviour starts.</summary>
    public int AnswerFirst { get; }

    public int Observations => _observations;

    /// <summary>The last observation as the server decoded it: keys to "ndarray dtype (shape)" or a string's value.</summary>
    public IReadOnlyDictionary<string, string> LastObservation { get; private set; } = new Dictionary<string, string>();

    /// <summary>The last observation's arrays as the server decoded them: shape and raw bytes.</summary>
    public IReadOnlyDictionary<string, (long[] Shape, byte[] Data)> LastArrays { get; private set; } = new Dictionary<string, (long[], byte[])>();

    /// <summary>GET /healthz requests seen.</summary>
    public int HealthChecks => _healthChecks;

    private int _healthChecks;

    /// <param name="healthz">What GET /healthz answers: 200 "OK" as openpi's server, 503 for one that is up but not
    /// serving, 404 for a server from before the endpoint.</param>
    public static async Task<FakeOpenPiServer> StartAsync(FakeOpenPiBehaviour behaviour, int answerFirst = 0, int healthz = 200)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOpenPiServer(app, behaviour, answerFirst);
        app.UseWebSockets();
        app.MapGet("/healthz", () =>
        {
            Interlocked.Increment(ref server._healthChecks);
            return healthz == 200 ? Microsoft.AspNetCore.Http.Results.Text("OK") : Microsoft.AspNetCore.Http.Results.Text(healthz == 503 ? "model still loading" : "", statusCode: healthz);
        });
        app.Use(async (context, next) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await next(context);
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await server.ServeAsync(socket, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    private async Task ServeAsync(WebSocket socket, CancellationToken cancel)
    {
        await socket.SendAsync(Encode((ref MessagePackWriter w) => w.WriteMapHeader(0)), WebSocketMessageType.Binary, true, cancel);
        double[]? firstState = null;
        while (socket.State == WebSocketState.Open)
        {
            var message = await ReceiveAsync(socket, cancel);
            if (message is null) return;
            var observation = Decode(message);
            LastObservation = observation.ToDictionary(p => p.Key, p => p.Value is Array3 a ? $"ndarray {a.Dtype} ({string.Join(", ", a.Shape)})" : p.Value?.ToString() ?? "");
            LastArrays = observation.Where(p => p.Value is Array3).ToDictionary(p => p.Key, p => (((Array3)p.Value!).Shape, ((Array3)p.Value!).Data));
            var behaviour = Interlocked.Increment(ref _observations) <= AnswerFirst ? FakeOpenPiBehaviour.HoldFloat64 : _behaviour;
            if (!observation.TryGetValue("observation/state", out var value) || value is not Array3 state)
            {
                await FailAsync(socket, "KeyError: 'observation/state'", cancel);
                return;
            }
            // Holds the pose the episode started in (answering the observed pose instead would let the arm sag).
            var joints = firstState ??= Enumerable.Range(0, state.Data.Length / 8).Select(i => BitConverter.ToDouble(state.Data, i * 8)).ToArray();
            switch (behaviour)
            {
                case FakeOpenPiBehaviour.HoldFloat32 or FakeOpenPiBehaviour.HoldFloat64:
                    await socket.SendAsync(Actions(joints, 10, behaviour == FakeOpenPiBehaviour.HoldFloat32), WebSocketMessageType.Binary, true, cancel);
                    break;
                case FakeOpenPiBehaviour.OutOfRange:
                    var bent = (double[])joints.Clone();
                    bent[2] = 4.2;
                    await socket.SendAsync(Actions(bent, 10, false), WebSocketMessageType.Binary, true, cancel);
                    break;
                case FakeOpenPiBehaviour.WrongDimension:
                    await socket.SendAsync(Actions(new double[14], 10, false), WebSocketMessageType.Binary, true, cancel);
                    break;
                case FakeOpenPiBehaviour.Garbage:
                    await socket.SendAsync("<html>502 Bad Gateway</html>"u8.ToArray(), WebSocketMessageType.Binary, true, cancel);
                    break;
                case FakeOpenPiBehaviour.Oversize:
                    await socket.SendAsync(new byte[20 * 1024 * 1024], WebSocketMessageType.Binary, true, cancel);
                    break;
                case FakeOpenPiBehaviour.ServerError:
                    await FailAsync(socket, "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB", cancel);
                    return;
                case FakeOpenPiBehaviour.Killed:
                    socket.Abort();
                    return;
                case FakeOpenPiBehaviour.Silent:
                    await Task.Delay(Timeout.Infinite, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
            }
        }
    }

    private static async Task FailAsync(WebSocket socket, string error, CancellationToken cancel)
    {
        var traceback = $"Traceback (most recent call last):\n  File \"openpi/serving/websocket_policy_server.py\", line 60, in _handler\n    action = self._policy.infer(obs)\n{error}\n";
        await socket.SendAsync(Encoding.UTF8.GetBytes(traceback), WebSocketMessageType.Text, true, cancel);
        await socket.CloseAsync(WebSocketCloseStatus.InternalServerError, "Internal server error. Traceback included in previous frame.", cancel);
    }

    private static async Task<byte[]?> ReceiveAsync(WebSocket socket, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(chunk, cancel);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Write(chunk, 0, result.Count);
            if (result.EndOfMessage) return buffer.ToArray();
        }
    }

    private sealed record Array3(string Dtype, long[] Shape, byte[] Data);

    /// <summary>Decodes the observation as openpi's unpackb with msgpack_numpy's object hook would: only a map
    /// with bin marker keys is an array.</summary>
    private static Dictionary<string, object?> Decode(byte[] message)
    {
        var reader = new MessagePackReader(message);
        var result = new Dictionary<string, object?>();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString()!;
            if (reader.NextMessagePackType == MessagePackType.String)
            {
                result[key] = reader.ReadString();
                continue;
            }
            var fields = reader.ReadMapHeader();
            var binKeys = new Dictionary<string, object?>();
            var strKeys = 0;
            for (var f = 0; f < fields; f++)
            {
                string name;
                if (reader.NextMessagePackType == MessagePackType.Binary) name = Encoding.ASCII.GetString(reader.ReadBytes()!.Value.ToArray());
                else
                {
                    name = reader.ReadString()!;
                    strKeys++;
                }
                binKeys[name] = reader.NextMessagePackType switch
                {
                    MessagePackType.Boolean => reader.ReadBoolean(),
                    MessagePackType.Binary => reader.ReadBytes()!.Value.ToArray(),
                    MessagePackType.String => reader.ReadString(),
                    MessagePackType.Array => ReadSizes(ref reader),
                    _ => throw new InvalidDataException($"unexpected value under {name}"),
                };
            }
            result[key] = strKeys == 0 && binKeys.ContainsKey("__ndarray__")
                ? new Array3((string)binKeys["dtype"]!, (long[])binKeys["shape"]!, (byte[])binKeys["data"]!)
                : binKeys;
        }
        return result;
    }

    private static long[] ReadSizes(ref MessagePackReader reader)
    {
        var sizes = new long[reader.ReadArrayHeader()];
        for (var i = 0; i < sizes.Length; i++) sizes[i] = reader.ReadInt64();
        return sizes;
    }

    private static byte[] Actions(double[] row, int horizon, bool float32)
    {
        var data = new MemoryStream();
        for (var h = 0; h < horizon; h++)
        {
            foreach (var v in row) data.Write(float32 ? BitConverter.GetBytes((float)v) : BitConverter.GetBytes(v));
        }
        return Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("actions");
            w.WriteMapHeader(4);
            w.Write("__ndarray__"u8);
            w.Write(true);
            w.Write("data"u8);
            w.Write(data.ToArray());
            w.Write("dtype"u8);
            w.Write(float32 ? "<f4" : "<f8");
            w.Write("shape"u8);
            w.WriteArrayHeader(2);
            w.Write(horizon);
            w.Write(row.Length);
            w.Write("policy_timing");
            w.WriteMapHeader(1);
            w.Write("infer_ms");
            w.Write(1.5);
            w.Write("server_timing");
            w.WriteMapHeader(1);
            w.Write("infer_ms");
            w.Write(1.7);
        });
    }


    private static byte[] Encode(MessageWriting write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
