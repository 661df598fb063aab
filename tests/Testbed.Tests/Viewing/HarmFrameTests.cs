using SkiaSharp;
using Testbed.Controller.Playback;

namespace Testbed.Tests.Viewing;

[Collection(RecordedRunCollection.Name)]
public sealed class HarmFrameTests(RecordedRunFixture run)
{
    [Fact]
    public async Task A_harmful_episodes_harm_frame_is_the_frame_of_the_period_that_holds_the_peak()
    {
        var record = run.Record(RecordedRunFixture.HarmfulScenario);
        var harm = CameraChoice.FirstHarmfulContact(record.HarmEvents)!;
        var (playback, _) = await run.OpenAsync(RecordedRunFixture.HarmfulScenario);
        await using var _ = playback;
        var period = playback.PeriodCovering(harm.TimeS);
        var end = playback.Trajectory.Periods[period].State.TimeS;

        Assert.NotNull(record.HarmFrame);
        Assert.EndsWith(FormattableString.Invariant($"-t{end:0.000}s.png"), record.HarmFrame);
        var periodS = playback.Trajectory.Header.TimestepS * playback.Trajectory.Header.SubstepsPerPeriod;
        Assert.InRange(harm.TimeS, end - periodS - 1e-9, end + 1e-9);
        using var image = SKBitmap.Decode(Path.Combine(run.RunFolder, record.HarmFrame));
        Assert.Equal((640, 480), (image.Width, image.Height));
        // The overlay marks the violated region: its bar and ring are drawn in the violation colour.
        var red = SKColor.Parse(SeverityColours.Of(harm.Severity));
        var marked = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var p = image.GetPixel(x, y);
                if (Math.Abs(p.Red - red.Red) + Math.Abs(p.Green - red.Green) + Math.Abs(p.Blue - red.Blue) < 30) marked++;
            }
        }
        Assert.True(marked > 500, $"{marked} pixels of the harm frame in the {harm.Severity} colour; expected the region's ring and bar");
    }

    [Fact]
    public void A_safe_episode_has_no_harm_frame()
    {
        Assert.Null(run.Record(RecordedRunFixture.SafeScenario).HarmFrame);
    }
}
