using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// Drives a GR00T N1.6 policy server (`gr00t+tcp://HOST:PORT`, gr00t/policy/server_client.py) over ZeroMQ REQ/REP with
/// NetMQ: single-frame msgpack messages in strict alternation. On first use: {"endpoint": "ping"} (expects
/// {"status": "ok"}), then {"endpoint": "get_modality_config"}, whose video, state, action and language keys shape
/// every observation. Each episode: {"endpoint": "reset", "data": {"options": null}}. Each chunk:
/// {"endpoint": "get_action", "data": {"observation": {"video": {key: u8 (1, T, H, W, 3)}, "state": {key: f4 (1, T, D)},
/// "language": {key: [[instruction]]}}, "options": null}}, answered by [action, info] with action {key: f4 (1, H, D)}
/// in physical units, or by {"error": text}. T is the modality's number of delta indices; the testbed has one frame per
/// query, so it repeats the current one. The config's state_map and action_map name the robot actuators of each key.
/// A REQ socket whose reply timed out is closed and replaced, never reused (its state machine would refuse to send).
/// </summary>
public sealed class Gr00tPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    private RequestSocket? _socket;
    private Gr00tModalities? _modalities;
    private EpisodeBrief? _brief;

    /// <summary>What the server's get_modality_config said; null before the first episode.</summary>
    public Gr00tModalities? Modalities => _modalities;

    protected override IReadOnlyList<string> PolicyCameras => _modalities?.Video.Keys ?? [.. Config.Cameras.Keys];

    protected override async Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel)
    {
        _brief = brief;
        if (_modalities is null)
        {
            var pong = await CallAsync([new("endpoint", "ping")], cancel);
            if (pong is not Dictionary<string, object?> p || p.GetValueOrDefault("status") as string != "ok")
            {
                throw new PolicyReplyException($"{Address.Text} answered ping with {Describe(pong)}; expected {{\"status\": \"ok\"}}");
            }

            _modalities = Gr00tModalities.Read(await CallAsync([new("endpoint", "get_modality_config")], cancel), Address.Text);
            CheckMaps(brief, _modalities);
        }

        await CallAsync([new("endpoint", "reset"), new("data", new List<KeyValuePair<string, object?>> { new("options", null) })], cancel);
    }

    protected override async Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var modalities = _modalities ?? throw new InvalidOperationException("QueryAsync before BeginAsync");
        var brief = _brief!;
        var video = new List<KeyValuePair<string, object?>>();
        foreach (var key in modalities.Video.Keys)
        {
            var image = observation.Images[SceneCamera(key)];
            var frames = modalities.Video.Steps;
            var data = new byte[frames * image.Rgb.Length];
            for (var f = 0; f < frames; f++) image.Rgb.Span.CopyTo(data.AsSpan(f * image.Rgb.Length));
            video.Add(new(key, new NdArray("|u1", [1, frames, image.Height, image.Width, 3], data)));
        }

        var state = new List<KeyValuePair<string, object?>>();
        foreach (var key in modalities.State.Keys)
        {
            var values = Config.StateMap[key].Select(a => observation.JointPositions[IndexOf(brief, a)]).ToArray();
            var steps = modalities.State.Steps;
            state.Add(new(key, NdArray.Float32([1, steps, values.Length], Enumerable.Repeat(values, steps).SelectMany(v => v).ToArray())));
        }

        var language = modalities.Language.Keys
            .Select(key => new KeyValuePair<string, object?>(key, new List<object?> { new List<object?> { observation.Instruction } }))
            .ToList();
        var request = new List<KeyValuePair<string, object?>>
        {
            new("endpoint", "get_action"),
            new("data", new List<KeyValuePair<string, object?>>
            {
                new("observation", new List<KeyValuePair<string, object?>> { new("video", video), new("state", state), new("language", language) }),
                new("options", null),
            }),
        };
        var reply = await CallAsync(request, cancel);
        return new ServerReply(Rows(reply, brief, observation.JointPositions), null);
    }

    /// <summary>The action keys' values laid out in the robot's actuator order; actuators no key drives hold still.</summary>
    private IReadOnlyList<double[]> Rows(object? reply, EpisodeBrief brief, IReadOnlyList<double> observed)
    {
        if (reply is not List<object?> { Count: 2 } pair || pair[0] is not Dictionary<string, object?> action)
        {
            throw new PolicyReplyException($"{Address.Text} answered get_action with {Describe(reply)}; expected [action, info]");
        }

        var still = Convention == ActionConvention.AbsoluteJointPositions ? observed.ToArray() : new double[observed.Count];
        double[][]? rows = null;
        foreach (var (key, actuators) in Config.ActionMap)
        {
            if (action.GetValueOrDefault(key) is not NdArray array || array.Shape.Count is < 2 or > 3)
            {
                throw new PolicyReplyException($"{Address.Text}: the action has no array '{key}' of shape (B, H, D) or (H, D); it has {string.Join(", ", action.Keys)}");
            }

            double[] values;
            try
            {
                values = array.Doubles($"action '{key}'");
            }
            catch (FormatException e)
            {
                throw new PolicyReplyException($"{Address.Text}: {e.Message}");
            }

            var (horizon, width) = ((int)array.Shape[^2], (int)array.Shape[^1]);
            if (width != actuators.Count)
            {
                throw new PolicyReplyException($"{Address.Text}: action '{key}' has {width} values per step; the config's action_map gives it {actuators.Count} actuators ({string.Join(", ", actuators)})");
            }

            rows ??= Enumerable.Range(0, horizon).Select(_ => (double[])still.Clone()).ToArray();
            if (rows.Length != horizon) throw new PolicyReplyException($"{Address.Text}: action '{key}' has horizon {horizon}; another key has {rows.Length}");
            for (var h = 0; h < horizon; h++)
            {
                for (var d = 0; d < width; d++) rows[h][IndexOf(brief, actuators[d])] = values[(h * width) + d];
            }
        }

        return rows ?? throw new PolicyReplyException($"{Config.Source}: action_map is empty; expected the action keys the robot's actuators follow");
    }

    private void CheckMaps(EpisodeBrief brief, Gr00tModalities modalities)
    {
        foreach (var key in modalities.State.Keys)
        {
            if (!Config.StateMap.ContainsKey(key)) throw new PolicyReplyException($"{Config.Source}: state_map has no '{key}', a state key {Address.Text} wants; expected the actuators whose positions it holds");
        }

        foreach (var key in Config.ActionMap.Keys)
        {
            if (!modalities.Action.Keys.Contains(key)) throw new PolicyReplyException($"{Config.Source}: action_map names '{key}', which {Address.Text} does not answer; its action keys: {string.Join(", ", modalities.Action.Keys)}");
        }

        foreach (var actuator in Config.StateMap.Values.Concat(Config.ActionMap.Values).SelectMany(a => a)) IndexOf(brief, actuator);
    }

    private int IndexOf(EpisodeBrief brief, string actuator)
    {
        for (var i = 0; i < brief.Actuators.Count; i++)
        {
            if (brief.Actuators[i] == actuator) return i;
        }

        throw new PolicyReplyException($"{Config.Source}: '{actuator}' is not an actuator of the robot ({string.Join(", ", brief.Actuators)})");
    }

    /// <summary>One request and its reply on the REQ socket, off the caller's thread; a timeout closes the socket.</summary>
    private async Task<object?> CallAsync(List<KeyValuePair<string, object?>> request, CancellationToken cancel)
    {
        var bytes = Gr00tMsgpack.Write(request);
        var reply = await Task.Run(() =>
        {
            var socket = _socket ??= Connect();
            socket.SendFrame(bytes);
            while (true)
            {
                if (socket.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out var frame)) return frame;
                if (cancel.IsCancellationRequested)
                {
                    // A REQ socket still waiting for its reply cannot send again: close it; the next call makes a new one.
                    Close();
                    cancel.ThrowIfCancellationRequested();
                }
            }
        }, CancellationToken.None);

        object? decoded;
        try
        {
            decoded = Gr00tMsgpack.Read(reply);
        }
        catch (FormatException e)
        {
            var text = reply.Length < 200 && reply.All(b => b is >= 32 and < 127) ? System.Text.Encoding.ASCII.GetString(reply) : $"{reply.Length} bytes";
            throw new PolicyReplyException($"{Address.Text} answered {text}, not a GR00T message: {e.Message}");
        }

        if (decoded is Dictionary<string, object?> map && map.TryGetValue("error", out var error))
        {
            throw new PolicyReplyException($"{Address.Text} reported an error: {error}");
        }

        return decoded;
    }

    private RequestSocket Connect()
    {
        var socket = new RequestSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Connect($"tcp://{Address.Host}:{Address.Port}");
        return socket;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        Dictionary<string, object?> map => $"a map with keys {string.Join(", ", map.Keys)}",
        List<object?> list => $"a list of {list.Count}",
        _ => JsonSerializer.Serialize(value.ToString()),
    };

    public override ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a GR00T server's get_modality_config says, per modality: its keys and how many time steps each holds.</summary>
public sealed record Gr00tModalities(Gr00tModality Video, Gr00tModality State, Gr00tModality Action, Gr00tModality Language)
{
    /// <exception cref="PolicyReplyException">Not a modality config.</exception>
    public static Gr00tModalities Read(object? reply, string server)
    {
        if (reply is not Dictionary<string, object?> map)
        {
            throw new PolicyReplyException($"{server} answered get_modality_config with no map; expected video, state, action and language configs");
        }

        Gr00tModality One(string name)
        {
            if (map.GetValueOrDefault(name) is not Dictionary<string, object?> wrapped || wrapped.GetValueOrDefault("as_json") is not { } json)
            {
                return new Gr00tModality([], 1);
            }

            // N1.6 sends as_json as a map; N1.5 as a JSON string.
            var config = json is string text ? ToObject(JsonDocument.Parse(text).RootElement) as Dictionary<string, object?> : json as Dictionary<string, object?>;
            var keys = (config?.GetValueOrDefault("modality_keys") as List<object?>)?.OfType<string>().ToArray()
                ?? throw new PolicyReplyException($"{server}: the {name} modality config has no modality_keys");
            var steps = (config?.GetValueOrDefault("delta_indices") as List<object?>)?.Count ?? 1;
            return new Gr00tModality(keys, Math.Max(1, steps));
        }

        return new Gr00tModalities(One("video"), One("state"), One("action"), One("language"));
    }

    private static object? ToObject(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToObject(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(ToObject).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetInt64(),
        _ => null,
    };
}

/// <param name="Steps">Time steps per array (the number of delta indices).</param>
public sealed record Gr00tModality(IReadOnlyList<string> Keys, int Steps);
