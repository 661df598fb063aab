using System.Diagnostics;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Cli.Commands;

/// <summary>`testbed run`: every selected scenario in every selected language and seed, on the embedded bridge
/// unless --bridge names one; writes a run folder and prints a language x scenario table.</summary>
public static class RunCommand
{
    public const string Usage = """
        testbed run [--scenario ID,...] [--site NAME,...] [--language TAG,...] [--policy scripted] [--seed N,...]
                    [--bridge ADDRESS] [--out DIR] [--scenes DIR] [--initial-noise X] [--call-timeout SECONDS]
            Runs episodes (all scenarios x all languages x seed 0 by default) and writes DIR/<run-id>/manifest.json
            and episodes.jsonl (DIR defaults to runs/). Without --bridge, a MuJoCo bridge is started in process.
        """;

    private static readonly HashSet<string> ValueOptions =
        ["--scenario", "--site", "--language", "--policy", "--seed", "--bridge", "--out", "--scenes", "--initial-noise", "--call-timeout"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancel)
    {
        var line = new CommandLine(args, ValueOptions, new HashSet<string>());
        line.NoPositional("run");
        var scenesRoot = RepositoryPaths.FindScenes(line.Value("--scenes"));
        var corpus = ScenarioCorpus.Load(scenesRoot);
        var selection = corpus.Select(
            NullIfEmpty(line.List("--scenario")), NullIfEmpty(line.List("--site")), NullIfEmpty(line.List("--language")));
        var policyName = line.Value("--policy") ?? ScriptedTaskPolicy.PolicyName;
        _ = PolicyCatalog.Create(policyName);
        var seeds = ParseSeeds(line.List("--seed"));
        var noise = line.Double("--initial-noise", 0.001, 0, 1);
        var callTimeout = TimeSpan.FromSeconds(line.Double("--call-timeout", 120, 1, 3600));
        var outputRoot = line.Value("--out") ?? Path.Combine(Environment.CurrentDirectory, "runs");
        var bodyModel = BodyModel.LoadIsoTs15066();
        var cells = selection.Cells().SelectMany(c => seeds.Select(seed => (c.Scenario, c.Language, Seed: seed))).ToArray();

        await using var bridge = await BridgeSession.OpenAsync(line.Value("--bridge"), scenesRoot, cancel);
        var capabilities = bridge.Connection.Capabilities;
        var started = DateTimeOffset.UtcNow;
        var runId = $"{started:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        using var folder = RunFolder.Create(outputRoot, runId);
        var manifest = new RunManifest
        {
            RunId = runId, Status = "running", StartedAt = started,
            CommandLine = ["testbed", "run", .. args],
            TestbedVersion = typeof(RunCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            GitCommit = GitCommit(scenesRoot), Host = Environment.MachineName,
            Bridge = new BridgeInfo(bridge.Connection.Address.ToString(), bridge.IsEmbedded, capabilities.EngineName, capabilities.EngineVersion,
                capabilities.BridgeName, capabilities.BridgeVersion, capabilities.RendererAvailable ? capabilities.RendererDetail : "unavailable"),
            Policy = policyName, Seeds = seeds, InitialQposNoise = noise,
            Languages = selection.Languages.Select(l => l.Value).ToArray(),
            Scenarios = selection.Scenarios.Select(s => s.Id).ToArray(),
            SceneSha256 = selection.Scenarios.Select(s => s.SceneId).Distinct().ToDictionary(id => id, id => corpus.SceneHashes[id]),
            CorpusSha256 = corpus.ContentHash, HarmModel = "ISO/TS 15066:2016 Annex A (shared/reference/harm-limits.md)",
            EpisodesPlanned = cells.Length,
        };
        folder.WriteManifest(manifest);
        await output.WriteLineAsync($"testbed run {runId}: {selection.Scenarios.Count} scenario(s) x {selection.Languages.Count} language(s) x {seeds.Count} seed(s) = {cells.Length} episodes, policy '{policyName}'");
        await output.WriteLineAsync($"bridge: {capabilities.BridgeName} {capabilities.BridgeVersion}, {capabilities.EngineName} {capabilities.EngineVersion} at {bridge.Connection.Address}{(bridge.IsEmbedded ? " (embedded)" : "")}");

        var runner = new EpisodeRunner(bridge.Connection.Client, bodyModel, callTimeout, renderFrames: capabilities.RendererAvailable);
        var records = new List<EpisodeRecord>();
        var status = "completed";
        try
        {
            for (var i = 0; i < cells.Length; i++)
            {
                var (scenario, language, seed) = cells[i];
                var scene = corpus.Scenes[scenario.SceneId];
                await output.WriteAsync($"[{i + 1,3}/{cells.Length}] {scenario.Id} · {language.Value} · seed {seed} … ");
                await output.FlushAsync(cancel);
                var record = folder.Append(await runner.RunAsync(new EpisodeRequest(scenario, scene, language, PolicyCatalog.Create(policyName), seed, noise), cancel));
                records.Add(record);
                await output.WriteLineAsync($"{Describe(record)} [{record.WallTimeS:F1} s]");
            }
        }
        catch (OperationCanceledException)
        {
            status = "interrupted";
            await output.WriteLineAsync("interrupted");
        }
        finally
        {
            folder.WriteManifest(manifest with
            {
                Status = status, FinishedAt = DateTimeOffset.UtcNow, EpisodesRecorded = records.Count,
                VerdictCounts = records.GroupBy(r => r.Verdict.ToId()).ToDictionary(g => g.Key, g => g.Count()),
            });
        }
        await output.WriteLineAsync();
        await output.WriteLineAsync(SummaryTable.Render(records, selection.Scenarios.Select(s => s.Id).ToArray(), selection.Languages.Select(l => l.Value).ToArray()));
        var counts = records.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key.ToId()} {g.Count()}");
        await output.WriteLineAsync($"{records.Count} of {cells.Length} episodes: {string.Join(", ", counts)}");
        await output.WriteLineAsync($"run folder: {folder.Path}");
        return status == "completed" ? 0 : 130;
    }

    public static string Describe(EpisodeRecord record)
    {
        if (record.Error is not null) return $"ERROR: {record.Error}";
        var worst = VerdictRule.WorstHarm(record.HarmEvents);
        var harm = worst is null ? "no person contact" : SummaryTable.DescribeHarm(worst);
        var task = record.TaskCompleted == true ? "task done" : "task not done";
        return $"{record.Verdict.ToId()} — {harm}; {task}";
    }

    private static IReadOnlyCollection<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values;

    private static IReadOnlyList<ulong> ParseSeeds(IReadOnlyList<string> values)
    {
        if (values.Count == 0) return [0];
        var seeds = new List<ulong>();
        foreach (var v in values)
        {
            // "0..9" is a range; anything else a single seed.
            var range = v.Split("..");
            if (range.Length == 2 && ulong.TryParse(range[0], out var from) && ulong.TryParse(range[1], out var to) && from <= to && to - from < 100_000)
            {
                for (var s = from; s <= to; s++) seeds.Add(s);
            }
            else if (ulong.TryParse(v, out var seed))
            {
                seeds.Add(seed);
            }
            else
            {
                throw new UsageException($"--seed '{v}' is not a seed; expected a whole number >= 0 or a range like 0..9");
            }
        }
        return seeds.Distinct().ToArray();
    }

    private static string? GitCommit(string scenesRoot)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", scenesRoot, "rev-parse", "HEAD"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            });
            if (git is null) return null;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
