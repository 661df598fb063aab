using System.Text.Json;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Results;

/// <summary>One episode of episodes.jsonl as the results tables see it: the record, where its line is, and what the
/// tables add to it (its worst harm, its scenario's set-up and family).</summary>
public sealed record EpisodeRow(string RunId, int Line, RecordedEpisode Episode, string? Setup, string? Family)
{
    public HarmEvent? WorstHarm { get; } = VerdictRule.WorstHarm(Episode.Record.HarmEvents);

    /// <summary>The row of a record: the set-up and family from the record line where it carries them (records of later
    /// versions may), else from the scenario files of the run's corpus.</summary>
    public static EpisodeRow Of(string runId, int line, RecordedEpisode episode, IReadOnlyDictionary<string, ScenarioFacts> facts)
    {
        facts.TryGetValue(episode.Record.Scenario, out var known);
        string? setup = null, family = null;
        using (var document = JsonDocument.Parse(episode.Line))
        {
            setup = Text(document.RootElement, "setup");
            family = Text(document.RootElement, "family");
        }
        return new EpisodeRow(runId, line, episode, setup ?? known?.Setup, family ?? known?.Family);
    }

    private static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One harm event of one episode: the <paramref name="Index"/>-th of its record's harm_events.</summary>
public sealed record HarmEventRow(EpisodeRow Episode, int Index, HarmEvent Event);
