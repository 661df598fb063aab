using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Testbed.Tests.Viewing;

/// <summary>What Debian's ffprobe says of a video, and single frames decoded by ffmpeg, for the video tests.</summary>
public sealed record MediaProbe(string Codec, int Width, int Height, int Frames, double DurationS, double FramesPerSecond)
{
    public static MediaProbe Of(string file)
    {
        var json = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,nb_read_frames,avg_frame_rate:format=duration", "-of", "json", file);
        using var doc = JsonDocument.Parse(json);
        var stream = doc.RootElement.GetProperty("streams")[0];
        var rate = stream.GetProperty("avg_frame_rate").GetString()!.Split('/');
        return new MediaProbe(
            stream.GetProperty("codec_name").GetString()!, stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(),
            int.Parse(stream.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture),
            double.Parse(doc.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture),
            double.Parse(rate[0], CultureInfo.InvariantCulture) / double.Parse(rate[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Frame <paramref name="index"/> (from 0) as RGB bytes, rows top to bottom.</summary>
    public static byte[] Frame(string file, int index, int width, int height)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-i", file, "-vf", $"select=eq(n\\,{index})", "-vframes", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        using var bytes = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg could not decode frame {index} of {file}: {errors}");
        Assert.Equal(width * height * 3, bytes.Length);
        return bytes.ToArray();
    }

    private static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {errors}");
        return output;
    }
}
