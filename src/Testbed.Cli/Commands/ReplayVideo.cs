using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Playback;
using Testbed.Controller.Replays;
using Testbed.Controller.Runs;

namespace Testbed.Cli.Commands;

/// <summary>`testbed replay RUN_DIR EPISODE --video FILE.mp4 [--camera NAME] [--video-size WxH]`: the recorded episode
/// rendered through the bridge, with the harm marked, as H.264.</summary>
public static class ReplayVideo
{
    public static readonly Option<string> Video = new("--video")
    {
        Description = "render the recorded episode to an H.264 MP4 (Debian's ffmpeg) with time, contacts, force bars and the verdict drawn over it, instead of re-executing it",
        HelpName = "FILE.mp4",
    };
    public static readonly Option<string> Camera = new("--camera") { Description = "with --video: the camera (default: the one with the clearest view of the first harmful contact)", HelpName = "NAME" };
    public static readonly Option<string> Size = new Option<string>("--video-size") { Description = "with --video: the frame size", HelpName = "WxH", DefaultValueFactory = _ => "640x480" };

    public static IEnumerable<Option> Options => [Video, Camera, Size];

    /// <summary>Checks the video options; null when no video is asked for.</summary>
    public static (string File, string? Camera, int Width, int Height)? Requested(ParseResult parse, bool otherAnalysis)
    {
        if (parse.GetValue(Video) is not { } file)
        {
            if (parse.Given(Camera) || parse.Given(Size)) throw new UsageException("--camera and --video-size need --video FILE.mp4");
            return null;
        }
        if (otherAnalysis) throw new UsageException("--video renders the recording; expected it without --branch-at or --stop-sweep");
        var size = parse.GetValue(Size)!.Split('x');
        if (size.Length != 2 || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w) ||
            !int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) || w < 16 || h < 16 || w > 4096 || h > 4096 || w % 2 != 0 || h % 2 != 0)
        {
            throw new UsageException($"--video-size '{parse.GetValue(Size)}'; expected WxH with even numbers from 16 to 4096, e.g. 640x480");
        }
        return (file, parse.GetValue(Camera), w, h);
    }

    public static async Task<int> WriteAsync(BridgeCalls calls, RecordedTrajectory recorded, string runFolder, (string File, string? Camera, int Width, int Height) video, TextWriter output, CancellationToken cancel)
    {
        try
        {
            var contacts = await RecordedContacts.ReadAsync(Path.Combine(runFolder, recorded.Record.Trajectory!), cancel);
            await using var playback = await EpisodePlayback.OpenAsync(calls, recorded.Trajectory, cancel);
            var summary = await EpisodeVideo.WriteAsync(playback, contacts, video.File, video.Camera, video.Width, video.Height, cancel);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"video: {summary.File}: {summary.Frames} frames, {summary.Width}x{summary.Height}, {summary.FramesPerSecond:0.##} frames/s ({summary.DurationS:0.00} s), camera {summary.Camera} ({summary.CameraReason})"));
            foreach (var note in summary.Notes) await output.WriteLineAsync($"note: {note}");
            return ExitCodes.Passed;
        }
        catch (Exception e) when (e is PlaybackException or Testbed.Controller.Trajectories.TrajectoryFileException)
        {
            await output.WriteLineAsync($"cannot render: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
