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
/// language "annotation.human.task_description"), reset and get_action. It records the requests it saw.
/// </summary>
public sealed class FakeGr00tServer : IDisposable
{
    private readonly ResponseSocket _socket = new();
    private readonly FakeGr00tBehaviour _behaviour;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _actions;

    private FakeGr00tServer(FakeGr00tBehaviour behaviour)
    {
        _behaviour = behaviour;
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

    public static FakeGr00tServer Start(FakeGr00tBehaviour behaviour) => new(behaviour);

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
                    ("video", Modality(["ego_view"], 1)), ("state", Modality(["single_arm", "gripper"], 1)),
                    ("action", Modality(["single_arm", "gripper"], 16)), ("language", Modality(["annotation.human.task_description"], 1))),
                "reset" => Map(),
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

    private object? Act(Dictionary<string, object?> observation)
    {
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
        var arm = ((NdArray)((Dictionary<string, object?>)observation["state"]!)["single_arm"]!).Doubles("state");
        var steps = new List<double>();
        for (var h = 0; h < 16; h++)
        {
            var row = (double[])arm.Clone();
            row[0] += 0.01 * (h + 1);
            steps.AddRange(row);
        }

        return new List<object?>
        {
            Map(("single_arm", NdArray.Float32([1, 16, arm.Length], steps)), ("gripper", NdArray.Float32([1, 16, 1], new double[16]))),
            Map(),
        };
    }

    private static List<KeyValuePair<string, object?>> Modality(string[] keys, int steps) => Map(
        ("__ModalityConfig_class__", true),
        ("as_json", Map(("delta_indices", Enumerable.Range(0, steps).Select(i => (object?)(long)i).ToList()), ("modality_keys", keys.Cast<object?>().ToList()))));

    private static List<KeyValuePair<string, object?>> Map(params (string Key, object? Value)[] entries) =>
        entries.Select(e => new KeyValuePair<string, object?>(e.Key, e.Value)).ToList();

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
    }
}
