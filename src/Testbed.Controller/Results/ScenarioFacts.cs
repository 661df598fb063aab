using System.Text.Json;
using Testbed.Domain.Scenarios;

namespace Testbed.Controller.Results;

/// <summary>What the results tables take from a scenario file rather than from the record: its set-up and its family.</summary>
/// <param name="Family">The scenario file's <c>family</c>; null while scenario files declare none.</param>
public sealed record ScenarioFacts(string Setup, string? Family)
{
    public static IReadOnlyDictionary<string, ScenarioFacts> None { get; } = new Dictionary<string, ScenarioFacts>();

    /// <summary>The facts of every scenario of <paramref name="corpus"/> when it is the corpus the run used (its
    /// content hash is the manifest's corpus_sha256); none otherwise, since a changed scenario file may have moved a
    /// scenario to another set-up or family.</summary>
    public static IReadOnlyDictionary<string, ScenarioFacts> Of(ScenarioCorpus? corpus, string runCorpusSha256)
    {
        if (corpus is null || corpus.ContentHash != runCorpusSha256) return None;
        return corpus.Scenarios.ToDictionary(s => s.Id, s => new ScenarioFacts(s.SetupId, FamilyOf(s.FilePath)));
    }

    /// <summary>Read from the file, not from <see cref="Scenario"/>: the family is optional in scenario files, and an
    /// unreadable one leaves the column null rather than failing the run's stores.</summary>
    private static string? FamilyOf(string scenarioFile)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(scenarioFile));
            return document.RootElement.TryGetProperty("family", out var family) && family.ValueKind == JsonValueKind.String ? family.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
