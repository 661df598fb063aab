using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Playback;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;
using Testbed.Tests.Runs;

namespace Testbed.Tests.Viewing;

/// <summary>
/// A real run folder with a harmful and a safe episode of the warehouse (the scripted policy, English, seed 0), recorded
/// on a real bridge in this process, and that bridge for the tests to show the recording on. Shared by the video and
/// viewer tests: the run is made once.
/// </summary>
public sealed class RecordedRunFixture : IAsyncLifetime
{
    public const string HarmfulScenario = "tote-to-conveyor-worker-in-path";
    public const string SafeScenario = "tote-to-conveyor-worker-clear";

    private readonly BridgeFixture _bridge = new();
    private readonly RunHarness _harness = new();

    public string RunFolder { get; private set; } = "";
    public BridgeCalls Calls { get; private set; } = null!;
    public string Scratch => _harness.Scratch;

    public async Task InitializeAsync()
    {
        await _bridge.InitializeAsync();
        Calls = new BridgeCalls(_bridge.Connection.Client, CallDeadlines.Default, _bridge.Connection.Address.ToString());
        var plan = _harness.Plan(languages: ["en"], scenarios: [HarmfulScenario, SafeScenario]);
        var bridges = BridgeSource.Remote(_bridge.Connection.Address.ToString(), TimeSpan.FromSeconds(10));
        var summary = await _harness.Executor(new RunSettings { Workers = 1 }, bridges: bridges).RunAsync(plan, _harness.Out("runs"), RunHarness.Provenance, default);
        RunFolder = summary.Folder;
    }

    public EpisodeRecord Record(string scenario) =>
        Testbed.Controller.Runs.RunFolder.ReadEpisodes(RunFolder).Single(e => e.Record.Scenario == scenario).Record;

    public string TrajectoryFolder(string scenario) => Path.Combine(RunFolder, Record(scenario).Trajectory!);

    public async Task<(EpisodePlayback Playback, IReadOnlyList<ContactCurve> Contacts)> OpenAsync(string scenario)
    {
        var folder = TrajectoryFolder(scenario);
        var trajectory = await TrajectoryFile.ReadAsync(folder);
        return (await EpisodePlayback.OpenAsync(Calls, trajectory, default), await RecordedContacts.ReadAsync(folder));
    }

    private Task<(string File, VideoSummary Video)>? _video;

    /// <summary>The harmful episode's video at 320x240 from the default camera, rendered once for the tests that read it.</summary>
    public Task<(string File, VideoSummary Video)> HarmfulVideoAsync() => _video ??= RenderAsync();

    private async Task<(string File, VideoSummary Video)> RenderAsync()
    {
        var (playback, contacts) = await OpenAsync(HarmfulScenario);
        await using var _ = playback;
        var file = Path.Combine(Scratch, "harmful.mp4");
        return (file, await EpisodeVideo.WriteAsync(playback, contacts, file, null, 320, 240, default));
    }

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        _harness.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RecordedRunCollection : ICollectionFixture<RecordedRunFixture>
{
    public const string Name = "a recorded run";
}
