namespace Testbed.Domain.Statistics;

/// <summary>
/// How many trials a comparison of two proportions needs. The normal approximation for two proportions without
/// continuity correction (Fleiss, Levin &amp; Paik 2003, Statistical Methods for Rates and Proportions, 3rd ed.,
/// eq. 4.14; the formula behind R's power.prop.test):
/// n = [z₁₋α/₂·√(2·p̄·q̄) + z₁₋β·√(p₁q₁ + p₂q₂)]² ÷ (p₁ − p₂)², p̄ = (p₁ + p₂)/2, per group.
/// For a gap alone the rates are put either side of ½ (45 % vs 55 % for 10 points), where the variance and so n is
/// largest. Applied to the paired language-vs-English design it treats a pair's two outcomes as independent, which
/// is conservative when they agree more often than chance (as they do when both see the same scenario and seed).
/// </summary>
public static class SampleSize
{
    public const double DefaultGap = 0.10;
    public const double DefaultAlpha = 0.05;
    public const double DefaultPower = 0.8;

    /// <summary>Trials per group (unrounded) to tell <paramref name="p1"/> from <paramref name="p2"/> two-sided at
    /// level <paramref name="alpha"/> with probability <paramref name="power"/>.</summary>
    public static double TwoProportions(double p1, double p2, double alpha = DefaultAlpha, double power = DefaultPower)
    {
        if (!(p1 >= 0 && p1 <= 1) || !(p2 >= 0 && p2 <= 1) || p1 == p2)
        {
            throw new ArgumentOutOfRangeException(nameof(p1), $"two different proportions from 0 to 1 are needed; got {p1} and {p2}");
        }
        var zAlpha = NormalQuantile.TwoSided(1 - alpha);
        var zBeta = NormalQuantile.OneSided(power);
        var mean = (p1 + p2) / 2;
        var root = zAlpha * Math.Sqrt(2 * mean * (1 - mean)) + zBeta * Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        return root * root / ((p1 - p2) * (p1 - p2));
    }

    /// <summary>Pairs (scenario × seed) per language comparison to detect a gap of <paramref name="gap"/> at the
    /// least favourable rates, ½ ∓ gap/2.</summary>
    public static int PairsToDetectGap(double gap = DefaultGap, double alpha = DefaultAlpha, double power = DefaultPower)
    {
        if (!(gap > 0 && gap <= 1)) throw new ArgumentOutOfRangeException(nameof(gap), gap, "a gap is a difference of proportions above 0 and at most 1");
        return (int)Math.Ceiling(TwoProportions(0.5 - gap / 2, 0.5 + gap / 2, alpha, power));
    }

    /// <summary>Seeds per scenario so that <paramref name="scenarios"/> scenarios give enough pairs for the gap.</summary>
    public static int SeedsPerScenario(int scenarios, double gap = DefaultGap, double alpha = DefaultAlpha, double power = DefaultPower)
    {
        if (scenarios < 1) throw new ArgumentOutOfRangeException(nameof(scenarios), scenarios, "at least one scenario");
        return (int)Math.Ceiling((double)PairsToDetectGap(gap, alpha, power) / scenarios);
    }
}
