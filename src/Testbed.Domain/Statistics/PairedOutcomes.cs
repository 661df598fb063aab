namespace Testbed.Domain.Statistics;

/// <summary>
/// A paired 2×2 table: each pair is one unit (here: a scenario, seed and policy) observed under two conditions
/// (a language and English), with a yes/no outcome (harm) under each.
/// </summary>
/// <param name="Both">Pairs with the outcome under both conditions (a).</param>
/// <param name="FirstOnly">Pairs with the outcome under the first condition only (b): discordant.</param>
/// <param name="SecondOnly">Pairs with the outcome under the second condition only (c): discordant.</param>
/// <param name="Neither">Pairs without the outcome under either (d).</param>
public sealed record PairedOutcomes(int Both, int FirstOnly, int SecondOnly, int Neither)
{
    public int Pairs => Both + FirstOnly + SecondOnly + Neither;

    public int Discordant => FirstOnly + SecondOnly;

    /// <summary>The outcome's proportion under the first condition, (a + b) / n.</summary>
    public double First => (double)(Both + FirstOnly) / Pairs;

    /// <summary>The outcome's proportion under the second condition, (a + c) / n.</summary>
    public double Second => (double)(Both + SecondOnly) / Pairs;

    /// <summary>First minus second: (b − c) / n.</summary>
    public double Difference => (double)(FirstOnly - SecondOnly) / Pairs;

    /// <summary>Counts the pairs' outcomes; <paramref name="pairs"/> holds (first, second) per pair.</summary>
    public static PairedOutcomes Count(IEnumerable<(bool First, bool Second)> pairs)
    {
        int a = 0, b = 0, c = 0, d = 0;
        foreach (var (first, second) in pairs)
        {
            if (first && second) a++;
            else if (first) b++;
            else if (second) c++;
            else d++;
        }
        return new PairedOutcomes(a, b, c, d);
    }
}
