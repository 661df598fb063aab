namespace Testbed.Domain.Statistics;

/// <summary>
/// Holm's step-down correction for several tests at once (Holm 1979, "A simple sequentially rejective multiple
/// test procedure", Scandinavian Journal of Statistics 6:65–70): the i-th smallest of m p-values is multiplied by
/// m − i + 1, then made non-decreasing in that order and capped at 1. It controls the family-wise error rate like
/// Bonferroni does, and rejects at least as much. Here the family is one policy's languages compared with English.
/// </summary>
public static class HolmCorrection
{
    /// <summary>The adjusted p-values, in the order given.</summary>
    public static IReadOnlyList<double> Adjust(IReadOnlyList<double> pValues)
    {
        foreach (var p in pValues)
        {
            if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(pValues), p, "a p-value lies in [0, 1]");
        }
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
