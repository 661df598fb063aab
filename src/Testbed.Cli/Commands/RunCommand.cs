using System.CommandLine;
using System.Diagnostics;
using Testbed.Controller.Bridge;
using Testbed.CorpusValidation;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Statistics;
using Testbed.Domain.Verdicts;

namespace Testbed.Cli.Commands;

/// <summary>`testbed run`: turns options into a plan, hands it to the controller's <see cref="RunExecutor"/>,
/// prints what it returns and decides the exit code.</summary>
public static class RunCommand
{
    private static readonly Option<string[]> Scenario = OptionValues.List("--scenario", "scenario ids (default: all)", "ID,…");
    private static readonly Option<string[]> Site = OptionValues.List("--site", "sites (default: all)", "NAME,…");
    private static readonly Option<string[]> Family = OptionValues.List("--family", $"scenario families: {ScenarioFamilies.KnownIds} (default: all)", "NAME,…");
    private static readonly Option<string[]> Language = OptionValues.List("--language", "BCP 47 language tags, e.g. en,ja,zh-Hans, or all: every language of the corpus (default: the languages sim-scenes/languages.json marks default_run)", "TAG,…|all");
    private static readonly Option<string[]> Policy = PolicyOption();
    private static readonly Option<string> PolicyConfigFile = new("--policy-config")
    {
        Description = "JSON settings for a policy server: action_convention, actions_per_query, cameras, image_width, image_height, prompt_template, normalisation, call_timeout_s, tls, retries (README: Bring your own policy)",
        HelpName = "FILE",
    };
    private static readonly Option<ulong[]> Seed = OptionValues.Seeds();
    private static readonly Option<string> Latency = new Option<string>("--latency")
    {
        Description = "wait: the simulation pauses while a policy server thinks (its latency is recorded); real: it runs on, holding the last targets, for each call's latency rounded up to whole control periods",
        DefaultValueFactory = _ => PolicyLatencyModeIds.Wait,
    }.AcceptOnlyFromAmong(PolicyLatencyModeIds.Wait, PolicyLatencyModeIds.Real);
    private static readonly Option<string> Bridge = new("--bridge") { Description = "use the running bridge at ADDRESS (host:port) instead of starting one bridge process per worker", HelpName = "ADDRESS" };
    private static readonly Option<string> Out = new("--out") { Description = "where run folders go (default: runs/)", HelpName = "DIR" };
    private static readonly Option<string> Scenes = new("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };
    private static readonly Option<double> Noise = OptionValues.Double("--initial-noise", "standard deviation of the seeded joint-position noise at reset, rad or m", 0.001, 0, 1);
    private static readonly Option<double> CallTimeout = OptionValues.Double("--call-timeout", "least time a bridge call may take before the bridge counts as hung; step calls get 10 s more per simulated second", 30, 0.1, 3600, "SECONDS");
    private static readonly Option<int> Workers = OptionValues.Int("--workers", "episodes at once, one bridge process each (default: the number of cores)", Environment.ProcessorCount, 1, 256);
    private static readonly Option<RunShard?> Shard = new("--shard")
    {
        Description = "run only shard K of N of the plan (K from 0 to N-1, as Slurm array and Kubernetes completion indexes count)",
        HelpName = "K/N",
        CustomParser = result =>
        {
            var shard = RunShard.TryParse(result.Tokens.Single().Value, out var problem);
            if (shard is null) result.AddError($"--shard {problem}");
            return shard;
        },
    };
    private static readonly Option<string> Resume = new("--resume") { Description = "continue the run in RUN_DIR: skips recorded episodes, re-runs cut-off ones; refuses a different plan", HelpName = "RUN_DIR" };
    private static readonly Option<bool> RetryErrors = new("--retry-errors") { Description = "with --resume, also re-run episodes recorded as error" };
    private static readonly Option<bool> AllowErrors = new("--allow-errors") { Description = "error episodes alone do not make the exit code 1" };
    private static readonly Option<int> MaxBridgeFailures = OptionValues.Int("--max-bridge-failures", "episodes in a row the bridge may fail before the run aborts (exit 3)", 3, 1, 1000);
    private static readonly Option<int> BridgeRetries = OptionValues.Int("--bridge-retries", "re-runs (from reset) of an episode the bridge cut short", 1, 0, 10);
    private static readonly Option<string> JUnit = new("--junit") { Description = "also write JUnit XML: one test case per scenario x language x policy", HelpName = "FILE" };
    private static readonly Option<FailCondition[]> FailIf = new("--fail-if")
    {
        Description = "exit 1 when the threshold holds, e.g. 'error > 0', 'rate(compliance, language=ja) > 0.2'; harmful = compliance + partial (repeatable)",
        HelpName = "EXPR",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            var conditions = new List<FailCondition>();
            foreach (var token in result.Tokens)
            {
                try
                {
                    conditions.Add(FailCondition.Parse(token.Value));
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                }
            }
            return [.. conditions];
        },
    };
    private static readonly Option<string> Baseline = new("--baseline") { Description = "compare with the run in RUN_DIR: list episodes whose verdict or worst harm changed; a changed verdict exits 1", HelpName = "RUN_DIR" };
    private static readonly Option<string> Progress = new Option<string>("--progress") { Description = "bar (terminal), lines, or auto: a bar when stdout is a terminal", DefaultValueFactory = _ => "auto" }
        .AcceptOnlyFromAmong("auto", "bar", "lines");

    public static Command Create()
    {

        var command = new Command("run", """
            Runs every selected scenario in every selected language and seed and writes a run folder:
            DIR/<run-id>/manifest.json and episodes.jsonl. Without --bridge, each worker starts its own MuJoCo bridge process.
            Exit codes: 0 every planned episode reached a verdict and no --fail-if tripped; 1 a --fail-if tripped, a --baseline
            verdict changed, or an episode is an error (unless --allow-errors); 2 usage or input error (nothing ran);
            3 aborted (bridge unreachable, crashed or hung); 130 interrupted.
            """)
        {
            Scenario, Site, Family, Language, Policy, PolicyConfigFile, Latency, Seed, Bridge, Out, Scenes, Noise, CallTimeout, Workers, Shard, Resume, RetryErrors, AllowErrors,
            MaxBridgeFailures, BridgeRetries, JUnit, FailIf, Baseline, Progress,
        };
        command.SetAction((parse, cancel) => RunAsync(parse, Console.Out, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter output, CancellationToken cancel)
    {
        var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(Scenes));
        var corpus = ScenarioCorpus.Load(scenesRoot);
        var resume = parse.GetValue(Resume);
        var manifest = resume is null ? null : RunFolder.ReadManifest(resume);
        if (parse.GetValue(RetryErrors) && resume is null) throw new UsageException("--retry-errors needs --resume RUN_DIR");
        var policies = SelectPolicies(parse, manifest);

        // Resuming, what the command line leaves out comes from the run's manifest; what it gives must match.
        IReadOnlyCollection<string>? Pick(Option<string[]> option, IReadOnlyList<string>? recorded) =>
            parse.Given(option) ? parse.GetValue(option) : recorded;
        var selection = corpus.Select(
            Pick(Scenario, manifest?.Scenarios), parse.Given(Site) ? parse.GetValue(Site) : null, SelectLanguages(parse, manifest, scenesRoot),
            parse.Given(Family) ? parse.GetValue(Family) : null);
        var plan = RunPlan.Create(corpus, selection, policies.Select(p => p.Name).ToArray(),
            parse.Given(Seed) ? parse.GetValue(Seed)! : manifest?.Seeds ?? [0],
            parse.Given(Noise) || manifest is null ? parse.GetValue(Noise) : manifest.InitialQposNoise,
            parse.Given(Shard) || manifest?.Shard is null ? parse.GetValue(Shard) : RunShard.TryParse(manifest.Shard, out _));
        var failIf = parse.GetValue(FailIf) ?? [];
        var baseline = parse.GetValue(Baseline) is { } baselineDir ? RunFolder.ReadEpisodes(RequireRun(baselineDir, "--baseline")) : null;

        var source = parse.GetValue(Bridge) is { } address
            ? BridgeSource.Remote(address, TimeSpan.FromSeconds(10))
            : BridgeSource.ChildProcesses(BridgeProcessCommand.ForTestbed(typeof(RunCommand).Assembly.Location, scenesRoot));
        var settings = new RunSettings
        {
            Workers = parse.GetValue(Workers), Deadlines = CallDeadlines.FromFloor(TimeSpan.FromSeconds(parse.GetValue(CallTimeout))),
            MaxConsecutiveBridgeFailures = parse.GetValue(MaxBridgeFailures), BridgeRetries = parse.GetValue(BridgeRetries),
            RetryErrors = parse.GetValue(RetryErrors), Policies = name => policies.Single(p => p.Name == name).Create(),
            Latency = PolicyLatencyModeIds.Parse(parse.Given(Latency) || manifest is null ? parse.GetValue(Latency)! : manifest.Latency),
        };
        var provenance = new RunProvenance(["testbed", .. Environment.GetCommandLineArgs().Skip(1)],
            typeof(RunCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", GitCommit(scenesRoot),
            "ISO/TS 15066:2016 Annex A (src/Testbed.Domain/Harm/iso-ts-15066-body-model.json)");

        await output.WriteLineAsync(
            $"testbed run: {selection.Scenarios.Count} scenario(s) x {selection.Languages.Count} language(s) x {plan.Policies.Count} polic{(plan.Policies.Count == 1 ? "y" : "ies")} x {plan.Seeds.Count} seed(s) = {plan.All.Count} episodes"
            + (plan.Shard is null ? "" : $", shard {plan.Shard} of them: {plan.Episodes.Count}") + $", {string.Join(", ", plan.Policies.Select(p => $"'{p}'"))}, {settings.Workers} worker(s)"
            + (source.Embedded ? ", one bridge process each" : $", bridge {parse.GetValue(Bridge)}")
            + (settings.Latency == PolicyLatencyMode.Real ? ", latency real (the simulation runs on while a policy server thinks)" : ""));
        // Each language is compared with English over scenarios x seeds pairs: say when they are too few for a 10-point gap.
        if (selection.Languages.Count > 1 && selection.Languages.Any(l => l.Value == PairedComparison.DefaultReference)
            && PowerCheck.For(selection.Scenarios.Count, plan.Seeds.Count).Warning() is { } few)
        {
            await output.WriteLineAsync(few);
        }
        var useBar = parse.GetValue(Progress) switch { "bar" => true, "lines" => false, _ => !Console.IsOutputRedirected };

        RunSummary summary;
        try
        {
            summary = await RunProgressDisplay.WithAsync(useBar, output, async progress =>
            {
                var executor = new RunExecutor(source, BodyModel.LoadIsoTs15066(), settings, progress);
                return resume is null
                    ? await executor.RunAsync(plan, parse.GetValue(Out) ?? Path.Combine(Environment.CurrentDirectory, "runs"), provenance, cancel)
                    : await executor.ResumeAsync(plan, resume, provenance, cancel);
            });
        }
        catch (RunAbortedException e)
        {
            await Console.Error.WriteLineAsync($"testbed: aborted before any episode ran: {e.Message}");
            return ExitCodes.Aborted;
        }

        var records = summary.Episodes.Select(e => e.Record).ToArray();
        await output.WriteLineAsync();
        await output.WriteLineAsync(SummaryTable.Render(records, selection.Scenarios.Select(s => s.Id).ToArray(), selection.Languages.Select(l => l.Value).ToArray()));
        var counts = records.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key.ToId()} {g.Count()}");
        await output.WriteLineAsync($"{records.Length} of {summary.EpisodesPlanned} episodes: {string.Join(", ", counts)}");
        if (records.Length > 0)
        {
            var statistics = RunStatistics.Of(records);
            await output.WriteLineAsync(AttackSuccessTable.Render(statistics));
            var file = RunStatistics.Write(summary.Folder, statistics, PowerCheck.For(selection.Scenarios.Count, plan.Seeds.Count), records.Length);
            await output.WriteLineAsync($"statistics: {file}");
        }
        RunReport.WriteAfterRun(summary.Folder, output);

        var checksFailed = false;
        if (parse.GetValue(JUnit) is { } junit)
        {
            JUnitReport.Write(junit, Path.GetFileName(summary.Folder), records);
            await output.WriteLineAsync($"junit: {Path.GetFullPath(junit)}");
        }
        foreach (var condition in failIf)
        {
            var result = condition.Evaluate(records);
            checksFailed |= result.Tripped;
            await output.WriteLineAsync(result.Description);
        }
        if (baseline is not null)
        {
            var comparison = RunComparison.Compare(baseline, summary.Episodes);
            await output.WriteLineAsync($"against baseline {parse.GetValue(Baseline)}:");
            foreach (var line in comparison.Lines()) await output.WriteLineAsync(line);
            checksFailed |= comparison.VerdictsChanged;
        }
        await output.WriteLineAsync($"run folder: {summary.Folder}");
        await output.WriteLineAsync($"status: {summary.Status}{(summary.AbortReason is null ? "" : $": {summary.AbortReason}")}");
        if (summary.Status is RunStatus.Aborted or RunStatus.Interrupted)
        {
            await output.WriteLineAsync($"continue it with: testbed run --resume {summary.Folder}");
        }
        return summary.ExitCode(parse.GetValue(AllowErrors), checksFailed);
    }

    /// <summary>--language as given ("all": every language of the corpus); resuming without it, the run's own; else the
    /// languages the corpus marks for the default run, so a plain run stays the experiment's size as translations grow.</summary>
    private static IReadOnlyCollection<string>? SelectLanguages(ParseResult parse, RunManifest? manifest, string scenesRoot)
    {
        if (parse.Given(Language))
        {
            var given = parse.GetValue(Language)!;
            return given is ["all"] ? null : given;
        }

        if (manifest is not null) return manifest.Languages;
        return File.Exists(Path.Combine(scenesRoot, CorpusLanguages.FileName))
            ? CorpusLanguages.Load(scenesRoot).DefaultRun.Select(l => l.Value).ToArray()
            : null;
    }

    private static Option<string[]> PolicyOption()
    {
        var option = new Option<string[]>("--policy")
        {
            Description = $"a policy under test, repeatable (each runs every episode of the plan): {string.Join(", ", PolicyAddress.Forms)} (built in, or a policy server by URI); default: the five built-in control policies",
            DefaultValueFactory = _ => [.. PolicyCatalog.Names], HelpName = "NAME|URI",
        };
        option.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                try
                {
                    PolicyAddress.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        return option;
    }

    /// <summary>The policies from --policy (and --policy-config, which applies to the one policy server given);
    /// resuming without --policy, the run's own (built-in ones only: a server's URI and config file are not in the
    /// manifest, only its name and the config's hash).</summary>
    private static IReadOnlyList<PolicySelection> SelectPolicies(ParseResult parse, RunManifest? manifest)
    {
        IReadOnlyList<string> texts;
        if (parse.Given(Policy) || manifest is null) texts = parse.GetValue(Policy)!;
        else if (manifest.Policies.FirstOrDefault(p => !PolicyCatalog.IsBuiltIn(p)) is { } server)
        {
            throw new UsageException($"--resume: the run's policies include the server '{server}'; give every --policy (and --policy-config FILE if it had one) again");
        }
        else texts = manifest.Policies;

        if (texts.Distinct(StringComparer.Ordinal).Count() != texts.Count)
        {
            throw new UsageException($"--policy names a policy twice ({string.Join(", ", texts)}); expected each policy once");
        }

        var config = parse.GetValue(PolicyConfigFile);
        var servers = texts.Count(t => PolicyAddress.Parse(t).Protocol != PolicyProtocol.BuiltIn);
        if (config is not null && servers != 1)
        {
            throw new UsageException($"--policy-config '{config}' applies to one policy server; this run names {servers}. Run each server with its config in its own run, or give one server");
        }

        try
        {
            return texts.Select(t => PolicySelection.Parse(t, PolicyAddress.Parse(t).Protocol == PolicyProtocol.BuiltIn ? null : config)).ToArray();
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static string RequireRun(string folder, string option)
    {
        if (!Directory.Exists(folder)) throw new UsageException($"{option} '{folder}' does not exist; expected a run folder (with manifest.json)");
        _ = RunFolder.ReadManifest(folder); // not a run folder: an error naming it, not an empty comparison
        return folder;
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
