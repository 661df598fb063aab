using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Replays;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Tests.Runs;

namespace Testbed.Tests.Replays;

/// <summary>One real run of the scripted harmful warehouse episode (tote-to-conveyor-worker-in-path, en, seed 0) on a
/// bridge process, and an in-process bridge to replay it on: shared by the replay tests of a class.</summary>
public sealed class RecordedHarmfulRun : IAsyncLifetime
{
    public const string ScenarioId = "tote-to-conveyor-worker-in-path";
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    public RunHarness Harness { get; } = new();
    public string Folder { get; private set; } = "";
    public RecordedTrajectory Recorded { get; private set; } = null!;
    public BodyModel Body { get; } = BodyModel.LoadIsoTs15066();
    public SceneManifest Scene => Harness.Corpus.Scenes[Recorded.Trajectory.Header.Scene];
    public Scenario Scenario => Harness.Corpus.Scenarios.Single(s => s.Id == ScenarioId);
    public BridgeConnection Connection => _connection ?? throw new InvalidOperationException("bridge not started");
    public BridgeCalls Calls => new(Connection.Client, CallDeadlines.Default);

    public async Task InitializeAsync()
    {
        var plan = Harness.Plan(languages: ["en"], scenarios: [ScenarioId]);
        var summary = await Harness.Executor(new RunSettings { Workers = 1 }).RunAsync(plan, Harness.Out("run"), RunHarness.Provenance, default);
        Folder = summary.Folder;
        Recorded = await RecordedTrajectory.LoadAsync(Folder, "1", default);
        _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = Harness.ScenesRoot });
        _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
    }

    public Task<BranchOutcome> BranchAsync(int period, BranchBehaviour behaviour, BranchPolicy? policy = null) =>
        EpisodeBranch.RunAsync(Calls, Scene, Body, Recorded.Trajectory, period, behaviour, Scenario.Control.PeriodsPerChunk, Scenario.TimeLimitS, policy, default);

    public Task<ReplayReport> ReplayAsync(RecordedTrajectory recorded) =>
        EpisodeReplay.RunAsync(Calls, BridgeIdentity.Of(Connection.Capabilities), Scene, Harness.Corpus.SceneHashes[Scene.Id], Body, recorded, default);

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Harness.Dispose();
    }
}
