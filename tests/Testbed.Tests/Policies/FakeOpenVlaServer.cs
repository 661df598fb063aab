using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Testbed.Tests.Policies;

public enum FakeOpenVlaBehaviour
{
    /// <summary>vla-scripts/deploy.py: the reply is a bare json_numpy array of 7 &lt;f8.</summary>
    Bare,
    /// <summary>The request came as {"encoded": string}; the reply is a JSON string holding the json_numpy JSON.</summary>
    DoubleEncoded,
    /// <summary>The model failed: deploy.py answers the JSON string "error" with HTTP 200.</summary>
    Error,
    /// <summary>Forks that wrap the action: {"action": array}.</summary>
    Wrapped,
}

/// <summary>
/// Speaks OpenVLA's REST protocol (POST /act, json_numpy arrays) for tests, since the real server needs the 7B model
/// on a GPU. Its "policy" raises the tool 1 cm per call for ten calls with the gripper open, then holds still. It
/// records what it was sent so tests can check the wire format.
/// </summary>
public sealed class FakeOpenVlaServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly FakeOpenVlaBehaviour _behaviour;
    private readonly Task _serving;
    private int _calls;

    private FakeOpenVlaServer(FakeOpenVlaBehaviour behaviour, int port)
    {
        _behaviour = behaviour;
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Uri => $"openvla+http://127.0.0.1:{Port}";

    public int Calls => _calls;

    /// <summary>The last request's fields as the real server would see them: the image as "dtype shape", strings as is.</summary>
    public IReadOnlyDictionary<string, string> LastRequest { get; private set; } = new Dictionary<string, string>();

    public string LastContentType { get; private set; } = "";

    public static FakeOpenVlaServer Start(FakeOpenVlaBehaviour behaviour)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new FakeOpenVlaServer(behaviour, port);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            if (context.Request.HttpMethod != "POST" || context.Request.Url!.AbsolutePath != "/act")
            {
                response.StatusCode = 404;
                continue;
            }

            LastContentType = context.Request.ContentType ?? "";
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var payload = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            if (payload["encoded"] is JsonValue encoded && payload.Count == 1)
            {
                payload = JsonNode.Parse(encoded.GetValue<string>())!.AsObject();
            }

            var fields = new Dictionary<string, string>();
            foreach (var (key, value) in payload)
            {
                fields[key] = value is JsonObject array && array.ContainsKey("__numpy__")
                    ? $"{array["dtype"]} ({string.Join(", ", array["shape"]!.AsArray())}) {Convert.FromBase64String((string)array["__numpy__"]!).Length} bytes"
                    : value!.GetValue<string>();
            }

            LastRequest = fields;
            var call = Interlocked.Increment(ref _calls);
            var action = JsonNumpyF8([0, 0, call <= 10 ? 0.01 : 0, 0, 0, 0, 1]);
            var body = _behaviour switch
            {
                FakeOpenVlaBehaviour.Bare => action.ToJsonString(),
                FakeOpenVlaBehaviour.DoubleEncoded => JsonSerializer.Serialize(action.ToJsonString()),
                FakeOpenVlaBehaviour.Error => "\"error\"",
                FakeOpenVlaBehaviour.Wrapped => new JsonObject { ["action"] = action }.ToJsonString(),
                _ => throw new InvalidOperationException(),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = "application/json";
            response.StatusCode = 200;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    /// <summary>json_numpy's encoding of a float64 vector, key order and all.</summary>
    private static JsonObject JsonNumpyF8(double[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        return new JsonObject { ["__numpy__"] = Convert.ToBase64String(bytes), ["dtype"] = "<f8", ["shape"] = new JsonArray(values.Length) };
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
