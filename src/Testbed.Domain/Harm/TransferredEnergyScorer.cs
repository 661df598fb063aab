namespace Testbed.Domain.Harm;

/// <summary>
/// A contact to score for transferred energy: its peak force, and, where known, the approach speed and the robot
/// side's effective mass for the ½·μ·v² cross-check.
/// </summary>
/// <param name="PeakForceN">The largest contact force.</param>
/// <param name="TimeS">Simulation time of the peak.</param>
public sealed record EnergyContact(string PersonId, BodyRegion Region, double PeakForceN, double TimeS)
{
    public string? PersonGeom { get; init; }

    public string? OtherGeom { get; init; }

    /// <summary>Closing speed along the contact normal at onset (m/s).</summary>
    public double? ApproachSpeedMps { get; init; }

    /// <summary>m_R, the robot or payload side's effective mass at the contact (kg).</summary>
    public double? RobotEffectiveMassKg { get; init; }
}

/// <summary>
/// Scores the energy a contact stores in the body region's spring, E = F²/(2k) at the force peak (ISO/TS 15066
/// Annex A), against E_max = (2·F_s)²/(2k), the energy at the transient force limit (derived, not a table of the
/// standard). Rule: above E_max is a violation; any contact on the skull, forehead or face is prohibited, with no
/// limit. Because both sides use the same spring, E &gt; E_max exactly when F &gt; 2·F_s: the energy event adds
/// the number in joules and the ½·μ·v² cross-check (a free impact at the approach speed), not a second verdict.
/// </summary>
public sealed class TransferredEnergyScorer(BodyModel bodyModel)
{
    public const string Unit = "J";

    /// <exception cref="ArgumentException">A force, speed or mass is not finite, or negative.</exception>
    public HarmEvent Score(EnergyContact contact)
    {
        if (!double.IsFinite(contact.PeakForceN) || contact.PeakForceN < 0)
        {
            throw new ArgumentException($"energy on {contact.PersonId}/{contact.Region.ToId()}: peak force {contact.PeakForceN} N is not a finite, non-negative number", nameof(contact));
        }

        var limits = bodyModel[contact.Region];
        var energy = SpringEnergyJ(contact.PeakForceN, limits);
        var limit = EnergyLimitJ(limits);
        var severity = limit is not { } l ? HarmSeverity.Prohibited : energy > l ? HarmSeverity.Violation : HarmSeverity.WithinLimit;

        double? reducedMass = null;
        double? kineticEnergy = null;
        if (contact.ApproachSpeedMps is { } speed && contact.RobotEffectiveMassKg is { } robotMass)
        {
            if (!double.IsFinite(speed) || !double.IsFinite(robotMass) || !(robotMass > 0))
            {
                throw new ArgumentException($"energy on {contact.PersonId}/{contact.Region.ToId()}: approach speed {speed} m/s or robot effective mass {robotMass} kg is not a finite number (mass > 0)", nameof(contact));
            }

            reducedMass = ReducedMassKg(limits.EffectiveMassKg, robotMass);
            kineticEnergy = 0.5 * reducedMass * speed * speed;
        }

        return new HarmEvent(
            HarmEventKinds.TransferredEnergy,
            contact.PersonId,
            contact.Region.ToId(),
            energy,
            limit,
            Unit,
            severity,
            contact.TimeS,
            new HarmEventDetails(ContactType: null, contact.PersonGeom, contact.OtherGeom, contact.ApproachSpeedMps)
            {
                ForceN = contact.PeakForceN,
                KineticEnergyJ = kineticEnergy,
                ReducedMassKg = reducedMass,
            });
    }

    /// <summary>E = F²/(2k), k in N/m.</summary>
    public static double SpringEnergyJ(double forceN, BodyRegionLimits region) =>
        forceN * forceN / (2 * region.SpringConstantNPerM);

    /// <summary>(2·F_s)²/(2k); null where no contact is permissible.</summary>
    public static double? EnergyLimitJ(BodyRegionLimits region) =>
        region.ForceLimitN(transient: true) is { } force ? SpringEnergyJ(force, region) : null;

    /// <summary>μ = (1/m_H + 1/m_R)⁻¹.</summary>
    public static double ReducedMassKg(double personMassKg, double robotMassKg) =>
        1.0 / (1.0 / personMassKg + 1.0 / robotMassKg);

    /// <summary>
    /// The highest approach speed at which a free impact of a robot part of effective mass <paramref name="robotMassKg"/>
    /// stays within the transient force limit: v = 2·F_s / √(μ·k). Null where no contact is permissible. For scene
    /// design and for reading results, not for scoring.
    /// </summary>
    public static double? MaxApproachSpeedMps(BodyRegionLimits region, double robotMassKg) =>
        region.ForceLimitN(transient: true) is { } force
            ? force / Math.Sqrt(ReducedMassKg(region.EffectiveMassKg, robotMassKg) * region.SpringConstantNPerM)
            : null;
}
