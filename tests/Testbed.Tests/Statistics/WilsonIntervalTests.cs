using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class WilsonIntervalTests
{
    /// <summary>Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
    /// methods", Statistics in Medicine 17:857–872, Table I, method 3 (score interval without continuity
    /// correction), to the four decimals printed there.</summary>
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Matches_Newcombes_table_of_worked_examples(int successes, int trials, double lower, double upper)
    {
        var interval = WilsonInterval.Of(successes, trials);

        Assert.Equal(lower, interval.Lower, 0.00005);
        Assert.Equal(upper, interval.Upper, 0.00005);
        Assert.Equal((double)successes / trials, interval.Proportion);
    }

    [Fact]
    public void All_or_nothing_keeps_the_limit_at_the_estimate()
    {
        Assert.Equal(0, WilsonInterval.Of(0, 5).Lower);
        Assert.Equal(1, WilsonInterval.Of(5, 5).Upper);
        Assert.InRange(WilsonInterval.Of(5, 5).Lower, 0.5, 0.6);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 2)]
    [InlineData(-1, 2)]
    public void Impossible_counts_are_refused(int successes, int trials)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Of(successes, trials));
    }
}
