using System.Buffers;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// The bytes of one get_action request in either layout (see <see cref="Gr00tPolicy"/>): each video key's frames as one
/// u8 array of (T, H, W, 3), each state key's steps as one f4 array of (T, D), both with a leading batch dimension of 1
/// in N1.6's nested layout, and the instruction under each language key.
/// </summary>
public static class Gr00tActionRequest
{
    /// <param name="output">Receives the msgpack message.</param>
    /// <param name="layout">Nested (N1.6) or flat (N1.5).</param>
    /// <param name="video">Per video key (without "video."), its frames oldest first, all of one size.</param>
    /// <param name="state">Per state key (without "state."), its steps oldest first, all of one width.</param>
    /// <param name="languageKeys">The language modality's keys; each carries the instruction.</param>
    /// <param name="instruction">The instruction, untouched.</param>
    /// <exception cref="InvalidOperationException">A key's frames differ in size.</exception>
    public static void Write(
        IBufferWriter<byte> output,
        Gr00tLayout layout,
        IReadOnlyList<(string Key, IReadOnlyList<CameraImage> Frames)> video,
        IReadOnlyList<(string Key, IReadOnlyList<double[]> Steps)> state,
        IReadOnlyList<string> languageKeys,
        string instruction)
    {
        var flat = layout == Gr00tLayout.Flat;
        var videoMap = new List<KeyValuePair<string, object?>>();
        foreach (var (key, frames) in video)
        {
            var (width, height, size) = (frames[0].Width, frames[0].Height, frames[0].Rgb.Length);
            if (frames.Any(f => f.Width != width || f.Height != height)) throw new InvalidOperationException($"camera '{key}' changed size within an episode");
            var data = new byte[frames.Count * size];
            for (var f = 0; f < frames.Count; f++) frames[f].Rgb.Span.CopyTo(data.AsSpan(f * size));
            long[] shape = flat ? [frames.Count, height, width, 3] : [1, frames.Count, height, width, 3];
            videoMap.Add(new(flat ? $"video.{key}" : key, new NdArray("|u1", shape, data)));
        }

        var stateMap = new List<KeyValuePair<string, object?>>();
        foreach (var (key, steps) in state)
        {
            var width = steps[0].Length;
            long[] shape = flat ? [steps.Count, width] : [1, steps.Count, width];
            stateMap.Add(new(flat ? $"state.{key}" : key, NdArray.Float32(shape, steps.SelectMany(v => v).ToArray())));
        }

        var language = languageKeys
            .Select(key => new KeyValuePair<string, object?>(key, flat
                ? new List<object?> { instruction }
                : new List<object?> { new List<object?> { instruction } }))
            .ToList();
        var request = new List<KeyValuePair<string, object?>>
        {
            new("endpoint", "get_action"),
            new("data", flat
                ? [.. videoMap, .. stateMap, .. language]
                : new List<KeyValuePair<string, object?>>
                {
                    new("observation", new List<KeyValuePair<string, object?>> { new("video", videoMap), new("state", stateMap), new("language", language) }),
                    new("options", null),
                }),
        };
        output.Write(Gr00tMsgpack.Write(request));
    }
}
