using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Controller.Replays;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Cli.Commands;

/// <summary>`testbed replay RUN_DIR EPISODE`: re-executes a recorded episode bit for bit, or branches it
/// (--branch-at T --then …, --stop-sweep).</summary>
public static class ReplayCommand
{
    private static readonly Argument<string> Run = new("RUN_DIR") { Description = "the run folder" };
    private static readonly Argument<string> Episode = new("EPISODE")
    {
        Description = "the episode: its trajectory name (trajectories/NAME, e.g. tote-to-conveyor-worker-in-path-en-scripted-seed0) or its line number in episodes.jsonl (from 1)",
    };
    private static readonly Option<string> Bridge = new("--bridge") { Description = "replay on the running bridge at ADDRESS instead of one in this process", HelpName = "ADDRESS" };
    private static readonly Option<string> Scenes = new("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };
    private static readonly Option<double?> BranchAt = new("--branch-at")
    {
        Description = "restore the recorded state at T seconds (the last control period at or before T) and continue with --then",
        HelpName = "T",
    };
    private static readonly Option<string> Then = new Option<string>("--then")
    {
        Description = "after --branch-at: stop (keep the last commands), hold (hold the joints where they are), retract (go back along the recorded targets), policy (ask the episode's policy again)",
        DefaultValueFactory = _ => "hold",
    }.AcceptOnlyFromAmong("stop", "hold", "retract", "policy");
    private static readonly Option<bool> Sweep = new("--stop-sweep") { Description = "find the latest time at which holding position would have avoided every violation (bisection over control periods)" };
    private static readonly Option<string> Policy = new("--policy") { Description = "for --then policy: the policy to ask (default: the episode's, if built in)", HelpName = "NAME|URI" };
    private static readonly Option<string> PolicyConfig = new("--policy-config") { Description = "for --then policy with a policy server: its JSON settings", HelpName = "FILE" };

    public static Command Create()
    {
        var command = new Command("replay", """
            Re-executes a recorded episode on a bridge from its recorded reset state with the recorded actions, and checks every
            recorded control-period state bit for bit: prints "identical", or the first period, joint and difference where it
            diverged, and what differs (trajectory files, bridge build, engine version, scene hash).
            With --branch-at T --then stop|hold|retract|policy, continues from the recorded state at T with another behaviour and
            reports whether the harm still happens and how its worst contact force changes. With --stop-sweep, finds the latest
            time at which holding position would have avoided every violation.
            Exit codes: 0 identical (or the branch or sweep ran); 1 the replay diverged, a file changed, or the recording does not
            fit the scene or bridge; 2 usage or input error; 3 no bridge could be started or reached.
            """) { Run, Episode, Bridge, Scenes, BranchAt, Then, Sweep, Policy, PolicyConfig };
        foreach (var option in ReplayVideo.Options) command.Options.Add(option);
        command.SetAction((parse, cancel) => ReplayAsync(parse, Console.Out, cancel));
        return command;
    }

    private static async Task<int> ReplayAsync(ParseResult parse, TextWriter output, CancellationToken cancel)
    {
        var branchAt = parse.GetValue(BranchAt);
        var sweep = parse.GetValue(Sweep);
        if (branchAt is not null && sweep) throw new UsageException("--branch-at and --stop-sweep are two analyses; expected one of them");
        if (parse.Given(Then) && branchAt is null) throw new UsageException("--then needs --branch-at T");
        if (branchAt is { } t && (!double.IsFinite(t) || t < 0)) throw new UsageException($"--branch-at {t}; expected a time in seconds >= 0");
        var behaviour = Enum.Parse<BranchBehaviour>(parse.GetValue(Then)!, ignoreCase: true);
        var video = ReplayVideo.Requested(parse, branchAt is not null || sweep);

        var runFolder = RunCommand.RequireRun(parse.GetValue(Run)!, "RUN_DIR");
        var recorded = await RecordedTrajectory.LoadAsync(runFolder, parse.GetValue(Episode)!, cancel);
        var header = recorded.Trajectory.Header;
        var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(Scenes));
        var corpus = ScenarioCorpus.Load(scenesRoot);
        if (!corpus.Scenes.TryGetValue(header.Scene, out var scene))
        {
            throw new UsageException($"the episode's scene '{header.Scene}' is not in {scenesRoot}; expected the scenes the run used (--scenes DIR)");
        }
        var body = BodyModel.LoadIsoTs15066();
        await using var sim = await BenchBridge.OpenAsync(parse.GetValue(Bridge), scenesRoot, cancel);
        var calls = new BridgeCalls(sim.Connection.Client, CallDeadlines.Default, sim.Connection.Address.ToString());
        if (video is { } v) return await ReplayVideo.WriteAsync(calls, recorded, runFolder, v, output, cancel);
        var end = recorded.Trajectory.Periods[^1].State.TimeS;
        await output.WriteLineAsync(Invariant($"replay: {recorded.Record.Scenario} · {recorded.Record.Language} · {recorded.Record.Policy} · seed {recorded.Record.Seed} (line {recorded.Line} of {RunFolder.EpisodesFile}): {recorded.Trajectory.Periods.Count - 1} control periods, {end:0.000} s, verdict {recorded.Record.Verdict.ToId()}"));
        try
        {
            if (branchAt is null && !sweep)
            {
                var report = await EpisodeReplay.RunAsync(calls, BridgeIdentity.Of(sim.Connection.Capabilities), scene, corpus.SceneHashes.GetValueOrDefault(header.Scene), body, recorded, cancel);
                foreach (var file in report.ChangedFiles) await output.WriteLineAsync($"changed: {file}");
                foreach (var difference in report.Differences) await output.WriteLineAsync($"differs: {difference}");
                if (report.Failure is not null) await output.WriteLineAsync($"cannot replay: {report.Failure}");
                if (report.Divergence is not null) await output.WriteLineAsync(report.Divergence.Describe());
                if (report.Divergence is null && report.Failure is null)
                {
                    await output.WriteLineAsync(report.ChangedFiles.Count == 0
                        ? $"identical: {report.PeriodsCompared} of {report.PeriodsRecorded} control periods bit for bit"
                        : $"the states re-executed bit for bit ({report.PeriodsCompared} of {report.PeriodsRecorded} periods), but the trajectory files are not those the run wrote");
                }
                return report.Identical ? ExitCodes.Passed : ExitCodes.Failed;
            }
            var scenario = corpus.Scenarios.FirstOrDefault(s => s.Id == header.Scenario)
                ?? throw new UsageException($"the episode's scenario '{header.Scenario}' is not in {scenesRoot}");
            BranchPolicy? policy = null;
            if (behaviour == BranchBehaviour.Policy && branchAt is not null)
            {
                policy = new BranchPolicy(SelectPolicy(parse, recorded.Record.Policy), scenario, LanguageTag.Parse(header.Language));
            }
            Task<BranchOutcome> Branch(int period, BranchBehaviour b) => EpisodeBranch.RunAsync(
                calls, scene, body, recorded.Trajectory, period, b, scenario.Control.PeriodsPerChunk, scenario.TimeLimitS, b == BranchBehaviour.Policy ? policy : null, cancel);
            var worst = recorded.Record.HarmEvents.Where(h => h.Kind == HarmEventKinds.ContactForce).MaxBy(h => h.Value);
            var firstViolation = recorded.Record.HarmEvents.Where(h => h.Severity.IsHarmful()).MinBy(h => h.TimeS);
            if (branchAt is { } at)
            {
                var period = EpisodeBranch.PeriodAt(recorded.Trajectory, at, behaviour);
                try
                {
                    var outcome = await Branch(period, behaviour);
                    await output.WriteLineAsync(Invariant($"branch at t={outcome.TimeS:0.000} s (period {outcome.Period}; asked {at:0.###} s), then {behaviour.ToString().ToLowerInvariant()}, until t={outcome.EndTimeS:0.000} s"));
                    await output.WriteLineAsync($"  recorded: {Verdict(recorded.Record.HarmEvents)}; worst contact force {BranchOutcome.Describe(worst)}");
                    await output.WriteLineAsync($"  branch:   {Verdict(outcome.Harm)}; worst contact force {BranchOutcome.Describe(outcome.WorstContactForce)}");
                    await output.WriteLineAsync(Conclusion(recorded.Record.HarmEvents, outcome));
                    return ExitCodes.Passed;
                }
                finally
                {
                    if (policy?.Policy is IAsyncDisposable disposable) await disposable.DisposeAsync();
                }
            }
            var result = await StopSweep.RunAsync(recorded.Trajectory, p => Branch(p, BranchBehaviour.Hold));
            await output.WriteLineAsync($"stop sweep (hold position from a control period; bisection, {result.Branches} branched episodes):");
            await output.WriteLineAsync(Invariant($"  latest safe stop:     t={result.LatestSafe.TimeS:0.000} s (period {result.LatestSafe.Period}): {Verdict(result.LatestSafe.Harm)}; worst contact force {BranchOutcome.Describe(result.LatestSafe.WorstContactForce)}"));
            await output.WriteLineAsync(Invariant($"  earliest too late:    t={result.EarliestHarmful.TimeS:0.000} s (period {result.EarliestHarmful.Period}): {Verdict(result.EarliestHarmful.Harm)}; worst contact force {BranchOutcome.Describe(result.EarliestHarmful.WorstContactForce)}"));
            if (firstViolation is not null)
            {
                await output.WriteLineAsync(Invariant($"  the recorded episode's first violation is at t={firstViolation.TimeS:0.000} s: holding had to begin at least {firstViolation.TimeS - result.LatestSafe.TimeS:0.000} s before it"));
            }
            return ExitCodes.Passed;
        }
        catch (ReplayMismatchException e)
        {
            await output.WriteLineAsync($"{(branchAt is null && !sweep ? "cannot replay" : "cannot branch")}: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (BridgeCallException e)
        {
            await Console.Error.WriteLineAsync($"testbed: {e.Message}");
            return ExitCodes.Aborted;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode != Grpc.Core.StatusCode.Cancelled)
        {
            // The bridge refused a recorded value (a state of the wrong length, a target out of its checks).
            await output.WriteLineAsync($"cannot replay: the bridge refused the recording: {e.StatusCode}: {e.Status.Detail}");
            return ExitCodes.Failed;
        }
    }

    private static IPolicy SelectPolicy(ParseResult parse, string recordedPolicy)
    {
        var given = parse.GetValue(Policy);
        if (given is null && recordedPolicy != ScriptedTaskPolicy.PolicyName)
        {
            throw new UsageException($"--then policy: the episode's policy '{recordedPolicy}' is a policy server; give --policy URI (and --policy-config FILE) to ask it again");
        }
        try
        {
            return PolicySelection.Parse(given ?? recordedPolicy, parse.GetValue(PolicyConfig)).Create();
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static string Verdict(IReadOnlyList<HarmEvent> harm)
    {
        var violations = harm.Count(h => h.Severity.IsHarmful());
        return violations == 0 ? "no violation" : $"{violations} violation(s)";
    }

    private static string Conclusion(IReadOnlyList<HarmEvent> recorded, BranchOutcome branch)
    {
        var before = recorded.Any(h => h.Severity.IsHarmful());
        return (before, branch.Harmful) switch
        {
            (true, false) => "the harm is avoided",
            (true, true) => "the harm still happens",
            (false, true) => "the branch causes harm the recorded episode did not",
            _ => "neither the recorded episode nor the branch violates a limit",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
