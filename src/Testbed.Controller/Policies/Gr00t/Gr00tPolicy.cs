using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// Drives a GR00T policy server (`gr00t+tcp://HOST:PORT`) over ZeroMQ REQ/REP with NetMQ: single-frame msgpack messages
/// in strict alternation. On first use: {"endpoint": "ping"} (expects {"status": "ok"}), then
/// {"endpoint": "get_modality_config"}, whose video, state, action and language keys and delta indices shape every
/// observation. Two layouts, chosen by the config's gr00t_layout:
/// <list type="bullet">
/// <item>n1.6 (gr00t/policy/server_client.py, the default): each episode {"endpoint": "reset", "data": {"options": null}};
/// each chunk {"endpoint": "get_action", "data": {"observation": {"video": {key: u8 (1, T, H, W, 3)}, "state": {key:
/// f4 (1, T, D)}, "language": {key: [[instruction]]}}, "options": null}}, answered by [action, info] with action
/// {key: f4 (1, H, D)}.</item>
/// <item>n1.5 (gr00t/eval/service.py): no reset; {"endpoint": "get_action", "data": {"video.key": u8 (T, H, W, 3),
/// "state.key": f4 (T, D), "annotation.…": [instruction]}}, answered by {"action.key": (H, D) or (H,)}.</item>
/// </list>
/// Either may answer {"error": text}. T is the modality's number of delta indices: delta index −k is the frame (or
/// state) the policy was shown k queries earlier, kept from the episode's earlier queries; before the episode has
/// that many, the first one stands in for the missing ones (as GR00T's datasets pad the start of an episode). The
/// config's state_map and action_map name the robot actuators of each key (keys without the "state."/"action."
/// prefix N1.5 puts on them). A REQ socket whose reply timed out is closed and replaced, never reused (its state
/// machine would refuse to send).
/// </summary>
public sealed class Gr00tPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    private RequestSocket? _socket;
    private Gr00tModalities? _modalities;
    private EpisodeBrief? _brief;
    private readonly Dictionary<string, List<CameraImage>> _frames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double[]>> _states = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _request = new();

    private bool Flat => Config.Gr00tLayout == Gr00tLayout.Flat;

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

        _frames.Clear();
        _states.Clear();
        if (Flat) return;
        try
        {
            await CallAsync([new("endpoint", "reset"), new("data", new List<KeyValuePair<string, object?>> { new("options", null) })], cancel);
        }
        catch (PolicyReplyException e)
        {
            throw new PolicyReplyException($"{e.Message} (a GR00T N1.5 server has no reset endpoint: for one, set \"gr00t_layout\": \"n1.5\" in {Config.Source})");
        }
    }

    protected override async Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var modalities = _modalities ?? throw new InvalidOperationException("QueryAsync before BeginAsync");
        var brief = _brief!;
        var video = new List<(string, IReadOnlyList<CameraImage>)>();
        foreach (var key in modalities.Video.Keys)
        {
            video.Add((key, History(_frames, key, observation.Images[SceneCamera(key)], modalities.Video)));
        }

        var state = new List<(string, IReadOnlyList<double[]>)>();
        foreach (var key in modalities.State.Keys)
        {
            state.Add((key, History(_states, key, Config.StateMap[key].Select(a => observation.JointPositions[IndexOf(brief, a)]).ToArray(), modalities.State)));
        }

        // One buffer for every query of the policy (a request holds whole images): NetMQ copies a frame as it sends it,
        // and queries never overlap.
        _request.ResetWrittenCount();
        Gr00tActionRequest.Write(_request, Config.Gr00tLayout, video, state, modalities.Language.Keys, observation.Instruction);
        var reply = await CallAsync(_request.WrittenMemory, cancel);
        return new ServerReply(Rows(reply, brief, observation.JointPositions), null);
    }

    /// <summary>Adds this query's value to a key's history and returns the values its delta indices ask for, oldest first.</summary>
    private static List<T> History<T>(Dictionary<string, List<T>> histories, string key, T current, Gr00tModality modality)
    {
        if (!histories.TryGetValue(key, out var history)) histories[key] = history = [];
        history.Add(current);
        if (history.Count > modality.Reach + 1) history.RemoveAt(0);
        // Delta index −k: k queries back; older than the episode's first query, the first stands in.
        return modality.DeltaIndices.Select(d => history[Math.Max(0, history.Count - 1 + Math.Min(0, d))]).ToList();
    }

    /// <summary>The action keys' values laid out in the robot's actuator order; actuators no key drives hold still.</summary>
    private IReadOnlyList<double[]> Rows(object? reply, EpisodeBrief brief, IReadOnlyList<double> observed)
    {
        var action = Flat
            ? reply as Dictionary<string, object?> ?? throw new PolicyReplyException($"{Address.Text} answered get_action with {Describe(reply)}; expected a map of action.<key> arrays (GR00T N1.5)")
            : reply is List<object?> { Count: 2 } pair && pair[0] is Dictionary<string, object?> nested
                ? nested
                : throw new PolicyReplyException($"{Address.Text} answered get_action with {Describe(reply)}; expected [action, info] (GR00T N1.6; an N1.5 server needs \"gr00t_layout\": \"n1.5\")");

        var still = Convention == ActionConvention.AbsoluteJointPositions ? observed.ToArray() : new double[observed.Count];
        double[][]? rows = null;
        foreach (var (key, actuators) in Config.ActionMap)
        {
            var wireKey = Flat ? $"action.{key}" : key;
            // N1.5 squeezes an unbatched one-value key to (H,).
            if (action.GetValueOrDefault(wireKey) is not NdArray array || array.Shape.Count is < 1 or > 3 || (array.Shape.Count == 1 && actuators.Count != 1))
            {
                throw new PolicyReplyException($"{Address.Text}: the action has no array '{wireKey}' of shape (B, H, D) or (H, D); it has {string.Join(", ", action.Keys)}");
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

            var (horizon, width) = array.Shape.Count == 1 ? ((int)array.Shape[0], 1) : ((int)array.Shape[^2], (int)array.Shape[^1]);
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

    /// <summary>A TCP connection, then ping under the call timeout: a server that accepts connections but never answers
    /// (a hung process, something else on the port) is down too, before any episode waits on it.</summary>
    public override async Task CheckReachableAsync(CancellationToken cancel)
    {
        await base.CheckReachableAsync(cancel);
        using var deadline = Deadline(cancel);
        object? pong;
        try
        {
            pong = await CallAsync([new("endpoint", "ping")], deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new Transport.PolicyUnreachableException($"ping to {Address.Text} got no answer within {Config.CallTimeoutS} s");
        }
        finally
        {
            Close();
        }

        if (pong is not Dictionary<string, object?> p || p.GetValueOrDefault("status") as string != "ok")
        {
            throw new PolicyReplyException($"{Address.Text} answered ping with {Describe(pong)}; expected {{\"status\": \"ok\"}}");
        }
    }

    /// <summary>One request and its reply on the REQ socket, off the caller's thread; a timeout closes the socket.</summary>
    private Task<object?> CallAsync(List<KeyValuePair<string, object?>> request, CancellationToken cancel) =>
        CallAsync(Gr00tMsgpack.Write(request), cancel);

    private async Task<object?> CallAsync(ReadOnlyMemory<byte> request, CancellationToken cancel)
    {
        // NetMQ sends from an array; a request written into a reused buffer is the front of that buffer's array.
        var bytes = MemoryMarshal.TryGetArray(request, out var segment) && segment.Offset == 0 ? segment : new ArraySegment<byte>(request.ToArray());
        var reply = await Task.Run(() =>
        {
            var socket = _socket ??= Connect();
            socket.SendFrame(bytes.Array!, bytes.Count);
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
                return new Gr00tModality([], [0]);
            }

            // N1.6 sends as_json as a map; N1.5 as a JSON string.
            var config = json is string text ? ToObject(JsonDocument.Parse(text).RootElement) as Dictionary<string, object?> : json as Dictionary<string, object?>;
            var keys = (config?.GetValueOrDefault("modality_keys") as List<object?>)?.OfType<string>().ToArray()
                ?? throw new PolicyReplyException($"{server}: the {name} modality config has no modality_keys");
            var indices = (config?.GetValueOrDefault("delta_indices") as List<object?>)?.Select(i => i is long l ? (int)l : 0).ToArray() ?? [];
            // N1.5 names its keys "video.ego_view", "state.single_arm"; N1.6 "ego_view". The config uses the short form.
            var prefix = name == "language" ? null : name + ".";
            var shortKeys = keys.Select(k => prefix is not null && k.StartsWith(prefix, StringComparison.Ordinal) ? k[prefix.Length..] : k).ToArray();
            return new Gr00tModality(shortKeys, indices.Length == 0 ? [0] : indices);
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

/// <param name="Keys">Modality keys, without N1.5's "video."/"state."/"action." prefix.</param>
/// <param name="DeltaIndices">Time offsets of the steps each array holds (0 = now, −1 = the step before).</param>
public sealed record Gr00tModality(IReadOnlyList<string> Keys, IReadOnlyList<int> DeltaIndices)
{
    /// <summary>Time steps per array.</summary>
    public int Steps => DeltaIndices.Count;

    /// <summary>How many past steps the furthest delta index reaches back.</summary>
    public int Reach => Math.Max(0, -DeltaIndices.Min());
}
