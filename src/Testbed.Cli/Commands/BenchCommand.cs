using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Testbed.Controller.Bridge;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Cli.Commands;

/// <summary>`testbed bench bridge` and `testbed bench workers`. Ratios against a reference measured in the same
/// command, not absolute times, because the machine is shared and noisy.</summary>
public static partial class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Throughput measurements, each as a ratio against a reference measured in the same command.");
        bench.Subcommands.Add(Bridge());
        bench.Subcommands.Add(Workers());
        return bench;
    }

    private static Command Bridge()
    {
        var sceneOption = new Option<string>("--scene") { Description = "scene id", DefaultValueFactory = _ => "warehouse" };
        var stepsOption = OptionValues.Int("--steps", "physics steps per measurement", 20000, 1000, 10_000_000);
        var repeatsOption = OptionValues.Int("--repeats", "measurements of each side", 3, 1, 50);
        var substepsOption = OptionValues.Int("--substeps", "physics steps per control period", 20, 1, 10_000);
        var periodsOption = OptionValues.Int("--periods", "control periods per call (episodes use 10)", 1, 1, 1000);
        var bridgeOption = new Option<string>("--bridge") { Description = "a running bridge instead of an in-process one", HelpName = "ADDRESS" };
        var scenesOption = new Option<string>("--scenes") { Description = "the scenes root", HelpName = "DIR" };
        var episodesOption = OptionValues.Int("--episode-rounds", "rounds of the scene's scenarios x languages per repeat for the episode overhead (0: skip it)", 1, 0, 100);
        var command = new Command("bridge", """
            Bridge throughput (Step and StepStream) against mujoco-testspeed (Debian libmujoco-samples) on the scene's MJCF,
            and the episode overhead: episode wall time / the time mujoco-testspeed takes for the same physics steps.
            """)
        {
            sceneOption, stepsOption, repeatsOption, substepsOption, periodsOption, bridgeOption, scenesOption, episodesOption,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var output = Console.Out;
            var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(scenesOption));
            var scene = SceneManifestLoader.Load(scenesRoot, parse.GetValue(sceneOption)!);
            int steps = parse.GetValue(stepsOption), repeats = parse.GetValue(repeatsOption), substeps = parse.GetValue(substepsOption), periods = parse.GetValue(periodsOption);
            await using var bridge = await BenchBridge.OpenAsync(parse.GetValue(bridgeOption), scenesRoot, cancel);
            await output.WriteLineAsync($"bench: scene '{scene.Id}' ({scene.MjcfPath}), {steps} steps per measurement, chunks of {periods} period(s) x {substeps} substeps, {repeats} repeats");
            var reference = new List<double>();
            var unary = new List<double>();
            var streamed = new List<double>();
            var overhead = new List<double>();
            var overheadWithoutFrames = new List<double>();
            var rounds = parse.GetValue(episodesOption);
            var episodes = rounds > 0 ? new EpisodeBench(bridge.Connection, scenesRoot, scene.Id, frames: true) : null;
            var withoutFrames = rounds > 0 ? new EpisodeBench(bridge.Connection, scenesRoot, scene.Id, frames: false) : null;
            if (episodes is not null) await episodes.RunAsync(cancel); // warm-up: JIT and first model loads
            for (var r = 0; r < repeats; r++)
            {
                // Interleaved, each ratio against the reference of its own repeat, so a burst of load from
                // elsewhere hurts every side alike.
                reference.Add(await TestspeedAsync(scene.MjcfPath, steps, cancel));
                unary.Add(await BridgeStepsPerSecondAsync(bridge.Connection.Client, scene, steps, substeps, periods, streaming: false, cancel));
                streamed.Add(await BridgeStepsPerSecondAsync(bridge.Connection.Client, scene, steps, substeps, periods, streaming: true, cancel));
                var line = $"  repeat {r + 1}: mujoco-testspeed {reference[^1]:N0} steps/s; bridge over gRPC: Step {unary[^1]:N0} steps/s, StepStream {streamed[^1]:N0} steps/s";
                if (episodes is not null && withoutFrames is not null)
                {
                    var (wall, physicsSteps, count) = await EpisodeRoundsAsync(episodes, rounds, cancel);
                    overhead.Add(wall / (physicsSteps / reference[^1]));
                    var (wallBare, stepsBare, _) = await EpisodeRoundsAsync(withoutFrames, rounds, cancel);
                    overheadWithoutFrames.Add(wallBare / (stepsBare / reference[^1]));
                    line += $"; {count} episodes: {physicsSteps:N0} steps in {wall:F2} s, overhead {overhead[^1]:F2} ({overheadWithoutFrames[^1]:F2} without harm frames)";
                }
                await output.WriteLineAsync(line);
            }
            var ratio = (List<double> side) => Median(side.Select((v, i) => v / reference[i]).ToList());
            await output.WriteLineAsync($"median mujoco-testspeed: {Median(reference):N0} steps/s (reference)");
            await output.WriteLineAsync($"Step       {periods} x {substeps}: median ratio to mujoco-testspeed {ratio(unary):F3}");
            await output.WriteLineAsync($"StepStream {periods} x {substeps}: median ratio to mujoco-testspeed {ratio(streamed):F3} (target >= 0.9 at 1 x 20)");
            if (episodes is not null)
            {
                await output.WriteLineAsync($"episode overhead (episode wall time / mujoco-testspeed time for the same physics steps): median {Median(overhead):F2} (target <= 1.25)");
                await output.WriteLineAsync($"episode overhead without rendering harm frames (640x480, CPU): median {Median(overheadWithoutFrames):F2}");
            }
            return 0;
        });
        return command;
    }

    private static Command Workers()
    {
        var seedsOption = OptionValues.Int("--seeds", "seeds per scenario x language (the plan is every scenario x language x seed 0..N-1)", 2, 1, 1000);
        var workersOption = OptionValues.Int("--workers", "the worker count compared with one worker", 2, 2, 64);
        var scenesOption = new Option<string>("--scenes") { Description = "the scenes root", HelpName = "DIR" };
        var repeatsOption = OptionValues.Int("--repeats", "pairs of runs (1 worker, then N), each pair giving a ratio", 3, 1, 20);
        var command = new Command("workers", "Episodes per second of a run with N workers against the same run with 1 worker, as a ratio (bridge start-up excluded).")
        {
            seedsOption, workersOption, scenesOption, repeatsOption,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(scenesOption));
            var corpus = ScenarioCorpus.Load(scenesRoot);
            var seeds = Enumerable.Range(0, parse.GetValue(seedsOption)).Select(s => (ulong)s).ToArray();
            var plan = RunPlan.Create(corpus, corpus.Select(null, null, null), [Controller.Policies.ScriptedTaskPolicy.PolicyName], seeds, 0.001);
            var workers = parse.GetValue(workersOption);
            var scratch = Path.Combine(Path.GetTempPath(), "testbed-bench-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                await Console.Out.WriteLineAsync($"bench workers: {plan.Episodes.Count} episodes per run, 1 worker then {workers} workers, {parse.GetValue(repeatsOption)} pairs, {Environment.ProcessorCount} cores");
                var ratios = new List<double>();
                for (var r = 0; r < parse.GetValue(repeatsOption); r++)
                {
                    // In pairs, each ratio from two runs close in time, because the machine's load drifts.
                    var (one, oneCores) = await EpisodesPerSecondAsync(plan, 1, scenesRoot, scratch, cancel);
                    var (many, manyCores) = await EpisodesPerSecondAsync(plan, workers, scenesRoot, scratch, cancel);
                    ratios.Add(many / one);
                    await Console.Out.WriteLineAsync(
                        $"  pair {r + 1}: 1 worker {one:F2} episodes/s ({oneCores:F2} cores busy), {workers} workers {many:F2} episodes/s ({manyCores:F2} cores busy), ratio {ratios[^1]:F2}");
                }
                await Console.Out.WriteLineAsync($"median ratio {workers} workers / 1 worker: {Median(ratios):F2} (target >= 1.8 for 2 workers on 2 cores)");
                return 0;
            }
            finally
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    /// <summary>One round of episodes: every scenario of the scene in every language, seed 0, on the bench's
    /// bridge, summing the episodes' own wall time and physics steps.</summary>
    private sealed class EpisodeBench(BridgeConnection connection, string scenesRoot, string sceneId, bool frames)
    {
        private readonly ScenarioCorpus _corpus = ScenarioCorpus.Load(scenesRoot);
        private readonly Controller.Episodes.EpisodeRunner _runner = new(new BridgeCalls(connection.Client, CallDeadlines.Default), BodyModel.LoadIsoTs15066(), frames && connection.Capabilities.RendererAvailable);

        public async Task<(double Wall, ulong Steps, int Count)> RunAsync(CancellationToken cancel)
        {
            double wall = 0;
            ulong steps = 0;
            var count = 0;
            foreach (var (scenario, language) in _corpus.Select(null, null, null).Cells().Where(c => c.Scenario.SceneId == sceneId))
            {
                var record = await _runner.RunAsync(new Controller.Episodes.EpisodeRequest(scenario, _corpus.Scenes[sceneId], language,
                    Controller.Policies.PolicyCatalog.Create(Controller.Policies.ScriptedTaskPolicy.PolicyName), 0, 0.001), cancel);
                if (record.Error is not null) throw new InvalidOperationException($"bench episode {scenario.Id} · {language} failed: {record.Error}");
                wall += record.WallTimeS;
                steps += record.PhysicsSteps;
                count++;
            }
            return (wall, steps, count);
        }
    }

    private static async Task<(double Wall, ulong Steps, int Count)> EpisodeRoundsAsync(EpisodeBench bench, int rounds, CancellationToken cancel)
    {
        double wall = 0;
        ulong steps = 0;
        var count = 0;
        for (var round = 0; round < rounds; round++)
        {
            var (w, p, n) = await bench.RunAsync(cancel);
            wall += w;
            steps += p;
            count += n;
        }
        return (wall, steps, count);
    }

    /// <summary>Episodes per second of one run, and the cores its processes kept busy (CPU time of this process
    /// and of its finished bridge processes over the run's wall time): fewer cores busy than workers means the
    /// machine had no more to give.</summary>
    private static async Task<(double EpisodesPerSecond, double CoresBusy)> EpisodesPerSecondAsync(RunPlan plan, int workers, string scenesRoot, string scratch, CancellationToken cancel)
    {
        var cpuBefore = ProcessTreeCpu();
        var wall = Stopwatch.StartNew();
        var clock = new EpisodeClock();
        var executor = new RunExecutor(BridgeSource.ChildProcesses(BridgeProcessCommand.ForTestbed(typeof(BenchCommand).Assembly.Location, scenesRoot)),
            BodyModel.LoadIsoTs15066(), new RunSettings { Workers = workers }, clock);
        var summary = await executor.RunAsync(plan, scratch, new RunProvenance(["testbed", "bench", "workers"], "bench", null, "bench"), cancel);
        if (summary.Status != RunStatus.Completed) throw new InvalidOperationException($"the bench run ended {summary.Status}: {summary.AbortReason}");
        var cores = (ProcessTreeCpu() - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        return (summary.Episodes.Count / clock.Elapsed.TotalSeconds, cores);
    }

    /// <summary>CPU time of this process and of its ended, waited-for children (the run's bridge processes), from
    /// /proc/self/stat (utime, stime, cutime, cstime, in the kernel's 100 Hz clock ticks).</summary>
    private static TimeSpan ProcessTreeCpu()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name in parentheses, which may itself hold spaces: field 3 is the state.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Times a run from its first episode's start (all bridges up) to its last record.</summary>
    private sealed class EpisodeClock : IRunProgress
    {
        private readonly Stopwatch _clock = new();
        public TimeSpan Elapsed { get; private set; }
        public void Started(string folder, int toRun, int alreadyRecorded) => _clock.Restart();
        public void EpisodeFinished(Controller.Episodes.EpisodeRecord record, int finished, int toRun) => Elapsed = _clock.Elapsed;
        public void Note(string message) { }
    }

    private static async Task<double> BridgeStepsPerSecondAsync(
        SimBridge.SimBridgeClient client, SceneManifest scene, int steps, int substeps, int periods, bool streaming, CancellationToken cancel)
    {
        // As episodes open it: person contacts compliant, so the bench measures the stepping episodes do.
        var open = Controller.Episodes.EpisodeRunner.OpenRequest(scene, BodyModel.LoadIsoTs15066());
        var session = await client.OpenSessionAsync(open, cancellationToken: cancel);
        try
        {
            // From the model's initial state with small control noise, as mujoco-testspeed does.
            await client.ResetAsync(new ResetRequest { SessionId = session.SessionId }, cancellationToken: cancel);
            var random = new Random(1);
            StepRequest Chunk()
            {
                var request = new StepRequest { SessionId = session.SessionId, SubstepsPerPeriod = (uint)substeps };
                request.ActuatorNames.AddRange(scene.Robot.Actuators);
                for (var p = 0; p < periods; p++)
                {
                    request.Periods.Add(new ControlPeriod { Targets = { scene.Robot.Actuators.Select(_ => 0.01 * (random.NextDouble() * 2 - 1)) } });
                }
                return request;
            }
            // Enough calls for the JIT to reach its optimised tier on both sides of the channel.
            await using var stream = new StepStream(client, cancel);
            async Task<ulong> Step() => streaming
                ? (await stream.StepAsync(Chunk(), TimeSpan.FromMinutes(1), cancel)).SubstepsTaken
                : (await client.StepAsync(Chunk(), cancellationToken: cancel)).SubstepsTaken;
            var perCall = substeps * periods;
            for (var warm = 0; warm < Math.Max(500, 5000 / perCall); warm++) await Step();
            var calls = Math.Max(1, steps / perCall);
            var clock = Stopwatch.StartNew();
            ulong taken = 0;
            for (var i = 0; i < calls; i++) taken += await Step();
            return taken / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await client.CloseSessionAsync(new CloseSessionRequest { SessionId = session.SessionId }, cancellationToken: cancel);
        }
    }

    private static async Task<double> TestspeedAsync(string mjcf, int steps, CancellationToken cancel)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("mujoco-testspeed", [mjcf, steps.ToString(CultureInfo.InvariantCulture), "1", "0.01"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("mujoco-testspeed did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("mujoco-testspeed is not installed; install it with: apt-get install -y libmujoco-samples");
        }
        using (process)
        {
            var text = await process.StandardOutput.ReadToEndAsync(cancel);
            await process.WaitForExitAsync(cancel);
            var match = StepsPerSecond().Match(text);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new InvalidOperationException($"mujoco-testspeed {mjcf} failed (exit {process.ExitCode}): {text.Trim()}");
            }
            return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"Steps per second\s*:\s*([0-9.]+)")]
    private static partial Regex StepsPerSecond();
}
