using System.Diagnostics;
using System.Text.Json.Nodes;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Runs;

[CollectionDefinition(Name)]
public sealed class RunCollection
{
    /// <summary>Whole runs start bridge processes: one at a time on a small machine.</summary>
    public const string Name = "runs";
}

/// <summary>Whole runs in process against real bridge processes: status, exit code, faults, workers, resume,
/// shards.</summary>
[Collection(RunCollection.Name)]
public sealed class RunExecutorTests : IDisposable
{
    private readonly RunHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Two_workers_and_two_merged_shards_record_the_same_episodes_as_one_worker_apart_from_wall_times()
    {
        var one = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(), _harness.Out("one"), RunHarness.Provenance, default);
        var two = await _harness.Executor(new RunSettings { Workers = 2 }).RunAsync(_harness.Plan(), _harness.Out("two"), RunHarness.Provenance, default);
        var shard0 = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(shard: new RunShard(0, 2)), _harness.Out("shards"), RunHarness.Provenance, default);
        var shard1 = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(shard: new RunShard(1, 2)), _harness.Out("shards"), RunHarness.Provenance, default);
        var merged = RunMerge.Merge([shard0.Folder, shard1.Folder], _harness.Out("merged"));

        Assert.Equal(RunStatus.Completed, one.Status);
        Assert.Equal(ExitCodes.Passed, one.ExitCode(allowErrors: false, checksFailed: false));
        Assert.Equal(10, one.Episodes.Count);
        Assert.Contains(one.Episodes, e => e.Record.Verdict == Verdict.Compliance);
        Assert.Equal(RunHarness.Comparable(one.Folder), RunHarness.Comparable(two.Folder));
        Assert.Equal(5, shard0.Episodes.Count);
        Assert.Equal(RunStatus.Completed, merged.Status);
        Assert.Empty(merged.Missing);
        Assert.Empty(merged.Duplicates);
        Assert.Equal(RunHarness.Comparable(one.Folder), RunHarness.Comparable(merged.Folder));
        // The merged run's statistics cover every shard's episodes.
        using (var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(merged.Folder, RunStatistics.SummaryFile))))
        {
            Assert.Equal(10, summary.RootElement.GetProperty("episodes").GetInt32());
        }
        var manifest = RunFolder.ReadManifest(two.Folder);
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal(2, manifest.Workers);
        Assert.Equal(one.Episodes.Select(e => e.Key), two.Episodes.Select(e => e.Key));
    }

    [Fact]
    public async Task A_run_in_which_every_episode_fails_ends_completed_with_errors_and_exit_code_1()
    {
        var settings = new RunSettings { Workers = 2, Policies = _ => new FailingPolicy() };
        var summary = await _harness.Executor(settings).RunAsync(_harness.Plan(), _harness.Out("runs"), RunHarness.Provenance, default);

        Assert.Equal(RunStatus.CompletedWithErrors, summary.Status);
        Assert.Equal(RunStatus.CompletedWithErrors, RunFolder.ReadManifest(summary.Folder).Status);
        Assert.All(summary.Episodes, e => Assert.Equal(Verdict.Error, e.Record.Verdict));
        Assert.All(summary.Episodes, e => Assert.Equal(EpisodeErrorSource.Episode, e.Record.ErrorSource));
        Assert.Equal(ExitCodes.Failed, summary.ExitCode(allowErrors: false, checksFailed: false));
        Assert.Equal(ExitCodes.Passed, summary.ExitCode(allowErrors: true, checksFailed: false));
    }

    [Fact]
    public async Task A_person_geom_missing_from_the_MJCF_stops_the_run_before_any_episode_with_an_input_error()
    {
        var scenes = RunHarness.CopyOfScenes(_harness.Scratch);
        // The manifest derives the worker's region geoms from its generator; the MJCF loses one of them.
        var workerPath = Path.Combine(scenes, "warehouse", "worker.xml");
        File.WriteAllText(workerPath, File.ReadAllText(workerPath).Replace("name=\"worker_chest\"", "name=\"worker_chest_renamed\""));
        using var broken = new RunHarness(scenes);

        var error = await Assert.ThrowsAsync<RunInputException>(() =>
            broken.Executor(new RunSettings { Workers = 1 }).RunAsync(broken.Plan(), broken.Out("runs"), RunHarness.Provenance, default));

        Assert.Contains("'worker_chest'", error.Message);
        Assert.Contains("nothing was run", error.Message);
        Assert.False(Directory.Exists(broken.Out("runs")) && Directory.EnumerateFileSystemEntries(broken.Out("runs")).Any());
    }

    [Fact]
    public async Task A_run_that_fails_itself_ends_aborted_with_the_reason_written_last()
    {
        // frames/ taken by a file: the first harm frame cannot be written, a fault of the run, not of an episode.
        var progress = new ObservedRunProgress { OnStarted = folder => File.WriteAllText(Path.Combine(folder, RunFolder.FramesFolder), "in the way") };

        var summary = await _harness.Executor(new RunSettings { Workers = 1 }, progress)
            .RunAsync(_harness.Plan(languages: ["en"], scenarios: ["tote-to-conveyor-worker-in-path"]), _harness.Out("runs"), RunHarness.Provenance, default);

        Assert.Equal(RunStatus.Aborted, summary.Status);
        Assert.Equal(ExitCodes.Aborted, summary.ExitCode(false, false));
        var manifest = RunFolder.ReadManifest(summary.Folder);
        Assert.Equal(RunStatus.Aborted, manifest.Status);
        Assert.StartsWith("the run itself failed: IOException", manifest.AbortReason);
        Assert.NotNull(manifest.FinishedAt);
    }

    [Fact]
    public void A_record_with_a_NaN_measurement_is_written_and_read_back()
    {
        var folder = RunFolder.Create(_harness.Scratch, "nan");
        using (folder)
        {
            folder.Append(new EpisodeRecord
            {
                Scenario = "s", Site = "warehouse", Scene = "warehouse", Language = "en", Instruction = "x", Policy = "oracle", Seed = 0,
                Verdict = Verdict.Error, VerdictReason = "joint displacement is NaN", HarmEvents = [], Error = "joint displacement is NaN",
                MaxJointDisplacement = double.NaN,
            });
        }

        Assert.True(double.IsNaN(Assert.Single(RunFolder.ReadEpisodes(folder.Path)).Record.MaxJointDisplacement));
    }

    [Fact]
    public void A_run_folder_still_being_written_cannot_be_resumed()
    {
        using var live = RunFolder.Create(_harness.Scratch, "live");

        var error = Assert.Throws<RunInputException>(() => RunFolder.Reopen(live.Path, []));

        Assert.Contains("still writing", error.Message);
    }

    [Fact]
    public void A_malformed_MJCF_stops_the_run_when_the_scenes_are_read_with_an_input_error_naming_the_file()
    {
        // Reading a scene resolves every file its MJCF loads, so malformed XML is an input error before any bridge runs.
        var scenes = RunHarness.CopyOfScenes(_harness.Scratch);
        File.WriteAllText(Path.Combine(scenes, "warehouse", "warehouse.xml"), "<mujoco model=\"warehouse\"><worldbody><geom type=\"sphere\"</worldbody></mujoco>");

        var error = Assert.Throws<Testbed.Domain.Input.ScenarioInputException>(() =>
        {
            using var broken = new RunHarness(scenes);
            broken.Plan();
        });

        Assert.Contains("warehouse.xml", error.Message);
        Assert.Contains("not well-formed", error.Message);
    }

    [Fact]
    public async Task A_zero_timestep_stops_the_run_before_any_episode_naming_the_option()
    {
        var scenes = RunHarness.CopyOfScenes(_harness.Scratch);
        var mjcf = Path.Combine(scenes, "warehouse", "warehouse.xml");
        File.WriteAllText(mjcf, File.ReadAllText(mjcf).Replace("<option timestep=\"0.001\"", "<option timestep=\"0\""));
        using var broken = new RunHarness(scenes);

        var error = await Assert.ThrowsAsync<RunInputException>(() =>
            broken.Executor(new RunSettings { Workers = 1 }).RunAsync(broken.Plan(), broken.Out("runs"), RunHarness.Provenance, default));

        Assert.Contains("timestep", error.Message);
        Assert.Contains("warehouse.xml", error.Message);
    }

    [Fact]
    public async Task A_killed_bridge_aborts_the_run_with_status_aborted_and_keeps_the_episodes_recorded_before()
    {
        await using var bridge = await BridgeProcess.StartAsync(BridgeProcessCommand.ForTestbed(RunHarness.TestbedDll, _harness.ScenesRoot), TimeSpan.FromSeconds(60), default);
        var progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 2) Process.GetProcessById(bridge.ProcessId).Kill();
            },
        };
        var settings = new RunSettings { Workers = 1, RetryDelay = TimeSpan.FromMilliseconds(50) };
        var clock = Stopwatch.StartNew();

        var summary = await _harness.Executor(settings, progress, BridgeSource.Remote(bridge.Connection.Address.ToString(), TimeSpan.FromSeconds(10)))
            .RunAsync(_harness.Plan(), _harness.Out("runs"), RunHarness.Provenance, default);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(RunStatus.Aborted, summary.Status);
        Assert.Equal(ExitCodes.Aborted, summary.ExitCode(false, false));
        var manifest = RunFolder.ReadManifest(summary.Folder);
        Assert.Equal(RunStatus.Aborted, manifest.Status);
        Assert.Contains("in a row", manifest.AbortReason);
        Assert.Equal(2, summary.Episodes.Count(e => e.Record.Error is null));
        // Three bridge failures, each tried twice, and nothing more.
        var failed = summary.Episodes.Where(e => e.Record.Error is not null).ToArray();
        Assert.Equal(3, failed.Length);
        Assert.All(failed, e => Assert.Equal(EpisodeErrorSource.Bridge, e.Record.ErrorSource));
        Assert.All(failed, e => Assert.Single(e.Record.FailedAttempts));
    }

    [Fact]
    public async Task A_stopped_bridge_is_reported_as_hung_naming_the_call_and_the_run_aborts_in_bounded_time()
    {
        await using var bridge = await BridgeProcess.StartAsync(BridgeProcessCommand.ForTestbed(RunHarness.TestbedDll, _harness.ScenesRoot), TimeSpan.FromSeconds(60), default);
        var progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 1) Signal("STOP", bridge.ProcessId);
            },
        };
        var settings = new RunSettings { Workers = 1, BridgeRetries = 0, Deadlines = CallDeadlines.FromFloor(TimeSpan.FromSeconds(5)) };
        var clock = Stopwatch.StartNew();
        try
        {
            var summary = await _harness.Executor(settings, progress, BridgeSource.Remote(bridge.Connection.Address.ToString(), TimeSpan.FromSeconds(10)))
                .RunAsync(_harness.Plan(), _harness.Out("runs"), RunHarness.Provenance, default);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
            Assert.Equal(RunStatus.Aborted, summary.Status);
            var hung = summary.Episodes.Where(e => e.Record.Error is not null).ToArray();
            Assert.Equal(3, hung.Length);
            Assert.All(hung, e => Assert.Matches(@"did not answer \w+.* within 5\.0 s; it did not answer a health probe", e.Record.Error));
            Assert.Contains("did not answer", RunFolder.ReadManifest(summary.Folder).AbortReason);
        }
        finally
        {
            Signal("CONT", bridge.ProcessId);
        }
    }

    [Fact]
    public async Task A_bridge_process_killed_by_pid_makes_one_episode_an_error_and_the_run_goes_on_with_a_new_bridge()
    {
        var progress = new ObservedRunProgress();
        progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 1) Process.GetProcessById(progress.BridgeProcesses[0]).Kill();
            },
        };
        var settings = new RunSettings { Workers = 1, BridgeRetries = 0 };

        var summary = await _harness.Executor(settings, progress).RunAsync(_harness.Plan(languages: ["en", "ja", "de"]), _harness.Out("runs"), RunHarness.Provenance, default);

        Assert.Equal(RunStatus.CompletedWithErrors, summary.Status);
        Assert.Equal(6, summary.Episodes.Count);
        var error = Assert.Single(summary.Episodes, e => e.Record.Error is not null);
        Assert.Equal(EpisodeErrorSource.Bridge, error.Record.ErrorSource);
        Assert.Contains("restarted as process", error.Record.Error);
        Assert.Equal(2, progress.BridgeProcesses.Count);
    }

    [Fact]
    public async Task An_episode_cut_short_by_a_bridge_crash_is_run_again_from_reset_and_its_record_keeps_the_failed_attempt()
    {
        var progress = new ObservedRunProgress();
        progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 1) Process.GetProcessById(progress.BridgeProcesses[0]).Kill();
            },
        };
        var settings = new RunSettings { Workers = 1, BridgeRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(50) };

        var summary = await _harness.Executor(settings, progress).RunAsync(_harness.Plan(languages: ["en"]), _harness.Out("runs"), RunHarness.Provenance, default);
        var clean = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(languages: ["en"]), _harness.Out("clean"), RunHarness.Provenance, default);

        Assert.Equal(RunStatus.Completed, summary.Status);
        var retried = summary.Episodes[1].Record;
        var attempt = Assert.Single(retried.FailedAttempts);
        Assert.Contains("restarted as process", attempt.Error);
        Assert.Null(retried.Error);
        Assert.Equal(clean.Episodes[1].Record.VerdictReason, retried.VerdictReason);
    }

    [Fact]
    public async Task A_bridge_process_that_stops_answering_is_killed_and_replaced_and_the_episode_run_again()
    {
        var progress = new ObservedRunProgress();
        progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 1) Signal("STOP", progress.BridgeProcesses[0]);
            },
        };
        var settings = new RunSettings
        {
            Workers = 1, BridgeRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(50), Deadlines = CallDeadlines.FromFloor(TimeSpan.FromSeconds(5)),
        };
        try
        {
            var summary = await _harness.Executor(settings, progress).RunAsync(_harness.Plan(languages: ["en"]), _harness.Out("runs"), RunHarness.Provenance, default);

            Assert.Equal(RunStatus.Completed, summary.Status);
            var attempt = Assert.Single(summary.Episodes[1].Record.FailedAttempts);
            Assert.Contains("within 5.0 s", attempt.Error);
            Assert.Contains("stopped answering and was killed", attempt.Error);
            Assert.Equal(2, progress.BridgeProcesses.Count);
        }
        finally
        {
            // Whatever the outcome, the stopped process must not linger.
            try
            {
                Process.GetProcessById(progress.BridgeProcesses[0]).Kill();
            }
            catch (ArgumentException)
            {
            }
        }
    }

    [Fact]
    public async Task An_interrupted_run_resumes_to_the_whole_plan_without_duplicates_and_refuses_a_different_plan()
    {
        using var interrupt = new CancellationTokenSource();
        var progress = new ObservedRunProgress
        {
            OnFinished = (_, finished) =>
            {
                if (finished == 3) interrupt.Cancel();
            },
        };
        var plan = _harness.Plan();
        var first = await _harness.Executor(new RunSettings { Workers = 1 }, progress).RunAsync(plan, _harness.Out("runs"), RunHarness.Provenance, interrupt.Token);

        Assert.Equal(RunStatus.Interrupted, first.Status);
        Assert.Equal(ExitCodes.Interrupted, first.ExitCode(false, false));
        Assert.Equal(RunStatus.Interrupted, RunFolder.ReadManifest(first.Folder).Status);
        Assert.InRange(first.Episodes.Count, 3, 4);

        // A record cut off mid-line, as a killed run leaves it: dropped, and its episode runs again.
        var cut = RunFolder.ReadEpisodes(first.Folder).First().Line;
        File.AppendAllText(Path.Combine(first.Folder, RunFolder.EpisodesFile), cut[..(cut.Length / 2)]);

        var different = await Assert.ThrowsAsync<RunInputException>(() =>
            _harness.Executor(new RunSettings { Workers = 2 }).ResumeAsync(_harness.Plan(languages: ["en", "ja"]), first.Folder, RunHarness.Provenance, default));
        Assert.Contains("languages", different.Message);

        var resumed = await _harness.Executor(new RunSettings { Workers = 2 }).ResumeAsync(plan, first.Folder, RunHarness.Provenance, default);

        Assert.Equal(RunStatus.Completed, resumed.Status);
        var keys = RunFolder.ReadEpisodes(first.Folder).Select(e => e.Key).ToArray();
        Assert.Equal(10, keys.Length);
        Assert.Equal(plan.Episodes.Select(e => e.Key.ToString()).Order(), keys.Select(k => k.ToString()).Order());
        var manifest = RunFolder.ReadManifest(first.Folder);
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Single(manifest.ResumedAt);
    }

    [Fact]
    public async Task Merge_refuses_folders_of_different_plans_and_reports_missing_episodes()
    {
        var shard0 = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(languages: ["en"], shard: new RunShard(0, 2)), _harness.Out("a"), RunHarness.Provenance, default);
        var other = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(_harness.Plan(languages: ["ja"], shard: new RunShard(1, 2)), _harness.Out("b"), RunHarness.Provenance, default);

        var refused = Assert.Throws<RunInputException>(() => RunMerge.Merge([shard0.Folder, other.Folder], _harness.Out("merged")));
        Assert.Contains("not from the same plan", refused.Message);

        var partial = RunMerge.Merge([shard0.Folder], _harness.Out("partial"));
        Assert.Equal(RunStatus.Incomplete, partial.Status);
        var missing = Assert.Single(partial.Missing);
        Assert.Equal("tote-to-conveyor-worker-in-path", missing.Scenario);
        Assert.Equal(RunStatus.Incomplete, RunFolder.ReadManifest(partial.Folder).Status);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private sealed class FailingPolicy : IPolicy
    {
        public string Name => "oracle";
        public IReadOnlyList<string> Cameras => [];
        public Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel) => Task.CompletedTask;
        public Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel) =>
            throw new TimeoutException("policy server did not answer within 5 s");
    }
}
