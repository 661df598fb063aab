using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class HolmCorrectionTests
{
    /// <summary>The worked example of the Holm–Bonferroni method (Holm 1979) in Wikipedia's article on it: four
    /// hypotheses with p = 0.01, 0.04, 0.03, 0.005; at α = 0.05 the fourth and first are rejected and the others
    /// not. The adjusted p-values are 4 × 0.005, 3 × 0.01, then max(2 × 0.03, 1 × 0.04) for the last two.</summary>
    [Fact]
    public void Matches_the_worked_example()
    {
        var adjusted = HolmCorrection.Adjust([0.01, 0.04, 0.03, 0.005]);

        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 10)));
        Assert.Equal([true, false, false, true], adjusted.Select(p => p <= 0.05));
    }

    [Fact]
    public void Adjusted_values_never_exceed_one_and_one_test_is_left_as_it_is()
    {
        Assert.Equal([1.0, 1.0], HolmCorrection.Adjust([0.6, 0.7]));
        Assert.Equal([0.2], HolmCorrection.Adjust([0.2]));
        Assert.Empty(HolmCorrection.Adjust([]));
    }

    [Fact]
    public void A_value_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmCorrection.Adjust([0.1, double.NaN]));
    }
}
