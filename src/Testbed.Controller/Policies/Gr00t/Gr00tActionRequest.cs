using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// The bytes of one get_action request in either layout (see <see cref="Gr00tPolicy"/>): each video key's frames as one
/// u8 array of (T, H, W, 3), each state key's steps as one f4 array of (T, D), both with a leading batch dimension of 1
/// in N1.6's nested layout, and the instruction under each language key. Written straight into the output, each
/// frame's pixels copied once: a request carries whole images at every query.
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
        foreach (var (key, frames) in video)
        {
            foreach (var frame in frames)
            {
                if (frame.Width != frames[0].Width || frame.Height != frames[0].Height) throw new InvalidOperationException($"camera '{key}' changed size within an episode");
            }
        }

        var flat = layout == Gr00tLayout.Flat;
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(2);
        writer.Write("endpoint");
        writer.Write("get_action");
        writer.Write("data");
        if (flat)
        {
            writer.WriteMapHeader(video.Count + state.Count + languageKeys.Count);
        }
        else
        {
            writer.WriteMapHeader(2);
            writer.Write("observation");
            writer.WriteMapHeader(3);
            writer.Write("video");
            writer.WriteMapHeader(video.Count);
        }

        foreach (var (key, frames) in video)
        {
            var (width, height) = (frames[0].Width, frames[0].Height);
            long[] shape = flat ? [frames.Count, height, width, 3] : [1, frames.Count, height, width, 3];
            var length = 0;
            foreach (var frame in frames) length += frame.Rgb.Length;
            writer.Write(flat ? "video." + key : key);
            Gr00tMsgpack.WriteArrayHead(ref writer, "|u1", shape, length);
            foreach (var frame in frames) writer.WriteRaw(frame.Rgb.Span);
        }

        if (!flat)
        {
            writer.Write("state");
            writer.WriteMapHeader(state.Count);
        }

        foreach (var (key, steps) in state)
        {
            var width = steps[0].Length;
            long[] shape = flat ? [steps.Count, width] : [1, steps.Count, width];
            var count = 0;
            foreach (var step in steps) count += step.Length;
            writer.Write(flat ? "state." + key : key);
            Gr00tMsgpack.WriteArrayHead(ref writer, "<f4", shape, count * 4);
            var data = writer.GetSpan(count * 4);
            var at = 0;
            foreach (var step in steps)
            {
                foreach (var value in step)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data[at..], (float)value);
                    at += 4;
                }
            }

            writer.Advance(count * 4);
        }

        if (!flat)
        {
            writer.Write("language");
            writer.WriteMapHeader(languageKeys.Count);
        }

        foreach (var key in languageKeys)
        {
            // N1.6 batches the text as [[instruction]]; N1.5 sends [instruction].
            writer.Write(key);
            if (!flat) writer.WriteArrayHeader(1);
            writer.WriteArrayHeader(1);
            writer.Write(instruction);
        }

        if (!flat)
        {
            writer.Write("options");
            writer.WriteNil();
        }

        writer.Flush();
    }
}
