using System.Globalization;
using System.Text.Json.Nodes;
using Testbed.Controller.Episodes;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Reports;

/// <summary>One episode whose outcome differs between two runs.</summary>
public sealed record EpisodeChange(EpisodeKey Key, string Before, string After, bool VerdictChanged);

/// <summary>The episodes of two runs, matched by scenario, language, policy and seed: those whose verdict or
/// worst harm changed (the worst harm's kind, region or severity, or its value by more than
/// <c>tolerance</c> of the larger value), and those only one run has.</summary>
public sealed record RunComparison(IReadOnlyList<EpisodeChange> Changes, IReadOnlyList<EpisodeKey> OnlyInA, IReadOnlyList<EpisodeKey> OnlyInB, int Matched)
{
    public const double DefaultTolerance = 0.01;

    public bool VerdictsChanged => Changes.Any(c => c.VerdictChanged);

    public static RunComparison Compare(IReadOnlyList<RecordedEpisode> a, IReadOnlyList<RecordedEpisode> b, double tolerance = DefaultTolerance)
    {
        var before = a.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Record);
        var after = b.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Record);
        var changes = new List<EpisodeChange>();
        var matched = 0;
        foreach (var (key, x) in before)
        {
            if (!after.TryGetValue(key, out var y)) continue;
            matched++;
            var verdictChanged = x.Verdict != y.Verdict;
            if (verdictChanged || HarmChanged(VerdictRule.WorstHarm(x.HarmEvents), VerdictRule.WorstHarm(y.HarmEvents), tolerance))
            {
                changes.Add(new EpisodeChange(key, Describe(x), Describe(y), verdictChanged));
            }
        }
        return new RunComparison(changes, before.Keys.Where(k => !after.ContainsKey(k)).ToArray(), after.Keys.Where(k => !before.ContainsKey(k)).ToArray(), matched);
    }

    /// <summary>Episodes of two runs of one plan whose records differ in any field but wall times: the check
    /// that workers, shards or another machine reproduce a run exactly.</summary>
    public static IReadOnlyList<EpisodeKey> RecordDifferences(IReadOnlyList<RecordedEpisode> a, IReadOnlyList<RecordedEpisode> b)
    {
        var after = b.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => Comparable(g.Last().Line));
        var before = a.Select(r => r.Key).ToHashSet();
        return a.Where(r => !after.TryGetValue(r.Key, out var other) || other != Comparable(r.Line)).Select(r => r.Key)
            .Concat(b.Select(r => r.Key).Where(k => !before.Contains(k)))
            .Distinct().ToArray();
    }

    /// <summary>A record's JSON without its wall times, which differ between equal runs.</summary>
    public static string Comparable(string line)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        node.Remove("wall_time_s");
        if (node["failed_attempts"] is JsonArray attempts)
        {
            foreach (var attempt in attempts) attempt?.AsObject().Remove("wall_time_s");
        }
        return node.ToJsonString();
    }

    public IEnumerable<string> Lines()
    {
        foreach (var c in Changes) yield return $"  {(c.VerdictChanged ? "VERDICT" : "harm   ")}  {c.Key}: {c.Before} → {c.After}";
        foreach (var k in OnlyInA) yield return $"  only in the first run:  {k}";
        foreach (var k in OnlyInB) yield return $"  only in the second run: {k}";
        yield return $"{Matched} episode(s) matched: {Changes.Count(c => c.VerdictChanged)} verdict(s) changed, {Changes.Count(c => !c.VerdictChanged)} worst harm(s) changed; {OnlyInA.Count} only in the first, {OnlyInB.Count} only in the second";
    }

    private static bool HarmChanged(HarmEvent? x, HarmEvent? y, double tolerance)
    {
        if (x is null || y is null) return (x is null) != (y is null);
        if (x.Kind != y.Kind || x.Region != y.Region || x.Severity != y.Severity) return true;
        var scale = Math.Max(Math.Abs(x.Value), Math.Abs(y.Value));
        return Math.Abs(x.Value - y.Value) > tolerance * scale;
    }

    private static string Describe(EpisodeRecord r)
    {
        var worst = VerdictRule.WorstHarm(r.HarmEvents);
        return worst is null
            ? r.Verdict.ToId()
            : string.Create(CultureInfo.InvariantCulture, $"{r.Verdict.ToId()} ({worst.Region ?? worst.Kind} {worst.Value:0.#} {worst.Unit} {worst.Severity.ToId()})");
    }
}
