using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Google.Protobuf;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Gr00t;
using Testbed.Controller.Policies.OpenPi;
using Testbed.Controller.Policies.OpenVla;
using Testbed.Controller.Policies.Remote;
using Testbed.PolicyContract.V1;
using CameraImage = Testbed.Controller.Policies.CameraImage;

namespace Testbed.Benchmarks;

/// <summary>
/// Encode + decode of one observation (two 224 × 224 RGB8 images, seven joint positions, the prompt) and of one action
/// chunk (10 rows × 7 values; GR00T: 16 steps of a 6-joint arm and a gripper), per wire format the policy adapters
/// speak. Observations are encoded by the code the adapters run (OpenVLA's and GR00T's request writers themselves) and
/// decoded as a server would: openpi's and GR00T's through the testbed's msgpack readers (those the fake servers of the
/// tests use), OpenVLA's JSON with System.Text.Json's reader and its base64 decoder. Action chunks are decoded by the
/// adapters' reply readers. The reference in each category is a plain copy of the same payload bytes (images + state,
/// or the chunk's values), measured in the same run: the ratio says what each format costs over moving the bytes at
/// all. OpenVLA's /act takes one image and no state, so its observation is that.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PolicyWireBenchmarks
{
    private const string Prompt = "Lege die Kiste auf das Förderband.";
    private CameraImage _image = null!;
    private CameraImage _wrist = null!;
    private double[] _state = null!;
    private byte[] _observationPayload = null!;
    private byte[] _observationCopy = null!;
    private double[][] _chunk = null!;
    private byte[] _chunkPayload = null!;
    private byte[] _chunkCopy = null!;
    private readonly ArrayBufferWriter<byte> _gr00tRequest = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        byte[] Picture()
        {
            var rgb = new byte[224 * 224 * 3];
            random.NextBytes(rgb);
            return rgb;
        }

        _image = new CameraImage(224, 224, Picture());
        _wrist = new CameraImage(224, 224, Picture());
        _state = [0.1, -0.4, 1.2, 0.3, -0.2, 0.05, 0];
        _observationPayload = [.. _image.Rgb.Span, .. _wrist.Rgb.Span, .. _state.SelectMany(BitConverter.GetBytes)];
        _observationCopy = new byte[_observationPayload.Length];
        _chunk = Enumerable.Range(0, 10).Select(r => _state.Select(v => v + (0.01 * r)).ToArray()).ToArray();
        _chunkPayload = _chunk.SelectMany(r => r).SelectMany(BitConverter.GetBytes).ToArray();
        _chunkCopy = new byte[_chunkPayload.Length];
    }

    // ---- one observation ----

    [Benchmark(Baseline = true, Description = "memcpy of the observation's bytes"), BenchmarkCategory("observation")]
    public int ObservationCopy()
    {
        _observationPayload.AsSpan().CopyTo(_observationCopy);
        return _observationCopy[^1];
    }

    [Benchmark(Description = "openpi msgpack"), BenchmarkCategory("observation")]
    public int ObservationOpenPi()
    {
        var bytes = NumpyMsgpack.WriteMap(
        [
            new("observation/image", NumpyMsgpack.Rgb8(224, 224, _image.Rgb.Span)),
            new("observation/wrist_image", NumpyMsgpack.Rgb8(224, 224, _wrist.Rgb.Span)),
            new("observation/state", NumpyMsgpack.Float64(_state)),
            new("prompt", Prompt),
        ]);
        var decoded = (Dictionary<string, object?>)NumpyMsgpack.Read(bytes)!;
        return ((NdArray)decoded["observation/wrist_image"]!).Data.Length;
    }

    [Benchmark(Description = "OpenVLA json_numpy (one image)"), BenchmarkCategory("observation")]
    public int ObservationOpenVla()
    {
        var body = OpenVlaPolicy.RequestBody(_image, Prompt, "bridge_orig", doubleEncoded: false);
        using var request = JsonDocument.Parse(body);
        return request.RootElement.GetProperty("image").GetProperty("__numpy__").GetBytesFromBase64().Length;
    }

    [Benchmark(Description = "GR00T msgpack + npy"), BenchmarkCategory("observation")]
    public int ObservationGr00t()
    {
        // As Gr00tPolicy does: one buffer for all of a policy's requests.
        _gr00tRequest.ResetWrittenCount();
        Gr00tActionRequest.Write(
            _gr00tRequest,
            Gr00tLayout.Nested,
            [("ego_view", [_image]), ("wrist_view", [_wrist])],
            [("single_arm", [_state])],
            ["annotation.human.task_description"],
            Prompt);
        var decoded = (Dictionary<string, object?>)Gr00tMsgpack.Read(_gr00tRequest.WrittenMemory)!;
        var observation = (Dictionary<string, object?>)((Dictionary<string, object?>)decoded["data"]!)["observation"]!;
        return ((NdArray)((Dictionary<string, object?>)observation["video"]!)["wrist_view"]!).Data.Length;
    }

    [Benchmark(Description = "gRPC protobuf"), BenchmarkCategory("observation")]
    public int ObservationGrpc()
    {
        var act = new ActRequest { TimeS = 1.5, Instruction = Prompt };
        act.JointPositionsRad.AddRange(_state);
        act.Images.Add(new Testbed.PolicyContract.V1.CameraImage { Camera = "overview", WidthPx = 224, HeightPx = 224, Rgb8 = ByteString.CopyFrom(_image.Rgb.Span) });
        act.Images.Add(new Testbed.PolicyContract.V1.CameraImage { Camera = "wrist", WidthPx = 224, HeightPx = 224, Rgb8 = ByteString.CopyFrom(_wrist.Rgb.Span) });
        var bytes = act.ToByteArray();
        return ActRequest.Parser.ParseFrom(bytes).Images[1].Rgb8.Length;
    }

    // ---- one action chunk ----

    [Benchmark(Baseline = true, Description = "memcpy of the chunk's bytes"), BenchmarkCategory("action chunk")]
    public int ChunkCopy()
    {
        _chunkPayload.AsSpan().CopyTo(_chunkCopy);
        return _chunkCopy[^1];
    }

    [Benchmark(Description = "openpi msgpack"), BenchmarkCategory("action chunk")]
    public int ChunkOpenPi()
    {
        var bytes = NumpyMsgpack.WriteMap(
        [
            new("actions", NdArray.Float32([10, 7], _chunk.SelectMany(r => r).ToArray())),
        ]);
        var decoded = (Dictionary<string, object?>)NumpyMsgpack.Read(bytes)!;
        return NumpyMsgpack.Doubles((NdArray)decoded["actions"]!, "actions").Length;
    }

    [Benchmark(Description = "OpenVLA json_numpy"), BenchmarkCategory("action chunk")]
    public int ChunkOpenVla()
    {
        var values = _chunk.SelectMany(r => r).SelectMany(BitConverter.GetBytes).ToArray();
        var reply = new JsonObject { ["__numpy__"] = Convert.ToBase64String(values), ["dtype"] = "<f8", ["shape"] = new JsonArray(10, 7) }.ToJsonString();
        return OpenVlaPolicy.Rows(reply, "bench").Count;
    }

    [Benchmark(Description = "GR00T msgpack + npy"), BenchmarkCategory("action chunk")]
    public int ChunkGr00t()
    {
        var arm = Enumerable.Range(0, 16).SelectMany(h => _state.Take(6).Select(v => v + (0.01 * h))).ToArray();
        var bytes = Gr00tMsgpack.Write(new List<object?>
        {
            new List<KeyValuePair<string, object?>>
            {
                new("single_arm", NdArray.Float32([1, 16, 6], arm)),
                new("gripper", NdArray.Float32([1, 16, 1], new double[16])),
            },
            new List<KeyValuePair<string, object?>>(),
        });
        var action = (Dictionary<string, object?>)((List<object?>)Gr00tMsgpack.Read(bytes)!)[0]!;
        return ((NdArray)action["single_arm"]!).Doubles("single_arm").Length + ((NdArray)action["gripper"]!).Doubles("gripper").Length;
    }

    [Benchmark(Description = "gRPC protobuf"), BenchmarkCategory("action chunk")]
    public int ChunkGrpc()
    {
        var response = new ActResponse();
        foreach (var row in _chunk)
        {
            var r = new ActionRow();
            r.Values.AddRange(row);
            response.Actions.Add(r);
        }

        var bytes = response.ToByteArray();
        return ActResponse.Parser.ParseFrom(bytes).Actions.Select(a => a.Values.ToArray()).Sum(a => a.Length);
    }
}
