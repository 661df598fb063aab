using NetMQ;
using NetMQ.Sockets;
using Testbed.Controller.Policies.Gr00t;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Tests.Policies;

public enum FakeGr00tBehaviour
{
    /// <summary>Answers every get_action with 16 steps that turn arm_yaw 0.01 rad per step from the observed state.</summary>
    Turn,
    /// <summary>Answers get_action with {"error": …}, as the server does for a bad API token.</summary>
    Error,
    /// <summary>Never answers the first get_action; later ones like Turn.</summary>
    SilentOnce,
}

/// <summary>
/// Speaks GR00T N1.6's ZeroMQ REP protocol (gr00t/policy/server_client.py) for tests, since the real server needs the
/// model on a GPU: ping, get_modality_config (video "ego_view", state and action "single_arm" and "gripper",
/// language "annotation.human.task_description"), reset and get_action. It records the requests it saw. With
/// <c>flat</c> it speaks N1.5 instead (gr00t/eval/service.py): modality keys "video.ego_view", "state.single_arm"…,
/// as_json a JSON string, no reset endpoint, the observation flat under "data" without a batch dimension, and a flat
/// {"action.key": (16, D)} reply whose one-value gripper is squeezed to (16,).
/// </summary>
public sealed class FakeGr00tServer : IDisposable
{
    private readonly ResponseSocket _socket = new();
    private readonly FakeGr00tBehaviour _behaviour;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _actions;

    private readonly bool _flat;
    private readonly int _videoSteps;
    private readonly int _stateSteps;

    private FakeGr00tServer(FakeGr00tBehaviour behaviour, bool flat, int videoSteps, int stateSteps)
    {
        _behaviour = behaviour;
        _flat = flat;
        _videoSteps = videoSteps;
        _stateSteps = stateSteps;
        Port = _socket.BindRandomPort("tcp://127.0.0.1");
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }

    public string Uri => $"gr00t+tcp://127.0.0.1:{Port}";

    /// <summary>Endpoints in the order they were called.</summary>
    public List<string> Endpoints { get; } = [];

    /// <summary>The last observation's arrays as "dtype (shape)" and its language as text.</summary>
    public Dictionary<string, string> LastObservation { get; } = [];

    /// <summary>N1.5: the last observation's keys as they came ("video.ego_view" → "|u1 (T, H, W, 3)", text lists as [text]).</summary>
    public Dictionary<string, string> LastWire { get; } = [];

    /// <summary>Every get_action's video and state arrays, in order of arrival, by key without prefix.</summary>
    public List<Dictionary<string, NdArray>> Observations { get; } = [];

    /// <param name="flat">Speak N1.5's flat layout instead of N1.6's nested one.</param>
    /// <param name="videoSteps">The video modality's delta indices are −(n−1)…0: n frames per query.</param>
    /// <param name="stateSteps">The same for the state modality.</param>
    public static FakeGr00tServer Start(FakeGr00tBehaviour behaviour, bool flat = false, int videoSteps = 1, int stateSteps = 1) =>
        new(behaviour, flat, videoSteps, stateSteps);

    private void Serve()
    {
        var silent = _behaviour == FakeGr00tBehaviour.SilentOnce;
        while (!_stopping)
        {
            if (!_socket.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(50), out var frame)) continue;
            var request = (Dictionary<string, object?>)Gr00tMsgpack.Read(frame)!;
            var endpoint = (string)request["endpoint"]!;
            lock (Endpoints) Endpoints.Add(endpoint);
            object? reply = endpoint switch
            {
                "ping" => Map(("status", "ok"), ("message", "Server is running")),
                "get_modality_config" => Map(
                    ("video", Modality("video", ["ego_view"], -(_videoSteps - 1))), ("state", Modality("state", ["single_arm", "gripper"], -(_stateSteps - 1))),
                    ("action", Modality("action", ["single_arm", "gripper"], 0, 16)), ("language", Modality("language", ["annotation.human.task_description"], 0))),
                "reset" when !_flat => Map(),
                "get_action" when _flat => Act(Unflatten((Dictionary<string, object?>)request["data"]!)),
                "get_action" => Act((Dictionary<string, object?>)((Dictionary<string, object?>)request["data"]!)["observation"]!),
                _ => Map(("error", $"unknown endpoint {endpoint}")),
            };
            if (endpoint == "get_action" && silent)
            {
                // A REP socket must answer before it can receive again; the client gave up, so this reply goes nowhere.
                silent = false;
                Thread.Sleep(1500);
            }

            _socket.SendFrame(Gr00tMsgpack.Write(reply));
        }
    }

    /// <summary>N1.5's flat observation in N1.6's nested form, the batch dimension added, so one Act serves both.</summary>
    private Dictionary<string, object?> Unflatten(Dictionary<string, object?> data)
    {
        lock (LastWire)
        {
            foreach (var (key, value) in data)
            {
                LastWire[key] = value switch
                {
                    NdArray a => $"{a.Dtype} ({string.Join(", ", a.Shape)})",
                    List<object?> list => $"[{string.Join(", ", list)}]",
                    _ => $"{value}",
                };
            }
        }

        Dictionary<string, object?> Group(string prefix) => data.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[prefix.Length..], e => (object?)Batched((NdArray)e.Value!));
        static NdArray Batched(NdArray a) => a with { Shape = [1, .. a.Shape] };
        return new Dictionary<string, object?>
        {
            ["video"] = Group("video."),
            ["state"] = Group("state."),
            ["language"] = data.Where(e => e.Key.StartsWith("annotation.", StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => (object?)new List<object?> { e.Value }),
        };
    }

    private object? Act(Dictionary<string, object?> observation)
    {
        lock (Observations)
        {
            Observations.Add(new[] { "video", "state" }
                .SelectMany(m => ((Dictionary<string, object?>)observation[m]!).Select(e => ($"{m}.{e.Key}", (NdArray)e.Value!)))
                .ToDictionary(e => e.Item1, e => e.Item2));
        }

        lock (LastObservation)
        {
            foreach (var modality in new[] { "video", "state" })
            {
                foreach (var (key, value) in (Dictionary<string, object?>)observation[modality]!)
                {
                    var a = (NdArray)value!;
                    LastObservation[$"{modality}.{key}"] = $"{a.Dtype} ({string.Join(", ", a.Shape)})";
                }
            }

            foreach (var (key, value) in (Dictionary<string, object?>)observation["language"]!)
            {
                LastObservation[$"language.{key}"] = (string)((List<object?>)((List<object?>)value!)[0]!)[0]!;
            }
        }

        if (_behaviour == FakeGr00tBehaviour.Error) return Map(("error", "Invalid API token"));
        Interlocked.Increment(ref _actions);
        var history = ((NdArray)((Dictionary<string, object?>)observation["state"]!)["single_arm"]!).Doubles("state");
        var arm = history[^6..]; // the latest of the state's time steps
        var steps = new List<double>();
        for (var h = 0; h < 16; h++)
        {
            var row = (double[])arm.Clone();
            row[0] += 0.01 * (h + 1);
            steps.AddRange(row);
        }

        if (_flat) return Map(("action.single_arm", NdArray.Float32([16, arm.Length], steps)), ("action.gripper", NdArray.Float32([16], new double[16])));
        return new List<object?>
        {
            Map(("single_arm", NdArray.Float32([1, 16, arm.Length], steps)), ("gripper", NdArray.Float32([1, 16, 1], new double[16]))),
            Map(),
        };
    }

    /// <summary>delta_indices first…first+count−1; N1.5 prefixes keys with the modality and sends as_json as JSON text.</summary>
    private object Modality(string modality, string[] keys, int first, int count = 0)
    {
        var indices = Enumerable.Range(first, count > 0 ? count : 1 - first).Select(i => (long)i).ToList();
        var names = keys.Select(k => _flat && modality != "language" ? $"{modality}.{k}" : k).ToList();
        object json = _flat
            ? System.Text.Json.JsonSerializer.Serialize(new { delta_indices = indices, modality_keys = names })
            : Map(("delta_indices", indices.Cast<object?>().ToList()), ("modality_keys", names.Cast<object?>().ToList()));
        return Map(("__ModalityConfig_class__", true), ("as_json", json));
    }

    private static List<KeyValuePair<string, object?>> Map(params (string Key, object? Value)[] entries) =>
        entries.Select(e => new KeyValuePair<string, object?>(e.Key, e.Value)).ToList();

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
    }
}
