using System.Globalization;
using Testbed.Controller.Episodes;

namespace Testbed.Controller.Runs;

/// <summary>Whether a run folder can be continued by a plan, and which of its records to keep. A run continues
/// only with exactly what it started with: the same plan, corpus, scenes and options.</summary>
public static class RunResume
{
    /// <summary>Every way the plan differs from what the manifest recorded; empty when it may resume.</summary>
    public static IReadOnlyList<string> Differences(RunManifest manifest, RunPlan plan)
    {
        var differences = new List<string>();
        void Compare<T>(string what, IEnumerable<T> recorded, IEnumerable<T> now)
        {
            var a = recorded.ToArray();
            var b = now.ToArray();
            if (!a.SequenceEqual(b)) differences.Add($"{what}: the run has [{string.Join(", ", a)}], this command [{string.Join(", ", b)}]");
        }
        Compare("scenarios", manifest.Scenarios, plan.Selection.Scenarios.Select(s => s.Id));
        Compare("languages", manifest.Languages, plan.Selection.Languages.Select(l => l.Value));
        Compare("seeds", manifest.Seeds, plan.Seeds);
        Compare("policies", manifest.Policies, plan.Policies);
        if (differences.Count == 0 && manifest.PlanSha256 != plan.Sha256) differences.Add($"plan_sha256: the run has {manifest.PlanSha256}, this command {plan.Sha256}");
        if (manifest.InitialQposNoise != plan.InitialQposNoise)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"--initial-noise: the run has {manifest.InitialQposNoise}, this command {plan.InitialQposNoise}"));
        }
        if (manifest.Shard != plan.Shard?.ToString()) differences.Add($"--shard: the run has {manifest.Shard ?? "none"}, this command {plan.Shard?.ToString() ?? "none"}");
        foreach (var (scene, hash) in plan.SceneSha256)
        {
            if (!manifest.SceneSha256.TryGetValue(scene, out var recorded)) differences.Add($"scene '{scene}' was not in the run");
            else if (recorded != hash) differences.Add($"scene '{scene}' changed since the run started (sha256 {recorded[..12]}… then, {hash[..12]}… now)");
        }
        if (manifest.CorpusSha256 != plan.Corpus.ContentHash)
        {
            differences.Add($"the scene corpus changed since the run started (corpus_sha256 {manifest.CorpusSha256[..12]}… then, {plan.Corpus.ContentHash[..12]}… now)");
        }
        return differences;
    }

    /// <summary>The records a resumed run keeps: those of the plan, once each, except episodes the bridge cut
    /// short (always run again) and, with <paramref name="retryErrors"/>, every error.</summary>
    public static IReadOnlyList<RecordedEpisode> Kept(IReadOnlyList<RecordedEpisode> recorded, RunPlan plan, bool retryErrors)
    {
        var planned = plan.Episodes.Select(e => e.Key).ToHashSet();
        var seen = new HashSet<EpisodeKey>();
        return recorded
            .Where(r => planned.Contains(r.Key))
            .Where(r => r.Record.ErrorSource != EpisodeErrorSource.Bridge)
            .Where(r => !(retryErrors && r.Record.Error is not null))
            .Where(r => seen.Add(r.Key))
            .ToArray();
    }
}
