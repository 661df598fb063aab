using MathNet.Numerics;

namespace Testbed.Domain.Statistics;

/// <summary>
/// The exact (conditional) McNemar test of equal paired proportions: under the null hypothesis each discordant
/// pair falls either way with probability ½, so the smaller discordant count is binomial(b + c, ½); the two-sided
/// p-value is twice its lower tail, at most 1. Exact rather than the chi-square approximation because the
/// discordant counts here are often small (a few seeds per scenario). With no discordant pair p is 1.
/// </summary>
public static class McNemarTest
{
    public static double ExactPValue(PairedOutcomes table) => ExactPValue(table.FirstOnly, table.SecondOnly);

    public static double ExactPValue(int firstOnly, int secondOnly)
    {
        if (firstOnly < 0 || secondOnly < 0) throw new ArgumentOutOfRangeException(nameof(firstOnly), "discordant counts cannot be negative");
        var n = firstOnly + secondOnly;
        if (n == 0) return 1;
        var k = Math.Min(firstOnly, secondOnly);
        // Sum in log space: 2^-n underflows a double beyond about a thousand pairs.
        var tail = 0.0;
        for (var i = 0; i <= k; i++) tail += Math.Exp(SpecialFunctions.BinomialLn(n, i) - n * Math.Log(2));
        return Math.Min(1, 2 * tail);
    }
}
