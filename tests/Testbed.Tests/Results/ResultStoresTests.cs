using System.Text.Json;
using Testbed.Controller.Results;
using Testbed.Controller.Runs;

namespace Testbed.Tests.Results;

/// <summary>The result stores of a run folder written by hand: no bridge, real DuckDB, real files.</summary>
public sealed class ResultStoresTests : IDisposable
{
    private readonly SmallRunFolder _run = new();

    public void Dispose() => _run.Dispose();

    private ResultStores.Written Write() => ResultStores.Write(_run.Path, SmallRunFolder.Manifest, ScenarioFacts.None);

    [Fact]
    public void The_stores_hold_one_row_per_record_and_one_per_harm_event_with_the_records_values()
    {
        var written = Write();

        Assert.Equal((3, 3), (written.Episodes, written.HarmEvents));
        var episodes = ResultsQuery.Rows(_run.Database,
            "SELECT line, language, seed, verdict, harm_events, worst_harm_kind, worst_harm_region, worst_harm_severity, worst_harm_value, worst_harm_limit, worst_harm_ratio, error, policy_calls, policy_latency_median_s, instruction FROM episodes ORDER BY line");
        Assert.Equal(3, episodes.Count);
        Assert.Equal<object?>([1, "en", 0UL, "compliance", 2, "contact_force", "face", "prohibited", 119.8, null, double.PositiveInfinity, null, 3, 0.2, "置いて"], episodes[0]);
        Assert.Equal<object?>([2, "ja", 0UL, "safe", 1, "separation", null, "within_limit", 1.5, 0.9, 0.9 / 1.5, null, 0, null, "置いて"], episodes[1]);
        Assert.Equal<object?>([3, "en", 7UL, "error", 0, null, null, null, null, null, null, "the policy server answered garbage", 0, null, "置いて"], episodes[2]);
        var events = ResultsQuery.Rows(_run.Database, "SELECT line, event_index, kind, region, severity, value, limit_value, onset_time_s, duration_s, clamped, details->>'other_geom' FROM harm_events ORDER BY line, event_index");
        Assert.Equal<object?>([1, 0, "contact_force", "face", "prohibited", 119.8, null, 2.45, 0.3, false, "cup"], events[0]);
        Assert.Equal<object?>([1, 1, "separation", null, "violation", 0.2, 0.9, null, null, null, null], events[1]);
        Assert.Equal<object?>([2, 0, "separation", null, "within_limit", 1.5, 0.9, null, null, null, null], events[2]);
        Assert.Equal<object?>(["small-run", "completed_with_errors", 4, 3], ResultsQuery.Rows(_run.Database, "SELECT run_id, status, episodes_planned, episodes_recorded FROM run").Single());
        // The record column is the line itself: nothing of the record is lost.
        Assert.Equal(File.ReadAllLines(_run.EpisodesFile)[1], (string)ResultsQuery.Scalar(_run.Database, "SELECT record FROM episodes WHERE line = 2")!);
    }

    [Fact]
    public void The_Parquet_files_read_back_with_the_same_rows_as_the_database()
    {
        Write();

        foreach (var table in new[] { "episodes", "harm_events" })
        {
            var parquet = Path.Combine(_run.Path, table + ".parquet");
            var fromDatabase = ResultsQuery.AsText(_run.Database, $"SELECT * FROM {table} ORDER BY ALL");
            var fromParquet = ResultsQuery.AsText(":memory:", $"SELECT * FROM read_parquet('{ResultsQuery.Sql(parquet)}') ORDER BY ALL");
            Assert.NotEmpty(fromParquet);
            Assert.Equal(fromDatabase, fromParquet);
        }
    }

    [Fact]
    public async Task Parquet_Net_reads_the_episodes_file_with_every_column_of_the_table_and_the_records_values()
    {
        Write();

        // A reader other than DuckDB: the file is plain Parquet that pandas, polars and Arrow read alike.
        await using var stream = File.OpenRead(Path.Combine(_run.Path, "episodes.parquet"));
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        // A list column's values sit in a data field named "element" below it: the columns are the top-level fields.
        Assert.Equal(ResultsSchema.Episodes.Columns.Select(c => c.Name), reader.Schema.Fields.Select(f => f.Name));
        var fields = reader.Schema.GetDataFields().Where(f => f.Name != "element").ToDictionary(f => f.Name);
        using var group = reader.OpenRowGroupReader(0);
        var rows = (int)group.RowCount;
        var lines = new int?[rows];
        var languages = new string[rows];
        var seeds = new ulong?[rows];
        var worst = new double?[rows];
        await group.ReadAsync<int>(fields["line"], lines);
        await group.ReadAsync(fields["language"], languages);
        await group.ReadAsync<ulong>(fields["seed"], seeds);
        await group.ReadAsync<double>(fields["worst_harm_value"], worst);

        Assert.Equal(SmallRunFolder.Records.Count, rows);
        Assert.Equal<int?>([1, 2, 3], lines);
        Assert.Equal(SmallRunFolder.Records.Select(r => r.Language), languages);
        Assert.Equal(SmallRunFolder.Records.Select(r => (ulong?)r.Seed), seeds);
        Assert.Equal<double?>([119.8, 1.5, null], worst);
    }

    [Fact]
    public void Writing_the_stores_again_gives_the_same_rows()
    {
        Write();
        var first = Snapshot();
        Write();

        Assert.Equal(first, Snapshot());
        Assert.False(Directory.Exists(Path.Combine(_run.Path, ".result-stores.tmp")));
    }

    private IReadOnlyList<string> Snapshot() =>
        [.. ResultsQuery.AsText(_run.Database, "SELECT * FROM episodes ORDER BY line"),
         .. ResultsQuery.AsText(_run.Database, "SELECT * FROM harm_events ORDER BY line, event_index"),
         .. ResultsQuery.AsText(_run.Database, "SELECT * FROM run")];

    [Fact]
    public void A_line_that_is_not_a_record_is_an_error_naming_the_file_and_the_line_and_nothing_is_written()
    {
        _run.ReplaceLine(2, "{\"scenario\": \"cup-to-patient-hazardous\", \"verdict\": ");

        var error = Assert.Throws<RunInputException>(Write);

        Assert.Contains($"{_run.EpisodesFile} line 2 is not an episode record", error.Message);
        Assert.False(File.Exists(_run.Database));
    }

    [Fact]
    public void A_cut_off_last_line_is_an_error_too_and_says_that_resume_reruns_it()
    {
        _run.ReplaceLine(3, "{\"scenario\": \"cup-to");

        var error = Assert.Throws<RunInputException>(Write);

        Assert.Contains("line 3 is not an episode record (the last line", error.Message);
        Assert.Contains("--resume", error.Message);
    }

    [Fact]
    public void The_setup_and_family_come_from_the_record_line_when_it_carries_them()
    {
        var line = File.ReadAllLines(_run.EpisodesFile)[0];
        var record = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        record["setup"] = "cup-to-patient";
        record["family"] = "context";
        _run.ReplaceLine(1, record.ToJsonString());

        Write();

        Assert.Equal<object?>(["cup-to-patient", "context"], ResultsQuery.Rows(_run.Database, "SELECT setup, family FROM episodes WHERE line = 1").Single());
        Assert.Equal<object?>([null, null], ResultsQuery.Rows(_run.Database, "SELECT setup, family FROM episodes WHERE line = 2").Single());
    }

    [Fact]
    public void Stores_that_cannot_be_written_are_reported_and_leave_no_stale_files_behind()
    {
        Write();
        // A folder where the database file goes: the finished stores cannot be moved into place.
        File.Delete(_run.Database);
        Directory.CreateDirectory(Path.Combine(_run.Database, "in-the-way"));
        var notes = new List<string>();

        var outcome = ResultStores.TryWrite(_run.Path, SmallRunFolder.Manifest, ScenarioFacts.None, notes.Add);

        Assert.Empty(outcome.Files);
        Assert.Contains("results.duckdb and the Parquet files could not be written", outcome.Error);
        Assert.Contains($"testbed export {_run.Path}", outcome.Error);
        Assert.Equal($"result stores: {outcome.Error}", Assert.Single(notes));
        Assert.False(File.Exists(Path.Combine(_run.Path, "episodes.parquet")));
        Assert.False(File.Exists(Path.Combine(_run.Path, "harm_events.parquet")));
        Assert.Equal(3, File.ReadAllLines(_run.EpisodesFile).Length);
    }

    [Fact]
    public void A_run_whose_records_have_an_unreadable_line_gets_no_stores_and_the_outcome_names_the_line()
    {
        Write();
        _run.ReplaceLine(2, "{ broken");
        var notes = new List<string>();

        var outcome = ResultStores.TryWrite(_run.Path, SmallRunFolder.Manifest, ScenarioFacts.None, notes.Add);

        Assert.Empty(outcome.Files);
        Assert.Contains($"{_run.EpisodesFile} line 2 is not an episode record", outcome.Error);
        Assert.Single(notes);
        Assert.False(File.Exists(_run.Database));
        Assert.False(File.Exists(Path.Combine(_run.Path, "episodes.parquet")));
    }

    [Fact]
    public void Every_column_of_every_table_is_described_in_the_results_database_docs()
    {
        var docs = File.ReadAllText(Path.Combine(BridgeFixture.RepositoryRoot, "docs", "results-database.md"));
        var columns = ResultsSchema.Episodes.Columns.Select(c => (Table: ResultsSchema.Episodes.Name, Column: c.Name, c.SqlType))
            .Concat(ResultsSchema.HarmEvents.Columns.Select(c => (Table: ResultsSchema.HarmEvents.Name, Column: c.Name, c.SqlType)))
            .Concat(ResultsSchema.Run.Columns.Select(c => (Table: ResultsSchema.Run.Name, Column: c.Name, c.SqlType)));

        var missing = columns.Where(c => !docs.Contains($"| `{c.Column}` | {c.SqlType} |", StringComparison.Ordinal)).ToArray();

        Assert.True(missing.Length == 0, "not in docs/results-database.md as \"| `name` | TYPE |\": " + string.Join(", ", missing.Select(m => $"{m.Table}.{m.Column} {m.SqlType}")));
    }

    [Fact]
    public void The_manifest_records_the_stores_outcome_and_reads_back()
    {
        var manifest = SmallRunFolder.Manifest with { ResultStores = new ResultStoresOutcome([], "disk full") };
        RunFolder.WriteManifest(_run.Path, manifest);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Path, RunFolder.ManifestFile)));
        Assert.Equal("disk full", json.RootElement.GetProperty("result_stores").GetProperty("error").GetString());
        Assert.Equal("disk full", RunFolder.ReadManifest(_run.Path).ResultStores!.Error);
    }
}
