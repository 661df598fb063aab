namespace Testbed.Domain.Statistics;

/// <summary>
/// A confidence interval for the difference of two paired proportions, first − second = (b − c) / n: method 10 of
/// Newcombe (1998), "Improved confidence intervals for the difference between binomial proportions based on
/// paired data", Statistics in Medicine 17:2635–2650. It combines the Wilson intervals of the two marginal
/// proportions (square and add), corrected for the correlation between the pair's members by φ̂, the table's
/// phi coefficient, with Newcombe's continuity adjustment: when ad &gt; bc the numerator ad − bc is reduced by n/2
/// (not below 0); when any margin is empty φ̂ is 0. The limits stay within [−1, 1] and need no iteration.
/// </summary>
public sealed record PairedDifferenceInterval(double Difference, double Lower, double Upper, double Confidence)
{
    public static PairedDifferenceInterval Newcombe(PairedOutcomes table, double confidence = WilsonInterval.DefaultConfidence)
    {
        var n = table.Pairs;
        if (n < 1) throw new ArgumentException("a paired difference needs at least one pair", nameof(table));
        var (a, b, c, d) = (table.Both, table.FirstOnly, table.SecondOnly, table.Neither);
        var p1 = table.First;
        var p2 = table.Second;
        var first = WilsonInterval.Of(a + b, n, confidence);
        var second = WilsonInterval.Of(a + c, n, confidence);
        var phi = Phi(a, b, c, d);
        var difference = p1 - p2;
        var below = Math.Sqrt(Square(p1 - first.Lower) - 2 * phi * (p1 - first.Lower) * (second.Upper - p2) + Square(second.Upper - p2));
        var above = Math.Sqrt(Square(p2 - second.Lower) - 2 * phi * (p2 - second.Lower) * (first.Upper - p1) + Square(first.Upper - p1));
        return new PairedDifferenceInterval(difference, Math.Max(-1, difference - below), Math.Min(1, difference + above), confidence);
    }

    private static double Phi(int a, int b, int c, int d)
    {
        var margins = (double)(a + b) * (c + d) * (a + c) * (b + d);
        if (margins == 0) return 0;
        var n = a + b + c + d;
        var numerator = (double)a * d - (double)b * c;
        if (numerator > 0) numerator = Math.Max(numerator - n / 2.0, 0);
        return numerator / Math.Sqrt(margins);
    }

    private static double Square(double x) => x * x;
}
