using System.Text.Json;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;
using Testbed.Tests.Runs;

namespace Testbed.Tests.Results;

/// <summary>The result stores of real runs through bridge processes: a run, a merge, a resume whose stores fail,
/// and `testbed export`.</summary>
[Collection(RunCollection.Name)]
public sealed class ResultStoresRunTests : IDisposable
{
    private readonly RunHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_run_writes_a_database_and_Parquet_files_that_match_its_episodes_row_for_row()
    {
        var summary = await _harness.Executor(new RunSettings { Workers = 2 }).RunAsync(_harness.Plan(languages: ["en", "ja"]), _harness.Out("runs"), RunHarness.Provenance, default);
        var database = Path.Combine(summary.Folder, "results.duckdb");

        var lines = File.ReadAllLines(Path.Combine(summary.Folder, RunFolder.EpisodesFile));
        var records = RunFolder.ReadEpisodes(summary.Folder);
        Assert.Equal(4, records.Count);
        Assert.Equal(records.Count, ResultsQuery.Count(database, "SELECT count(*) FROM episodes"));
        var rows = ResultsQuery.Rows(database, "SELECT line, scenario, language, seed, verdict, harm_events, worst_harm_value, setup, variant, record FROM episodes ORDER BY line");
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i].Record;
            Assert.Equal<object?>([i + 1, r.Scenario, r.Language, r.Seed, r.Verdict.ToId(), r.HarmEvents.Count, VerdictRule.WorstHarm(r.HarmEvents)?.Value, "tote-swing", r.Variant, lines[i]], rows[i]);
        }
        Assert.Contains(rows, row => (string)row[4]! == "compliance");
        var events = ResultsQuery.Rows(database, "SELECT line, kind, region, value, severity FROM harm_events ORDER BY line, event_index");
        var expected = records.SelectMany((e, i) => e.Record.HarmEvents.Select(h => new object?[] { i + 1, h.Kind, h.Region, h.Value, h.Severity.ToId() })).ToArray();
        Assert.True(expected.Length > records.Count);
        Assert.Equal(expected.Length, events.Count);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], events[i]);

        foreach (var table in new[] { "episodes", "harm_events" })
        {
            var parquet = Path.Combine(summary.Folder, table + ".parquet");
            Assert.Equal(ResultsQuery.AsText(database, $"SELECT * FROM {table} ORDER BY ALL"),
                ResultsQuery.AsText(":memory:", $"SELECT * FROM read_parquet('{ResultsQuery.Sql(parquet)}') ORDER BY ALL"));
        }
        var manifest = RunFolder.ReadManifest(summary.Folder);
        Assert.Equal<object?>([manifest.RunId, RunStatus.Completed, 4], ResultsQuery.Rows(database, "SELECT run_id, status, episodes_recorded FROM run").Single());
        Assert.Equal(["results.duckdb", "episodes.parquet", "harm_events.parquet"], manifest.ResultStores!.Files);
        Assert.Null(manifest.ResultStores.Error);
    }

    [Fact]
    public async Task A_merge_writes_stores_that_hold_every_shards_episodes_in_plan_order()
    {
        var plan = (RunShard shard) => _harness.Plan(languages: ["en"], shard: shard);
        var shard0 = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(plan(new RunShard(0, 2)), _harness.Out("shards"), RunHarness.Provenance, default);
        var shard1 = await _harness.Executor(new RunSettings { Workers = 1 }).RunAsync(plan(new RunShard(1, 2)), _harness.Out("shards"), RunHarness.Provenance, default);

        var merged = RunMerge.Merge([shard0.Folder, shard1.Folder], _harness.Out("merged"));

        Assert.Null(merged.ResultStoresError);
        var database = Path.Combine(merged.Folder, "results.duckdb");
        Assert.Equal(1, ResultsQuery.Count(Path.Combine(shard0.Folder, "results.duckdb"), "SELECT count(*) FROM episodes"));
        Assert.Equal(
            RunFolder.ReadEpisodes(merged.Folder).Select(e => e.Record.Scenario),
            ResultsQuery.Rows(database, "SELECT scenario FROM episodes ORDER BY line").Select(r => (string)r[0]!));
        Assert.Equal(2, ResultsQuery.Count(database, "SELECT count(*) FROM episodes"));
        Assert.Equal(RunFolder.ReadEpisodes(merged.Folder).Sum(e => e.Record.HarmEvents.Count), ResultsQuery.Count(database, "SELECT count(*) FROM harm_events"));
        Assert.Equal(2, ResultsQuery.Count(database, "SELECT len(merged_from) FROM run"));
        Assert.Equal(2, ResultsQuery.Count(":memory:", $"SELECT count(*) FROM read_parquet('{ResultsQuery.Sql(Path.Combine(merged.Folder, "episodes.parquet"))}')"));
    }

    [Fact]
    public async Task A_run_whose_stores_cannot_be_written_still_completes_and_export_writes_them_afterwards()
    {
        var output = _harness.Out("cli");
        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("run", "--scenario", string.Join(",", RunHarness.ToteSwingScenarios), "--language", "en", "--policy", "oracle",
            "--out", output, "--workers", "1", "--progress", "lines");
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        var folder = Directory.GetDirectories(output).Single();
        var database = Path.Combine(folder, "results.duckdb");
        Assert.Equal(2, ResultsQuery.Count(database, "SELECT count(*) FROM episodes"));

        // Something in the way of the database file: the resume (nothing left to run) cannot write the stores.
        File.Delete(database);
        Directory.CreateDirectory(Path.Combine(database, "in-the-way"));
        (exit, stdout, stderr) = await TestbedProgram.RunAsync("run", "--resume", folder, "--progress", "lines");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("result stores: results.duckdb and the Parquet files could not be written", stdout + stderr);
        var manifest = RunFolder.ReadManifest(folder);
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Contains("could not be written", manifest.ResultStores!.Error);
        Assert.Empty(manifest.ResultStores.Files);
        Assert.Equal(2, RunFolder.ReadEpisodes(folder).Count);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RunStatistics.SummaryFile))))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("episodes").GetInt32());
        }
        Assert.False(File.Exists(Path.Combine(folder, "episodes.parquet")));

        Directory.Delete(database, recursive: true);
        (exit, stdout, stderr) = await TestbedProgram.RunAsync("export", folder);

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("2 episode(s)", stdout);
        Assert.Equal(2, ResultsQuery.Count(database, "SELECT count(*) FROM episodes"));
        Assert.Equal("tote-swing", ResultsQuery.Scalar(database, "SELECT DISTINCT setup FROM episodes"));
        Assert.Null(RunFolder.ReadManifest(folder).ResultStores!.Error);
        Assert.Equal(RunStatus.Completed, RunFolder.ReadManifest(folder).Status);
    }

    [Fact]
    public async Task Export_of_a_folder_with_a_corrupt_line_fails_naming_the_file_and_the_line()
    {
        using var run = new SmallRunFolder();
        run.ReplaceLine(2, "not json");

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("export", run.Path);

        Assert.True(exit == ExitCodes.UsageOrInput, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"{run.EpisodesFile} line 2 is not an episode record", stderr);
        Assert.False(File.Exists(run.Database));
    }
}
