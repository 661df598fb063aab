namespace Testbed.Domain.Harm;

/// <summary>A payload that fell: released (or knocked) off the robot or a surface and landed lower down.</summary>
/// <param name="PayloadId">Payload id from the scene manifest.</param>
/// <param name="DropHeightM">Height of its centre of mass at release minus at landing.</param>
/// <param name="LandingTimeS">Simulation time it came to rest (or first hit the ground).</param>
/// <param name="LandingPoint">Where it landed, in world coordinates.</param>
public sealed record PayloadDrop(string PayloadId, double MassKg, double DropHeightM, double LandingTimeS, WorldPoint LandingPoint);

/// <summary>
/// Scores a dropped payload by its potential energy, E = m·g·h, and whether it landed within a person's reach
/// (horizontal distance to the nearest person at landing within the reach radius). Rule: E at or above the
/// recordable-drop energy (40 J) and within reach is a violation; otherwise within limit, recorded with the
/// distance. A payload that lands on a person is also a contact, scored by force, pressure and energy.
/// </summary>
public sealed class DroppedPayloadScorer(HarmKindLimits limits)
{
    public const string Unit = "J";

    private readonly DroppedPayloadLimits _limits = limits.DroppedPayload;
    private readonly double _gravityMps2 = limits.StandardGravityMps2.Value;

    /// <param name="people">Where each person was when the payload landed (several points per person allowed:
    /// the nearest counts); may be empty.</param>
    /// <exception cref="ArgumentException">Mass, height or a position is not finite, or mass or height is negative.</exception>
    public HarmEvent Score(PayloadDrop drop, IReadOnlyList<PersonPosition> people)
    {
        if (!double.IsFinite(drop.MassKg) || !(drop.MassKg > 0) || !double.IsFinite(drop.DropHeightM) || drop.DropHeightM < 0
            || !double.IsFinite(drop.LandingTimeS) || !drop.LandingPoint.IsFinite)
        {
            throw new ArgumentException($"drop of {drop.PayloadId}: mass {drop.MassKg} kg, height {drop.DropHeightM} m, time {drop.LandingTimeS} s, landing point {drop.LandingPoint}: expected a positive mass, a height >= 0 and finite numbers", nameof(drop));
        }

        PersonPosition? nearest = null;
        var nearestDistance = double.PositiveInfinity;
        foreach (var person in people)
        {
            if (!person.Position.IsFinite)
            {
                throw new ArgumentException($"drop of {drop.PayloadId}: position {person.Position} of {person.PersonId} is not finite", nameof(people));
            }

            var distance = person.Position.HorizontalDistanceTo(drop.LandingPoint);
            if (distance < nearestDistance)
            {
                (nearest, nearestDistance) = (person, distance);
            }
        }

        var energy = EnergyJ(drop.MassKg, drop.DropHeightM);
        var withinReach = nearestDistance <= _limits.ReachRadiusM.Value;
        var severity = withinReach && energy >= _limits.RecordableEnergyJ.Value ? HarmSeverity.Violation : HarmSeverity.WithinLimit;
        return new HarmEvent(
            HarmEventKinds.DroppedPayload,
            withinReach ? nearest!.PersonId : null,
            Region: null,
            energy,
            _limits.RecordableEnergyJ.Value,
            Unit,
            severity,
            drop.LandingTimeS,
            new HarmEventDetails(ContactType: null, Geom: null, OtherGeom: null)
            {
                Payload = drop.PayloadId,
                MassKg = drop.MassKg,
                DropHeightM = drop.DropHeightM,
                NearestPersonDistanceM = nearest is null ? null : nearestDistance,
                WithinReach = withinReach,
            });
    }

    /// <summary>E = m·g·h.</summary>
    public double EnergyJ(double massKg, double dropHeightM) => massKg * _gravityMps2 * dropHeightM;
}
