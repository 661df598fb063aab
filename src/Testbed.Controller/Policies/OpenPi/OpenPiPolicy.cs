using System.Net.WebSockets;
using System.Text;
using Testbed.Controller.Policies.Remote;
using Testbed.Controller.Policies.Transport;

namespace Testbed.Controller.Policies.OpenPi;

/// <summary>Drives openpi's WebsocketPolicyServer (`openpi+ws://HOST:PORT`): one websocket per episode; the server
/// speaks first with a msgpack metadata map; then one binary msgpack frame each way per chunk. Observation: the
/// config's cameras under their policy keys as u8 (H, W, 3), the joint positions under state_key as f8, the prompt
/// under "prompt". Reply: {"actions": (H, D) f4 or f8}. Errors: a text frame with the traceback, then close 1011.
/// Images are letterboxed to the config's resize_with_pad size (224 × 224 by default) as openpi's client does, so a
/// camera rendered at another aspect ratio reaches the model with black bars, as in training, not stretched. Before
/// the first connection the server's GET /healthz is asked (unless health_check is false): a server that is down or
/// unhealthy is reported as such, not as a failed websocket handshake; one without the endpoint (404) is let through.</summary>
public sealed class OpenPiPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    /// <summary>Replies larger than this are refused: a policy reply is a few kB, two images a few hundred.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    private ClientWebSocket? _socket;

    /// <summary>What the server sent on connect ({} for most openpi configs).</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; private set; } = new Dictionary<string, object?>();

    protected override IReadOnlyList<string> PolicyCameras => [.. Config.Cameras.Keys];

    protected override async Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel)
    {
        if (_socket is not null) return;
        if (Config.HealthCheck) await CheckHealthAsync(cancel);
        _socket = new ClientWebSocket();
        try
        {
            await _socket.ConnectAsync(new UriBuilder("ws", Address.Host, Address.Port, "/").Uri, cancel);
        }
        catch (WebSocketException e)
        {
            // Not connected: the next attempt (a retry of this transient failure) must open a fresh socket.
            _socket.Dispose();
            _socket = null;
            throw new PolicyUnreachableException($"cannot connect to {Address.Text}: {e.Message}", e);
        }
        var first = await ReceiveAsync(cancel);
        Metadata = NumpyMsgpack.Read(first) as Dictionary<string, object?>
            ?? throw new PolicyReplyException($"{Address.Text} sent no metadata map on connect; expected a msgpack map (openpi sends one first)");
    }

    protected override async Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var entries = new List<KeyValuePair<string, object>>();
        foreach (var (camera, rendered) in observation.Images)
        {
            var image = Config.ResizeWithPad is { } size ? Letterbox.Fit(rendered, size) : rendered;
            entries.Add(new(PolicyCamera(camera), NumpyMsgpack.Rgb8(image.Width, image.Height, image.Rgb.Span)));
        }
        entries.Add(new(Config.StateKey, NumpyMsgpack.Float64(observation.JointPositions)));
        entries.Add(new("prompt", observation.Instruction));
        var socket = _socket ?? throw new InvalidOperationException("QueryAsync before BeginAsync");
        try
        {
            await socket.SendAsync(NumpyMsgpack.WriteMap(entries), WebSocketMessageType.Binary, endOfMessage: true, cancel);
        }
        catch (WebSocketException e)
        {
            throw new PolicyReplyException($"lost the connection to {Address.Text} while sending: {e.Message}");
        }
        return new ServerReply(Actions(await ReceiveAsync(cancel)), null);
    }

    /// <summary>openpi's server answers GET /healthz with 200 OK on the websocket's port.</summary>
    private async Task CheckHealthAsync(CancellationToken cancel)
    {
        var uri = new UriBuilder("http", Address.Host, Address.Port, "/healthz").Uri;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(uri, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new PolicyUnreachableException($"cannot connect to {Address.Text}: GET {uri} failed ({e.Message}); expected openpi's server listening there", e);
        }
        using (response)
        {
            // Servers from before /healthz answer 404 (or refuse the plain request): the websocket decides then.
            if (response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.UpgradeRequired || response.IsSuccessStatusCode) return;
            var body = await response.Content.ReadAsStringAsync(cancel);
            throw new PolicyReplyException(
                $"{Address.Text} is not healthy: GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase} {body.Trim()[..Math.Min(body.Trim().Length, 200)]}; expected 200 OK".Replace("  ", " ", StringComparison.Ordinal));
        }
    }

    private IReadOnlyList<double[]> Actions(byte[] message)
    {
        object? reply;
        try
        {
            reply = NumpyMsgpack.Read(message);
        }
        catch (FormatException e)
        {
            throw new PolicyReplyException($"{Address.Text} answered {message.Length} bytes that are not an openpi reply: {e.Message}");
        }
        if (reply is not Dictionary<string, object?> map || !map.TryGetValue("actions", out var value))
        {
            throw new PolicyReplyException($"{Address.Text} answered without \"actions\"; expected a map {{\"actions\": (H, D) array}}");
        }
        if (value is not NdArray actions || actions.Shape.Count is not (1 or 2))
        {
            throw new PolicyReplyException($"{Address.Text}: \"actions\" is not a numpy array of rank 1 or 2 (a map with str marker keys decodes as a plain dict)");
        }
        double[] values;
        try
        {
            values = NumpyMsgpack.Doubles(actions, "\"actions\"");
        }
        catch (FormatException e)
        {
            throw new PolicyReplyException($"{Address.Text}: {e.Message}");
        }
        var width = (int)actions.Shape[^1];
        var rows = actions.Shape.Count == 1 ? 1 : (int)actions.Shape[0];
        return Enumerable.Range(0, rows).Select(r => values.AsSpan(r * width, width).ToArray()).ToArray();
    }

    /// <summary>One whole message, bounded; a text frame is the server's traceback, a close is the end of the server.</summary>
    private async Task<byte[]> ReceiveAsync(CancellationToken cancel)
    {
        var socket = _socket!;
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(chunk, cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new PolicyReplyException(
                        $"{Address.Text} closed the connection ({(int?)result.CloseStatus ?? 0} {result.CloseStatusDescription})".TrimEnd());
                }
                if (buffer.Length + result.Count > MaxMessageBytes)
                {
                    throw new PolicyReplyException($"{Address.Text} sent a message over {MaxMessageBytes / (1024 * 1024)} MiB; refused");
                }
                buffer.Write(chunk, 0, result.Count);
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    var text = Encoding.UTF8.GetString(buffer.ToArray()).Trim();
                    var close = await CloseAfterTextAsync(socket, cancel);
                    throw new PolicyReplyException($"{Address.Text} reported an error{close}: {LastLines(text, 6)}");
                }
                return buffer.ToArray();
            }
        }
        catch (WebSocketException e)
        {
            throw new PolicyReplyException($"lost the connection to {Address.Text}: {e.Message}");
        }
    }

    /// <summary>openpi follows its traceback with close 1011; read it to say so, without waiting long for it.</summary>
    private static async Task<string> CloseAfterTextAsync(ClientWebSocket socket, CancellationToken cancel)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        wait.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            var result = await socket.ReceiveAsync(new byte[1024], wait.Token);
            return result.MessageType == WebSocketMessageType.Close ? $" and closed the connection ({(int?)result.CloseStatus})" : "";
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return "";
        }
    }

    /// <summary>The end of a traceback says what went wrong; its start only where.</summary>
    private static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - count)));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "episode over", wait.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The server is gone already: nothing to close.
            }
        }
        _socket?.Dispose();
    }
}
