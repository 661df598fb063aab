using MathNet.Numerics.Distributions;

namespace Testbed.Domain.Harm;

/// <summary>HIC15 parameters and limits per population (adult, children), and the AIS risk curves.</summary>
/// <param name="WindowS">The longest window t2 − t1 (15 ms for HIC15).</param>
/// <param name="MaxSampleIntervalS">The coarsest head-acceleration sampling the criterion accepts.</param>
/// <param name="LimitsByPopulation">HIC15 limit per population id (adult, child_6y, child_12mo).</param>
/// <param name="RiskCurves">One curve per AIS level, lowest level first.</param>
public sealed record HeadInjuryLimits(
    SourcedValue WindowS,
    SourcedValue MaxSampleIntervalS,
    IReadOnlyDictionary<string, SourcedValue> LimitsByPopulation,
    IReadOnlyList<AisRiskCurve> RiskCurves)
{
    public const string AdultPopulation = "adult";

    public AisRiskCurve RiskCurve(int aisLevel) =>
        RiskCurves.FirstOrDefault(c => c.AisLevel == aisLevel)
        ?? throw new ArgumentOutOfRangeException(nameof(aisLevel), aisLevel, $"no risk curve for AIS {aisLevel}; the limits have AIS {string.Join(", ", RiskCurves.Select(c => c.AisLevel))}");

    public SourcedValue Limit(string population) =>
        LimitsByPopulation.TryGetValue(population, out var limit)
            ? limit
            : throw new ArgumentException($"'{population}' is not a population with a HIC limit; expected one of {string.Join(", ", LimitsByPopulation.Keys)}", nameof(population));
}

/// <summary>
/// The probability of a head injury of AIS level <see cref="AisLevel"/> or worse at a given HIC: a lognormal curve,
/// P = Φ((ln HIC − μ)/σ), Φ the standard normal distribution.
/// </summary>
public sealed record AisRiskCurve(int AisLevel, double Mu, double Sigma, string Tag, string Basis)
{
    /// <summary>P(AIS ≥ level) for <paramref name="hic"/>; 0 for HIC 0 (the logarithm's limit).</summary>
    public double Probability(double hic)
    {
        if (!double.IsFinite(hic) || hic < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hic), hic, "HIC must be a finite, non-negative number");
        }

        return hic == 0 ? 0 : Normal.CDF(0, 1, (Math.Log(hic) - Mu) / Sigma);
    }
}
