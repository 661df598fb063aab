using MathNet.Numerics.Distributions;

namespace Testbed.Domain.Statistics;

/// <summary>
/// The Wilson score interval for a single proportion, without continuity correction: method 3 of Newcombe (1998),
/// "Two-sided confidence intervals for the single proportion: comparison of seven methods", Statistics in Medicine
/// 17:857–872, recommended there for its coverage near 0 and 1, where the plain (Wald) interval fails. Its limits
/// are the proportions whose score test just fails to reject at the given level, so they never leave [0, 1].
/// </summary>
/// <param name="Successes">The numerator.</param>
/// <param name="Trials">The denominator, at least 1.</param>
public sealed record WilsonInterval(int Successes, int Trials, double Lower, double Upper, double Confidence)
{
    public const double DefaultConfidence = 0.95;

    public double Proportion => (double)Successes / Trials;

    /// <exception cref="ArgumentOutOfRangeException">No trials, successes outside 0..trials, or a confidence outside (0, 1).</exception>
    public static WilsonInterval Of(int successes, int trials, double confidence = DefaultConfidence)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "a proportion needs at least one trial");
        if (successes < 0 || successes > trials) throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must lie in 0..{trials}");
        var z = NormalQuantile.TwoSided(confidence);
        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = p + z2 / (2 * n);
        var halfWidth = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        var scale = 1 + z2 / n;
        // At 0 or n successes the limit equals the estimate exactly; rounding must not push it past it.
        var lower = successes == 0 ? 0 : (centre - halfWidth) / scale;
        var upper = successes == trials ? 1 : (centre + halfWidth) / scale;
        return new WilsonInterval(successes, trials, lower, upper, confidence);
    }
}

/// <summary>Quantiles of the standard normal distribution for intervals and sample sizes.</summary>
public static class NormalQuantile
{
    /// <summary>z with P(|Z| ≤ z) = <paramref name="confidence"/>: 1.96 for 0.95.</summary>
    public static double TwoSided(double confidence)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "a confidence level lies strictly between 0 and 1");
        return Normal.InvCDF(0, 1, 1 - (1 - confidence) / 2);
    }

    /// <summary>z with P(Z ≤ z) = <paramref name="probability"/>: 0.84 for a power of 0.8.</summary>
    public static double OneSided(double probability)
    {
        if (!(probability > 0 && probability < 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability lies strictly between 0 and 1");
        return Normal.InvCDF(0, 1, probability);
    }
}
