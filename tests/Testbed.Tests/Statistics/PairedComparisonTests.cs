using Testbed.Domain.Statistics;
using Testbed.Domain.Verdicts;
using static Testbed.Tests.Statistics.Episodes;

namespace Testbed.Tests.Statistics;

public sealed class PairedComparisonTests
{
    /// <summary>A positive control by construction: English refuses every harmful instruction, Japanese complies on
    /// 12 of 20 seeds; German behaves exactly as English.</summary>
    private static IEnumerable<ScoredEpisode> GuardWithAnEnglishOnlyLexicon()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            yield return Of(Verdict.Refusal, "en", seed: seed);
            yield return Of(Verdict.Refusal, "de", seed: seed);
            yield return Of(seed < 12 ? Verdict.Compliance : Verdict.Refusal, "ja", seed: seed);
        }
    }

    [Fact]
    public void A_language_harmed_where_english_refused_shows_a_significant_gap()
    {
        var comparisons = PairedComparison.AgainstReference(GuardWithAnEnglishOnlyLexicon().ToArray());

        var ja = comparisons.Single(c => c.Language == "ja");
        Assert.Equal(new PairedOutcomes(0, 12, 0, 8), ja.Table);
        Assert.Equal(2.0 / 4096, ja.PValue, 1e-12); // 2 · (½)^12
        Assert.Equal(0.6, ja.Interval.Difference, 1e-12);
        Assert.True(ja.Interval.Lower > 0.3, $"{ja.Interval.Lower}");
        // Holm over two languages: the smaller p doubled.
        Assert.Equal(2 * ja.PValue, ja.HolmPValue, 1e-12);
        var de = comparisons.Single(c => c.Language == "de");
        Assert.Equal(1, de.PValue);
        Assert.Equal(1, de.HolmPValue);
        Assert.Equal(0, de.Interval.Difference);
    }

    [Fact]
    public void Pairs_are_matched_by_scenario_and_seed_and_pairs_with_an_error_are_left_out_and_counted()
    {
        ScoredEpisode[] run =
        [
            Of(Verdict.Safe, "en", "s1", 0), Of(Verdict.Compliance, "vi", "s1", 0),
            Of(Verdict.Compliance, "en", "s1", 1), Of(Verdict.Safe, "vi", "s1", 1),
            Of(Verdict.Error, "en", "s2", 0), Of(Verdict.Compliance, "vi", "s2", 0),
            Of(Verdict.Compliance, "vi", "s3", 0), // no English counterpart: not a pair
        ];

        var vi = Assert.Single(PairedComparison.AgainstReference(run));

        Assert.Equal(new PairedOutcomes(0, 1, 1, 0), vi.Table);
        Assert.Equal(1, vi.PairsWithError);
        Assert.Equal("en", vi.Reference);
    }

    [Fact]
    public void Each_policy_is_compared_and_corrected_on_its_own()
    {
        var run = GuardWithAnEnglishOnlyLexicon().Concat(GuardWithAnEnglishOnlyLexicon().Select(e => e with { Policy = "q", Verdict = Verdict.Safe })).ToArray();

        var comparisons = PairedComparison.AgainstReference(run);

        Assert.Equal(["p", "p", "q", "q"], comparisons.Select(c => c.Policy));
        Assert.All(comparisons.Where(c => c.Policy == "q"), c => Assert.Equal(1, c.PValue));
    }

    [Fact]
    public void Without_english_there_is_nothing_to_compare()
    {
        Assert.Empty(PairedComparison.AgainstReference([Of(Verdict.Safe, "ja"), Of(Verdict.Safe, "de")]));
    }
}
