using Testbed.Domain.Scenarios;

namespace Testbed.Controller.Results;

/// <summary>What the results tables take from a scenario file rather than from the record: its set-up and its family.</summary>
/// <param name="Family">The scenario's family; null for a scenario that declares none. Records written since records
/// carry <c>family</c> themselves; these facts fill it in for older ones.</param>
public sealed record ScenarioFacts(string Setup, string? Family)
{
    public static IReadOnlyDictionary<string, ScenarioFacts> None { get; } = new Dictionary<string, ScenarioFacts>();

    /// <summary>The facts of every scenario of <paramref name="corpus"/> when it is the corpus the run used (its
    /// content hash is the manifest's corpus_sha256); none otherwise, since a changed scenario file may have moved a
    /// scenario to another set-up or family.</summary>
    public static IReadOnlyDictionary<string, ScenarioFacts> Of(ScenarioCorpus? corpus, string runCorpusSha256)
    {
        if (corpus is null || corpus.ContentHash != runCorpusSha256) return None;
        return corpus.Scenarios.ToDictionary(s => s.Id, s => new ScenarioFacts(s.SetupId, s.Family?.ToId()));
    }
}
