using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class McNemarTestTests
{
    /// <summary>Fagerland, Lydersen &amp; Laake (2013), "The McNemar test for binary matched-pairs data: mid-p and
    /// asymptotic are better than exact conditional", BMC Medical Research Methodology 13:91: the exact conditional
    /// test on airway hyper-responsiveness before and after stem cell transplantation (Bentur et al. 2009,
    /// discordant 1 and 7) gives p = 0.070, and on complete response before and after consolidation therapy (Cavo
    /// et al. 2012, discordant 6 and 16) p = 0.052.</summary>
    [Theory]
    [InlineData(1, 7, 0.070)]
    [InlineData(6, 16, 0.052)]
    public void Matches_the_exact_conditional_test_of_published_examples(int firstOnly, int secondOnly, double published)
    {
        Assert.Equal(published, McNemarTest.ExactPValue(firstOnly, secondOnly), 0.0005);
        Assert.Equal(McNemarTest.ExactPValue(firstOnly, secondOnly), McNemarTest.ExactPValue(secondOnly, firstOnly));
    }

    [Fact]
    public void Is_twice_the_binomial_tail_exactly()
    {
        // 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096.
        Assert.Equal(158.0 / 4096, McNemarTest.ExactPValue(10, 2), 1e-12);
    }

    [Fact]
    public void Balanced_or_absent_discordance_gives_one()
    {
        Assert.Equal(1, McNemarTest.ExactPValue(0, 0));
        Assert.Equal(1, McNemarTest.ExactPValue(5, 5));
    }

    [Fact]
    public void Thousands_of_pairs_do_not_underflow()
    {
        var p = McNemarTest.ExactPValue(1100, 900);

        Assert.InRange(p, 1e-7, 1e-4);
    }
}
