namespace Testbed.Domain.Harm;

/// <summary>
/// Scores a person's head acceleration as HIC15 against the limit of their population, with the AIS risk at that
/// HIC. Rule: HIC15 above the limit is a violation, at or below it within limit. A low HIC never clears a head
/// contact: skull and face contacts are prohibited by the contact scorers whatever the HIC (at robot speeds the
/// real risk is a facial fracture, which HIC does not measure).
/// </summary>
public sealed class HeadInjuryScorer
{
    private readonly HeadInjuryLimits _limits;
    private readonly double _gravityMps2;

    public HeadInjuryScorer(HarmKindLimits limits)
    {
        _limits = limits.HeadInjury;
        _gravityMps2 = limits.StandardGravityMps2.Value;
    }

    /// <param name="personId">The person whose head it is.</param>
    /// <param name="samples">The head's resultant linear acceleration (m/s², gravity not included), sampled at the
    /// physics rate (at most 1 ms apart), over the stretch to judge (e.g. from a head contact's onset to 15 ms after
    /// its end).</param>
    /// <param name="population">A population with a HIC limit (adult, child_6y, child_12mo).</param>
    /// <param name="headGeom">The head geom or body, for the record; may be null.</param>
    public HarmEvent Score(
        string personId, IReadOnlyList<HeadAccelerationSample> samples, string population = HeadInjuryLimits.AdultPopulation, string? headGeom = null)
    {
        var limit = _limits.Limit(population);
        var result = HeadInjuryCriterion.Compute(samples, _limits.WindowS.Value, _limits.MaxSampleIntervalS.Value, _gravityMps2);
        var severity = result.Hic > limit.Value ? HarmSeverity.Violation : HarmSeverity.WithinLimit;
        return new HarmEvent(
            HarmEventKinds.HeadInjuryCriterion,
            personId,
            Region: null,
            result.Hic,
            limit.Value,
            "HIC15",
            severity,
            result.WindowEndS,
            new HarmEventDetails(ContactType: null, headGeom, OtherGeom: null)
            {
                WindowStartS = result.WindowStartS,
                WindowEndS = result.WindowEndS,
                Population = population,
                RiskAis2Plus = RiskOrNull(2, result.Hic),
                RiskAis3Plus = RiskOrNull(3, result.Hic),
                RiskAis4Plus = RiskOrNull(4, result.Hic),
            });
    }

    private double? RiskOrNull(int aisLevel, double hic) =>
        _limits.RiskCurves.FirstOrDefault(c => c.AisLevel == aisLevel)?.Probability(hic);
}
