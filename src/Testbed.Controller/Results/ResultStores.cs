using System.Diagnostics;
using System.Text.Json.Serialization;
using DuckDB.NET.Data;
using Testbed.Controller.Runs;

namespace Testbed.Controller.Results;

/// <summary>The manifest's <c>result_stores</c>: the files written from episodes.jsonl, or why they could not be.</summary>
/// <param name="Files">The store files in the run folder; empty when they could not be written.</param>
/// <param name="Error">Why they could not be written; null when they were.</param>
public sealed record ResultStoresOutcome(
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>
/// The run folder's analytical copies of episodes.jsonl: results.duckdb (tables episodes, harm_events, run) and
/// episodes.parquet and harm_events.parquet (DuckDB's COPY … FORMAT PARQUET of the first two). They are always rebuilt
/// whole from episodes.jsonl, the source of truth, so a run, a merge and `testbed export` give the same stores. They
/// are written into a scratch folder and moved into place; when that fails, the old stores are removed too, so the
/// folder never holds stores that disagree with its episodes.
/// </summary>
public static class ResultStores
{
    public const string DatabaseFile = "results.duckdb";
    public const string EpisodesParquetFile = "episodes.parquet";
    public const string HarmEventsParquetFile = "harm_events.parquet";
    private const string ScratchFolder = ".result-stores.tmp";

    public static IReadOnlyList<string> Files { get; } = [DatabaseFile, EpisodesParquetFile, HarmEventsParquetFile];

    /// <summary>What a write produced: the outcome for the manifest, the rows written and the time it took.</summary>
    public sealed record Written(ResultStoresOutcome Outcome, int Episodes, int HarmEvents, TimeSpan Elapsed);

    /// <summary>Writes the stores of the run in <paramref name="folder"/> and never throws: a run must not be lost to
    /// its stores. The outcome goes into the manifest; a failure is also told to <paramref name="note"/>.</summary>
    public static ResultStoresOutcome TryWrite(string folder, RunManifest manifest, IReadOnlyDictionary<string, ScenarioFacts> facts, Action<string> note)
    {
        try
        {
            return Write(folder, manifest, facts).Outcome;
        }
        catch (Exception e)
        {
            // An unreadable line fails before anything is written: stores of an earlier write go too.
            foreach (var file in Files) TryDelete(Path.Combine(folder, file));
            var error = e is RunInputException
                ? $"{DatabaseFile} and the Parquet files could not be written: {e.Message}; once that line is mended, `testbed export {folder}` writes them"
                : $"{DatabaseFile} and the Parquet files could not be written ({e.GetType().Name}: {e.Message}); episodes.jsonl is complete: `testbed export {folder}` writes them again";
            note($"result stores: {error}");
            return new ResultStoresOutcome([], error);
        }
    }

    /// <summary>Writes the stores from episodes.jsonl and the manifest.</summary>
    /// <exception cref="RunInputException">A line of episodes.jsonl is not a record (nothing is written).</exception>
    public static Written Write(string folder, RunManifest manifest, IReadOnlyDictionary<string, ScenarioFacts> facts)
    {
        var clock = Stopwatch.StartNew();
        var episodes = EpisodeLines.Read(folder).Select(e => EpisodeRow.Of(manifest.RunId, e.Line, e.Episode, facts)).ToArray();
        var harmEvents = episodes.SelectMany(e => e.Episode.Record.HarmEvents.Select((h, i) => new HarmEventRow(e, i, h))).ToArray();
        var scratch = Path.Combine(folder, ScratchFolder);
        try
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            Directory.CreateDirectory(scratch);
            WriteDatabase(scratch, manifest, episodes, harmEvents);
            foreach (var file in Files) File.Move(Path.Combine(scratch, file), Path.Combine(folder, file), overwrite: true);
        }
        catch
        {
            foreach (var file in Files) TryDelete(Path.Combine(folder, file));
            throw;
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        return new Written(new ResultStoresOutcome(Files, null), episodes.Length, harmEvents.Length, clock.Elapsed);
    }

    private static void WriteDatabase(string scratch, RunManifest manifest, IReadOnlyList<EpisodeRow> episodes, IReadOnlyList<HarmEventRow> harmEvents)
    {
        var connectionString = new DuckDBConnectionStringBuilder { DataSource = Path.Combine(scratch, DatabaseFile) }.ToString();
        using var connection = new DuckDBConnection(connectionString);
        connection.Open();
        ResultsSchema.Run.Write(connection, [manifest]);
        ResultsSchema.Episodes.Write(connection, episodes);
        ResultsSchema.HarmEvents.Write(connection, harmEvents);
        foreach (var (table, file) in new[] { (ResultsSchema.Episodes.Name, EpisodesParquetFile), (ResultsSchema.HarmEvents.Name, HarmEventsParquetFile) })
        {
            using var copy = connection.CreateCommand();
            copy.CommandText = $"COPY (SELECT * FROM {table} ORDER BY line{(table == ResultsSchema.HarmEvents.Name ? ", event_index" : "")}) TO '{SqlText(Path.Combine(scratch, file))}' (FORMAT PARQUET, COMPRESSION ZSTD)";
            copy.ExecuteNonQuery();
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "CHECKPOINT";
        checkpoint.ExecuteNonQuery();
    }

    private static string SqlText(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    private static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file)) File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write failed already; that failure is what the manifest reports.
        }
    }
}
