using System.Text.Json.Serialization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Playback;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Viewer;

/// <summary>An episode of the run as the index lists it, with its page (relative to the index) or why it has none.</summary>
public sealed record ViewedEpisode(int Line, EpisodeRecord Record, string? Page, string? NoPageReason);

public sealed record RunViewSummary(string Folder, string Index, IReadOnlyList<ViewedEpisode> Episodes)
{
    public int Pages => Episodes.Count(e => e.Page is not null);
}

/// <summary>
/// `testbed view RUN_DIR`: one self-contained HTML page per recorded episode (the scene drawn from the model the bridge
/// describes, moved through the recorded states) and an index.html listing every episode of the run with filters.
/// </summary>
public static class RunView
{
    public const string DefaultFolder = "view";

    /// <param name="only">Null: every episode with a trajectory; else the line numbers (from 1) to write pages for.</param>
    public static async Task<RunViewSummary> WriteAsync(string runFolder, string outFolder, BridgeCalls bridge, IReadOnlySet<int>? only, TextWriter? progress, CancellationToken cancel)
    {
        var manifest = RunFolder.ReadManifest(runFolder);
        var records = RunFolder.ReadEpisodes(runFolder);
        Directory.CreateDirectory(outFolder);
        var viewed = new List<ViewedEpisode>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i].Record;
            var line = i + 1;
            if (record.Trajectory is null)
            {
                viewed.Add(new ViewedEpisode(line, record, null, "no trajectory was recorded"));
                continue;
            }
            if (only is not null && !only.Contains(line))
            {
                viewed.Add(new ViewedEpisode(line, record, null, "not written this time (testbed view --episode)"));
                continue;
            }
            var name = Path.GetFileName(record.Trajectory.TrimEnd('/')) + ".html";
            try
            {
                var folder = Path.Combine(runFolder, record.Trajectory);
                var trajectory = await TrajectoryFile.ReadAsync(folder, cancel);
                var contacts = await RecordedContacts.ReadAsync(folder, cancel);
                await using var playback = await EpisodePlayback.OpenAsync(bridge, trajectory, cancel);
                var data = await EpisodeViewData.BuildAsync(playback, record, contacts, cancel);
                var title = $"{record.Scenario} · {record.Language} · {record.Policy} · seed {record.Seed}: {data.Episode.Verdict}";
                await File.WriteAllTextAsync(Path.Combine(outFolder, name), ViewerPage.Html(title, ViewerPage.EpisodeScript, "episode-data", data), cancel);
                viewed.Add(new ViewedEpisode(line, record, name, null));
                progress?.WriteLine($"view: {Path.Combine(outFolder, name)}");
            }
            catch (Exception e) when (e is TrajectoryFileException or PlaybackException or BridgeCallException)
            {
                viewed.Add(new ViewedEpisode(line, record, null, e.Message));
                progress?.WriteLine($"view: no page for line {line} ({record.Trajectory}): {e.Message}");
            }
        }
        var index = Path.Combine(outFolder, "index.html");
        var rows = viewed.Select(v => new IndexRow(
            v.Line, v.Record.Scenario, v.Record.Language, v.Record.Policy, v.Record.Seed, v.Record.Verdict.ToId(),
            v.Record.HarmEvents.OrderByDescending(h => h.Severity).ThenByDescending(h => h.LimitRatio).FirstOrDefault(), v.Page, v.NoPageReason)).ToArray();
        var indexData = new IndexData(manifest.RunId, rows.Count(r => r.Page is not null), rows);
        await File.WriteAllTextAsync(index, ViewerPage.Html($"run {manifest.RunId}", ViewerPage.IndexScript, "run-data", indexData), cancel);
        return new RunViewSummary(outFolder, index, viewed);
    }

    private sealed record IndexData(
        [property: JsonPropertyName("run_id")] string RunId,
        [property: JsonPropertyName("viewable")] int Viewable,
        [property: JsonPropertyName("episodes")] IReadOnlyList<IndexRow> Episodes);

    private sealed record IndexRow(
        [property: JsonPropertyName("line")] int Line,
        [property: JsonPropertyName("scenario")] string Scenario,
        [property: JsonPropertyName("language")] string Language,
        [property: JsonPropertyName("policy")] string Policy,
        [property: JsonPropertyName("seed")] ulong Seed,
        [property: JsonPropertyName("verdict")] string Verdict,
        [property: JsonPropertyName("worst_harm")] HarmEvent? WorstHarm,
        [property: JsonPropertyName("page")] string? Page,
        [property: JsonPropertyName("no_page_reason")] string? NoPageReason);
}
