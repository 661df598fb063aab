namespace Testbed.Tests.Viewing;

/// <summary>`testbed view` and `testbed replay --video` as a user runs them: the program, on a recorded run folder.</summary>
[Collection(RecordedRunCollection.Name)]
public sealed class ViewCommandTests(RecordedRunFixture run)
{
    private static Task<(int Exit, string Out, string Err)> TestbedAsync(params string[] args) => TestbedProgram.RunAsync(args);

    [Fact]
    public async Task View_writes_a_page_per_recorded_episode_and_an_index()
    {
        var folder = Path.Combine(run.Scratch, "cli-view");

        var (exit, stdout, stderr) = await TestbedAsync("view", run.RunFolder, "--out", folder);

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.True(File.Exists(Path.Combine(folder, "index.html")), stdout);
        foreach (var scenario in new[] { RecordedRunFixture.HarmfulScenario, RecordedRunFixture.SafeScenario })
        {
            var page = Path.Combine(folder, Path.GetFileName(run.Record(scenario).Trajectory!) + ".html");
            Assert.True(File.Exists(page), $"no page {page}: {stdout}");
            Assert.InRange(new FileInfo(page).Length, 100_000, 2_000_000);
        }
        Assert.Contains("2 episode page(s) of 2 episode(s)", stdout);
    }

    [Fact]
    public async Task View_refuses_an_episode_the_run_does_not_have_naming_it()
    {
        var (exit, _, stderr) = await TestbedAsync("view", run.RunFolder, "--episode", "no-such-episode", "--out", Path.Combine(run.Scratch, "none"));

        Assert.Equal(2, exit);
        Assert.Contains("--episode 'no-such-episode'", stderr);
    }

    [Fact]
    public async Task Replay_with_video_writes_the_mp4_and_says_which_camera_and_why()
    {
        var file = Path.Combine(run.Scratch, "cli.mp4");
        var episode = Path.GetFileName(run.Record(RecordedRunFixture.HarmfulScenario).Trajectory!);

        var (exit, stdout, stderr) = await TestbedAsync("replay", run.RunFolder, episode, "--video", file, "--video-size", "160x120");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("camera overview (clearest view of the first harmful contact", stdout);
        var probe = MediaProbe.Of(file);
        Assert.Equal((160, 120), (probe.Width, probe.Height));
    }

    [Theory]
    [InlineData("--camera", "overview", "--camera and --video-size need --video")]
    [InlineData("--video-size", "641x480", "--video-size '641x480'")]
    public async Task Replay_refuses_video_options_that_do_not_fit_naming_them(string option, string value, string expected)
    {
        var episode = Path.GetFileName(run.Record(RecordedRunFixture.HarmfulScenario).Trajectory!);
        string[] args = option == "--camera"
            ? ["replay", run.RunFolder, episode, option, value]
            : ["replay", run.RunFolder, episode, "--video", Path.Combine(run.Scratch, "bad.mp4"), option, value];

        var (exit, _, stderr) = await TestbedAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
    }
}
