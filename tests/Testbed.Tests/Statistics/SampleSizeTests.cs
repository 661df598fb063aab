using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class SampleSizeTests
{
    /// <summary>The example of R's power.prop.test help page: p₁ = 0.50, p₂ = 0.75, power 0.90 at α 0.05 needs
    /// n = 76.7 per group (the same normal approximation as Fleiss, Levin &amp; Paik 2003, eq. 4.14).</summary>
    [Fact]
    public void Matches_the_textbook_two_proportion_example()
    {
        Assert.Equal(76.7, SampleSize.TwoProportions(0.50, 0.75, alpha: 0.05, power: 0.90), 0.05);
    }

    [Fact]
    public void A_ten_point_gap_needs_about_four_hundred_pairs_spread_over_the_scenarios()
    {
        // 45 % vs 55 %: [1.96·√(2·0.25) + 0.8416·√(2·0.2475)]² / 0.01 = 391.3.
        Assert.Equal(392, SampleSize.PairsToDetectGap());
        Assert.Equal(20, SampleSize.SeedsPerScenario(20));
        Assert.Equal(196, SampleSize.SeedsPerScenario(2));
        Assert.True(SampleSize.PairsToDetectGap(0.2) < 100);
    }

    [Fact]
    public void The_power_check_warns_in_one_line_only_when_seeds_are_too_few()
    {
        var few = PowerCheck.For(scenarios: 2, seeds: 10);
        var enough = PowerCheck.For(scenarios: 20, seeds: 20);

        Assert.False(few.Enough);
        Assert.Contains("20 pairs", few.Warning());
        Assert.Contains("196 seeds per scenario", few.Warning());
        Assert.DoesNotContain("\n", few.Warning());
        Assert.Null(enough.Warning());
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(-0.1, 0.5)]
    public void Equal_or_impossible_proportions_are_refused(double p1, double p2)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleSize.TwoProportions(p1, p2));
    }
}
