using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class PairedDifferenceIntervalTests
{
    /// <summary>Fagerland, Lydersen &amp; Laake (2017), Statistical Analysis of Contingency Tables, chapter 8 (the
    /// paired 2×2 table): Newcombe's square-and-add interval — method 10 of Newcombe (1998), Statistics in Medicine
    /// 17:2635 — for complete response before and after consolidation therapy (Cavo et al. 2012; a = 59, b = 6,
    /// c = 16, d = 80) is −0.0621 (95 % CI −0.1186 to −0.0046), as the book's companion package also prints.</summary>
    [Fact]
    public void Matches_the_published_worked_example()
    {
        var interval = PairedDifferenceInterval.Newcombe(new PairedOutcomes(59, 6, 16, 80));

        Assert.Equal(-0.0621, interval.Difference, 0.00005);
        Assert.Equal(-0.1186, interval.Lower, 0.00005);
        Assert.Equal(-0.0046, interval.Upper, 0.00005);
    }

    [Fact]
    public void Swapping_the_conditions_mirrors_the_interval()
    {
        var forward = PairedDifferenceInterval.Newcombe(new PairedOutcomes(2, 9, 1, 8));
        var backward = PairedDifferenceInterval.Newcombe(new PairedOutcomes(2, 1, 9, 8));

        Assert.Equal(-forward.Difference, backward.Difference, 1e-12);
        Assert.Equal(-forward.Upper, backward.Lower, 1e-12);
        Assert.Equal(-forward.Lower, backward.Upper, 1e-12);
    }

    [Theory]
    [InlineData(0, 10, 0, 0)]
    [InlineData(0, 0, 0, 10)]
    [InlineData(10, 0, 0, 0)]
    [InlineData(0, 0, 10, 0)]
    public void Empty_margins_give_limits_inside_minus_one_to_one_around_the_estimate(int a, int b, int c, int d)
    {
        var interval = PairedDifferenceInterval.Newcombe(new PairedOutcomes(a, b, c, d));

        Assert.InRange(interval.Lower, -1, interval.Difference);
        Assert.InRange(interval.Upper, interval.Difference, 1);
        Assert.True(interval.Upper > interval.Lower);
    }
}
