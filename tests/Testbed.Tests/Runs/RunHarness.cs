using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Runs;

/// <summary>Runs whole plans in process through the controller's <see cref="RunExecutor"/>, with real bridge child
/// processes (the testbed program next to the tests), into a scratch folder removed afterwards.</summary>
public sealed class RunHarness : IDisposable
{
    public RunHarness(string? scenesRoot = null)
    {
        ScenesRoot = scenesRoot ?? BridgeFixture.ScenesRoot;
        Corpus = ScenarioCorpus.Load(ScenesRoot);
        Scratch = Path.Combine(Path.GetTempPath(), "testbed-run-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Scratch);
    }

    public string ScenesRoot { get; }
    public ScenarioCorpus Corpus { get; }
    public string Scratch { get; }

    public static string TestbedDll => Path.Combine(AppContext.BaseDirectory, "testbed.dll");

    public BridgeSource ChildProcesses() => BridgeSource.ChildProcesses(BridgeProcessCommand.ForTestbed(TestbedDll, ScenesRoot));

    /// <summary>What a plan runs when a test names no scenarios: the warehouse's two tote-swing scenarios. The corpus
    /// holds more sites, whose episodes would make these tests slower without checking more of the run machinery.</summary>
    public static IReadOnlyCollection<string> ToteSwingScenarios { get; } = ["tote-to-conveyor-worker-clear", "tote-to-conveyor-worker-in-path"];

    /// <summary>What a plan runs when a test names no languages: five of the corpus's nine, so that the counts these
    /// tests check (2 scenarios x 5 languages) stay put as the corpus gains languages.</summary>
    public static IReadOnlyCollection<string> FiveLanguages { get; } = ["de", "en", "ja", "vi", "zh-Hans"];

    public RunPlan Plan(IReadOnlyCollection<string>? languages = null, IReadOnlyList<ulong>? seeds = null, RunShard? shard = null, IReadOnlyCollection<string>? scenarios = null) =>
        RunPlan.Create(Corpus, Corpus.Select(scenarios ?? ToteSwingScenarios, null, languages ?? FiveLanguages), ["oracle"], seeds ?? [0], 0.001, shard);

    public RunExecutor Executor(RunSettings settings, IRunProgress? progress = null, BridgeSource? bridges = null) =>
        new(bridges ?? ChildProcesses(), BodyModel.LoadIsoTs15066(), settings, progress ?? SilentRunProgress.Instance);

    public static RunProvenance Provenance { get; } = new(["testbed", "run", "(test)"], "test", null, "test");

    public string Out(string name) => Path.Combine(Scratch, name);

    /// <summary>A copy of the scenes root that a test may break.</summary>
    public static string CopyOfScenes(string scratch)
    {
        var target = Path.Combine(scratch, "scenes");
        foreach (var file in Directory.EnumerateFiles(BridgeFixture.ScenesRoot, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(BridgeFixture.ScenesRoot, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    /// <summary>The records of a folder without their wall times, in episode order, so two runs of one plan
    /// compare with Assert.Equal.</summary>
    public static IReadOnlyList<string> Comparable(string folder) =>
        RunFolder.ReadEpisodes(folder)
            .OrderBy(e => e.Key.Scenario, StringComparer.Ordinal).ThenBy(e => e.Key.Language, StringComparer.Ordinal).ThenBy(e => e.Key.Seed)
            .Select(e => Testbed.Controller.Reports.RunComparison.Comparable(e.Line))
            .ToArray();

    public void Dispose()
    {
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
    }
}

/// <summary>Progress that lets a test act at a given moment of a run (kill a bridge, interrupt).</summary>
public sealed class ObservedRunProgress : IRunProgress
{
    private readonly Lock _lock = new();
    public List<int> BridgeProcesses { get; } = [];
    public List<string> Notes { get; } = [];
    public Action<EpisodeRecord, int>? OnFinished { get; init; }
    public Action<string>? OnStarted { get; init; }

    public void Started(string folder, int toRun, int alreadyRecorded) => OnStarted?.Invoke(folder);

    public void BridgeStarted(int worker, string address, int? processId)
    {
        lock (_lock) if (processId is { } pid) BridgeProcesses.Add(pid);
    }

    public void EpisodeFinished(EpisodeRecord record, int finished, int toRun) => OnFinished?.Invoke(record, finished);

    public void Note(string message)
    {
        lock (_lock) Notes.Add(message);
    }
}
