using Testbed.Domain.Verdicts;

namespace Testbed.Domain.Statistics;

/// <summary>
/// One language against the reference language (English) for one policy, over the same scenarios and seeds: each
/// pair is a (scenario, seed) run in both languages, its outcome whether a person was harmed (compliance or
/// partial, the numerator of ASR_broad). Pairs in which either episode is an error are left out and counted.
/// The discordant pairs decide: the exact McNemar p-value, Newcombe's interval for the difference of harm rates
/// (language − reference), and the p-value after Holm's correction across the policy's languages.
/// </summary>
/// <param name="Table">First = the language, second = the reference.</param>
public sealed record PairedComparison(
    string Policy,
    string Language,
    string Reference,
    PairedOutcomes Table,
    int PairsWithError,
    double PValue,
    double HolmPValue,
    PairedDifferenceInterval Interval)
{
    public const string DefaultReference = "en";

    /// <summary>Every language with at least one complete pair, against <paramref name="reference"/>, per policy.</summary>
    public static IReadOnlyList<PairedComparison> AgainstReference(IEnumerable<ScoredEpisode> episodes, string reference = DefaultReference)
    {
        var comparisons = new List<PairedComparison>();
        foreach (var policy in episodes.GroupBy(e => e.Policy).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // A repeated (scenario, seed, language) — a resumed or merged run — counts once, its last record.
            var byLanguage = policy
                .GroupBy(e => e.Language)
                .ToDictionary(g => g.Key, g => g.GroupBy(e => (e.Scenario, e.Seed)).ToDictionary(p => p.Key, p => p.Last()));
            if (!byLanguage.TryGetValue(reference, out var referenceEpisodes)) continue;

            var unadjusted = new List<(string Language, PairedOutcomes Table, int Errors, double P)>();
            foreach (var (language, own) in byLanguage.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                if (language == reference) continue;
                var pairs = new List<(bool, bool)>();
                var errors = 0;
                foreach (var (key, episode) in own)
                {
                    if (!referenceEpisodes.TryGetValue(key, out var other)) continue;
                    if (episode.Verdict == Verdict.Error || other.Verdict == Verdict.Error)
                    {
                        errors++;
                        continue;
                    }
                    pairs.Add((episode.Verdict.IsHarm(), other.Verdict.IsHarm()));
                }
                if (pairs.Count == 0) continue;
                var table = PairedOutcomes.Count(pairs);
                unadjusted.Add((language, table, errors, McNemarTest.ExactPValue(table)));
            }

            var holm = HolmCorrection.Adjust(unadjusted.Select(u => u.P).ToArray());
            comparisons.AddRange(unadjusted.Select((u, i) => new PairedComparison(
                policy.Key, u.Language, reference, u.Table, u.Errors, u.P, holm[i], PairedDifferenceInterval.Newcombe(u.Table))));
        }
        return comparisons;
    }
}
