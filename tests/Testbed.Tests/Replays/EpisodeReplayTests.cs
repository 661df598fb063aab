using Parquet;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Controller.Replays;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;
using Testbed.Tests.Runs;

namespace Testbed.Tests.Replays;

/// <summary>Recording, exact replay and counterfactual branches of the scripted harmful warehouse episode, on real
/// bridges and real MuJoCo.</summary>
[Collection(RunCollection.Name)]
public sealed class EpisodeReplayTests(RecordedHarmfulRun run) : IClassFixture<RecordedHarmfulRun>
{
    [Fact]
    public void The_run_records_a_trajectory_of_every_period_within_100_kB_per_simulated_second()
    {
        var record = run.Recorded.Record;
        var trajectory = run.Recorded.Trajectory;
        var bytes = TrajectoryFile.Files.Sum(f => new FileInfo(Path.Combine(run.Recorded.Folder, f)).Length);

        Assert.Equal(Verdict.Compliance, record.Verdict);
        Assert.Equal((int)Math.Round(record.SimTimeS / (trajectory.Header.SubstepsPerPeriod * trajectory.Header.TimestepS)), trajectory.Periods.Count - 1);
        Assert.Equal(record.SimTimeS, trajectory.Periods[^1].State.TimeS);
        Assert.Equal(run.Connection.Capabilities.BridgeBuild, trajectory.Header.Bridge.BridgeBuild);
        Assert.Matches("^[0-9a-f]{64}$", trajectory.Header.Bridge.BridgeBuild);
        Assert.Equal("compliance", trajectory.Header.Verdict);
        Assert.Equal(run.Recorded.Manifest.SceneSha256["warehouse"], trajectory.Header.SceneSha256);
        Assert.Equal(trajectory.Periods.Count - 1, trajectory.Chunks.Sum(c => c.Periods));
        Assert.True(bytes / record.SimTimeS <= 100_000, $"{bytes} bytes for {record.SimTimeS} s");
    }

    [Fact]
    public async Task The_contact_table_holds_the_chest_impact_at_every_physics_step_with_its_limits()
    {
        await using var stream = File.OpenRead(Path.Combine(run.Recorded.Folder, TrajectoryFile.ContactsFile));
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
        using var group = reader.OpenRowGroupReader(0);
        var rows = (int)group.RowCount;
        var regions = new string[rows];
        var forces = new double[rows];
        var limits = new double?[rows];
        await group.ReadAsync(fields["region"], regions);
        await group.ReadAsync<double>(fields["force_n"], forces);
        await group.ReadAsync<double>(fields["limit_transient_n"], limits);

        var chest = run.Recorded.Record.HarmEvents.Single(h => h.Kind == HarmEventKinds.ContactForce && h.Region == "chest");
        var chestRows = Enumerable.Range(0, rows).Where(i => regions[i] == "chest").ToArray();
        Assert.Equal(chest.Value, chestRows.Max(i => forces[i]));
        Assert.All(chestRows, i => Assert.Equal(chest.Limit, limits[i]));
    }

    [Fact]
    public async Task Replaying_the_harmful_episode_is_identical_in_every_control_period()
    {
        var report = await run.ReplayAsync(run.Recorded);

        Assert.True(report.Identical, report.Divergence?.Describe() ?? report.Failure ?? string.Join("; ", report.ChangedFiles));
        Assert.Equal(run.Recorded.Trajectory.Periods.Count - 1, report.PeriodsCompared);
        Assert.Empty(report.Differences);
    }

    [Fact]
    public async Task A_trajectory_file_changed_after_the_run_is_named_and_its_replay_diverges_at_the_changed_value()
    {
        var copy = CopyRun("tampered");
        var recorded = await RecordedTrajectory.LoadAsync(copy, RecordedHarmfulRun.ScenarioId + "-en-oracle-seed0", default);
        var tampered = recorded.Trajectory.Periods[120].State;
        var elbow = recorded.Trajectory.Header.StateLayout.Qpos.ToList().IndexOf("arm_elbow");
        tampered.Qpos[elbow] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(tampered.Qpos[elbow]) + 1);
        var rewritten = Path.Combine(copy, "rewritten");
        await TrajectoryFile.WriteAsync(rewritten, recorded.Trajectory);
        File.Copy(Path.Combine(rewritten, TrajectoryFile.PeriodsFile), Path.Combine(recorded.Folder, TrajectoryFile.PeriodsFile), overwrite: true);

        var report = await run.ReplayAsync(await RecordedTrajectory.LoadAsync(copy, "1", default));

        Assert.False(report.Identical);
        Assert.Contains(report.ChangedFiles, f => f.Contains(TrajectoryFile.PeriodsFile) && f.Contains("was changed after the run wrote it"));
        Assert.NotNull(report.Divergence);
        Assert.Equal(120, report.Divergence.Period);
        Assert.Equal(("qpos", "arm_elbow", 1), (report.Divergence.Field, report.Divergence.Name, report.Divergence.DifferingValues));
    }

    [Fact]
    public async Task A_changed_scene_is_named_and_its_replay_diverges()
    {
        var scenes = RunHarness.CopyOfScenes(Path.Combine(run.Harness.Scratch, "changed-scene"));
        var mjcf = Path.Combine(scenes, "warehouse", "warehouse.xml");
        File.WriteAllText(mjcf, File.ReadAllText(mjcf).Replace("size=\"0.15 0.2 0.1\" mass=\"2\"", "size=\"0.15 0.2 0.1\" mass=\"2.2\"", StringComparison.Ordinal));
        var corpus = ScenarioCorpus.Load(scenes);
        await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = scenes });
        using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));

        var report = await EpisodeReplay.RunAsync(new BridgeCalls(connection.Client, CallDeadlines.Default), BridgeIdentity.Of(connection.Capabilities),
            corpus.Scenes["warehouse"], corpus.SceneHashes["warehouse"], run.Body, run.Recorded, default);

        Assert.False(report.Identical);
        Assert.Contains(report.Differences, d => d.StartsWith("scene 'warehouse' hash", StringComparison.Ordinal));
        Assert.Contains(report.Differences, d => d.StartsWith("scene model", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Differences, d => d.Contains("bridge build", StringComparison.Ordinal));
        Assert.NotNull(report.Divergence);
    }

    [Fact]
    public async Task Holding_position_before_the_contact_removes_the_contact_harm_and_holding_after_it_does_not()
    {
        // What a hold just before the contact takes away is the contact itself: its force, pressure and energy.
        static bool IsContactHarm(HarmEvent h) =>
            h.Severity.IsHarmful() && h.Kind is HarmEventKinds.ContactForce or HarmEventKinds.Pressure or HarmEventKinds.TransferredEnergy;
        var trajectory = run.Recorded.Trajectory;
        var contact = run.Recorded.Record.HarmEvents.Where(IsContactHarm).ToList();
        var first = contact.Min(h => h.Details?.OnsetTimeS ?? h.TimeS);
        var recordedWorst = run.Recorded.Record.HarmEvents.Where(h => h.Kind == HarmEventKinds.ContactForce).Max(h => h.Value);

        var before = await run.BranchAsync(trajectory.PeriodAt(first - 0.3).Period, BranchBehaviour.Hold);
        var after = await run.BranchAsync(trajectory.PeriodAt(first + 0.1).Period, BranchBehaviour.Hold);

        Assert.DoesNotContain(before.Harm, IsContactHarm);
        Assert.Contains(after.Harm, IsContactHarm);
        Assert.Equal(recordedWorst, after.WorstContactForce!.Value);
        Assert.True((before.WorstContactForce?.Value ?? 0) < recordedWorst);
    }

    [Fact]
    public async Task Asking_the_scripted_policy_again_from_a_branch_point_reproduces_the_recorded_harm()
    {
        var period = EpisodeBranch.PeriodAt(run.Recorded.Trajectory, 1.05, BranchBehaviour.Policy);

        var outcome = await run.BranchAsync(period, BranchBehaviour.Policy, new BranchPolicy(new ScriptedTaskPolicy(), run.Scenario, LanguageTag.Parse("en")));

        Assert.Equal(run.Recorded.Trajectory.Chunks.Select(c => c.FirstPeriod - 1).Where(p => p <= 52).Max(), period);
        Assert.Equal(run.Recorded.Record.HarmEvents.Select(h => (h.Kind, h.Region, h.Value)), outcome.Harm.Select(h => (h.Kind, h.Region, h.Value)));
    }

    [Fact]
    public async Task The_stop_sweep_bounds_are_adjacent_periods_that_agree_with_direct_hold_branches()
    {
        var sweep = await StopSweep.RunAsync(run.Recorded.Trajectory, p => run.BranchAsync(p, BranchBehaviour.Hold));
        var safe = await run.BranchAsync(sweep.LatestSafe.Period, BranchBehaviour.Hold);
        var late = await run.BranchAsync(sweep.EarliestHarmful.Period, BranchBehaviour.Hold);
        var firstViolation = run.Recorded.Record.HarmEvents.Where(h => h.Severity.IsHarmful()).Min(h => h.TimeS);

        Assert.Equal(sweep.LatestSafe.Period + 1, sweep.EarliestHarmful.Period);
        Assert.False(safe.Harmful);
        Assert.True(late.Harmful);
        Assert.True(sweep.LatestSafe.TimeS < firstViolation);
        Assert.InRange(sweep.Branches, 3, 2 + (int)Math.Ceiling(Math.Log2(run.Recorded.Trajectory.Periods.Count)));
    }

    [Fact]
    public async Task The_replay_command_says_identical_with_exit_0_and_refuses_a_line_number_past_the_end_with_exit_2()
    {
        var (exit, stdout, stderr) = await TestbedAsync("replay", run.Folder, "1");
        var (badExit, _, badErr) = await TestbedAsync("replay", run.Folder, "7");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"identical: {run.Recorded.Trajectory.Periods.Count - 1} of {run.Recorded.Trajectory.Periods.Count - 1} control periods bit for bit", stdout);
        Assert.Equal(2, badExit);
        Assert.Contains("EPISODE 7", badErr);
        Assert.Contains("expected a line number from 1 to 1", badErr);
    }

    private string CopyRun(string name)
    {
        var target = Path.Combine(run.Harness.Scratch, name);
        foreach (var file in Directory.EnumerateFiles(run.Folder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(run.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    private static Task<(int Exit, string Out, string Err)> TestbedAsync(params string[] args) => TestbedProgram.RunAsync(args);
}
