using System.Diagnostics;
using System.Globalization;
using Testbed.Controller.Trajectories;

namespace Testbed.Controller.Playback;

/// <summary>What a video holds: one frame per recorded period (the start included), at one frame per control period.</summary>
public sealed record VideoSummary(string File, string Camera, string CameraReason, int Frames, double FramesPerSecond, int Width, int Height)
{
    public IReadOnlyList<string> Notes { get; init; } = [];

    public double DurationS => Frames / FramesPerSecond;
}

/// <summary>
/// Renders a recorded episode to an H.264 MP4: every recorded period's state is shown on the bridge, rendered by one
/// camera, overlaid (<see cref="EpisodeOverlay"/>) and piped as raw RGBA frames into ffmpeg (Debian's, which carries
/// libx264), at one frame per control period so the video runs at simulation speed.
/// </summary>
public static class EpisodeVideo
{
    public const string Ffmpeg = "ffmpeg";

    /// <param name="camera">Null: the camera with the clearest view of the first harmful contact (<see cref="CameraChoice"/>).</param>
    /// <exception cref="PlaybackException">No ffmpeg, an unknown camera, or ffmpeg failed; the message says which.</exception>
    public static async Task<VideoSummary> WriteAsync(
        EpisodePlayback playback, IReadOnlyList<ContactCurve> contacts, string file, string? camera, int width, int height, CancellationToken cancel)
    {
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0)
        {
            throw new PlaybackException($"video size {width}x{height}: expected even numbers of at least 16 (H.264 in yuv420p)");
        }
        var chosen = camera is null
            ? await CameraChoice.ChooseAsync(playback, width, height, cancel)
            : new ChosenCamera(camera, "chosen with --camera", []);
        var header = playback.Trajectory.Header;
        var fps = 1.0 / (header.TimestepS * header.SubstepsPerPeriod);
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null) Directory.CreateDirectory(directory);

        using var frames = new EpisodeFrames(playback, contacts, chosen.Camera, width, height);
        using var process = StartEncoder(file, width, height, fps);
        var errors = process.StandardError.ReadToEndAsync(cancel);
        var count = 0;
        try
        {
            var input = process.StandardInput.BaseStream;
            for (var period = 0; period < playback.Trajectory.Periods.Count; period++)
            {
                await frames.RenderAsync(period, cancel);
                input.Write(frames.Pixels);
                count++;
            }
            await input.FlushAsync(cancel);
            process.StandardInput.Close();
        }
        catch (IOException e)
        {
            throw new PlaybackException($"ffmpeg stopped taking frames after {count}: {e.Message}; it said: {await errors}");
        }
        finally
        {
            if (!process.HasExited && cancel.IsCancellationRequested) process.Kill();
        }
        await process.WaitForExitAsync(cancel);
        if (process.ExitCode != 0)
        {
            throw new PlaybackException($"ffmpeg failed writing {file} (exit code {process.ExitCode}): {(await errors).Trim()}");
        }
        return new VideoSummary(file, chosen.Camera, chosen.Reason, count, fps, width, height) { Notes = playback.Notes };
    }

    private static Process StartEncoder(string file, int width, int height, double fps)
    {
        var info = new ProcessStartInfo(Ffmpeg)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{width}x{height}",
            "-framerate", fps.ToString("0.######", CultureInfo.InvariantCulture), "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            file,
        })
        {
            info.ArgumentList.Add(arg);
        }
        try
        {
            return Process.Start(info) ?? throw new PlaybackException("ffmpeg did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PlaybackException($"ffmpeg cannot be started ({e.Message}); a video needs Debian's ffmpeg: sudo apt-get install -y ffmpeg");
        }
    }
}
