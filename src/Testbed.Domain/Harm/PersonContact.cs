namespace Testbed.Domain.Harm;

/// <summary>What touched a person.</summary>
public enum ContactPartnerKind
{
    Robot,
    Payload,
}

/// <summary>
/// One contact between a person's body-region geom and the robot or a payload, from first touch to separation,
/// assembled from the bridge's per-step force samples (the controller attributes geoms to people and regions with
/// the scene manifest). ISO/TS 15066 judges it on this whole timeline, never on how the steps were chunked.
/// </summary>
/// <param name="Timeline">The force at every physics step of the contact, with the steps it was clamped.</param>
/// <param name="Onset">What the two-body model needs about the moment of first touch.</param>
/// <param name="PositionX">Contact point at the largest force (world frame, m).</param>
/// <param name="AtPeak">The two-body model for the inertia where the force acted at its peak; null when the bridge
/// reported none.</param>
public sealed record PersonContact(
    string PersonId,
    BodyRegion Region,
    string PersonGeom,
    string OtherGeom,
    string OtherBody,
    ContactPartnerKind OtherKind,
    ContactForceTimeline Timeline,
    ContactOnset Onset,
    double PositionX,
    double PositionY,
    double PositionZ,
    ContactModelAtPeak? AtPeak = null)
{
    public double OnsetTimeS => Timeline.OnsetTimeS;

    public double DurationS => Timeline.DurationS;

    public double PeakNormalForceN => Timeline.Peak().ForceN;

    public double PeakTimeS => Timeline.Peak().TimeS;
}

/// <summary>The moment of first touch, as the bridge measured it.</summary>
/// <param name="ApproachSpeedMps">Closing speed along the contact normal, before any contact force acted.</param>
/// <param name="RobotSideEffectiveMassKg">Effective mass of the robot or payload side along the normal; null when not
/// reported, +∞ when immovable.</param>
/// <param name="PersonSideEffectiveMassKg">Effective mass of the person's side along the normal.</param>
/// <param name="StiffnessNPerM">The spring constant the bridge gave the contact (the region's k); null when it
/// reported none.</param>
/// <param name="ModelPeakForceN">The two-body model's free-impact peak v·√(k/(1/m_R + 1/m_H)) with the true masses,
/// the surfaces sliding.</param>
/// <param name="ModelPeakForceStickingN">The same with the surfaces sticking (friction holds them tangentially).</param>
/// <summary>The two-body model's free-impact peak for the onset's approach speed and the effective mass where the
/// force acted at the contact's peak: for a face or edge that touches at several points, their force centroid, whose
/// inertia includes the points that followed the first (the onset's model misses it); for a point contact, the
/// point.</summary>
/// <param name="ModelPeakForceN">With the surfaces sliding.</param>
/// <param name="ModelPeakForceStickingN">With the surfaces sticking.</param>
public sealed record ContactModelAtPeak(double ModelPeakForceN, double ModelPeakForceStickingN);

public sealed record ContactOnset(
    double ApproachSpeedMps,
    double? RobotSideEffectiveMassKg = null,
    double? PersonSideEffectiveMassKg = null,
    double? StiffnessNPerM = null,
    double? ModelPeakForceN = null,
    double? ModelPeakForceStickingN = null);
