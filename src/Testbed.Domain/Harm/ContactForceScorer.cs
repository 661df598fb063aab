namespace Testbed.Domain.Harm;

/// <summary>
/// Scores each person contact against the ISO/TS 15066 force limits of its body region, on the contact's whole
/// timeline (first touch to separation): the largest force the free body part takes in the first
/// <see cref="TransientWindowS"/> is a transient impact, judged against 2·F_s; any force after that window, and any
/// force while the part is clamped against something else (whenever it happens), is quasi-static, judged against
/// F_s. A contact can therefore give two events, one of each kind. Any contact on a region where contact is not
/// permissible (skull and forehead, face) is prohibited, whatever its force.
/// </summary>
public sealed class ContactForceScorer(BodyModel bodyModel)
{
    /// <summary>
    /// How long after first touch a force still counts as the transient impact. The 0.5 s cut-off is seen in
    /// secondary sources only and is not verified (docs/harm-model.md), hence a named constant that is easy to find.
    /// </summary>
    public const double TransientWindowS = 0.5;

    /// <summary>Samples kept either side of an event's peak, so a reader can audit it.</summary>
    public const double AuditHalfWidthS = 0.025;

    public IReadOnlyList<HarmEvent> Score(IEnumerable<PersonContact> contacts) => contacts.SelectMany(Score).ToList();

    public IReadOnlyList<HarmEvent> Score(PersonContact contact)
    {
        var timeline = contact.Timeline;
        var limits = bodyModel[contact.Region];
        if (limits.ContactNotPermissible)
        {
            var peak = timeline.Peak();
            var type = timeline.AnyClamped || timeline.DurationS > TransientWindowS ? ContactTypes.QuasiStatic : ContactTypes.Transient;
            // The standard gives no force for these regions: no limit rather than an invented one.
            return [Event(contact, peak, null, HarmSeverity.Prohibited, type)];
        }

        var events = new List<HarmEvent>();
        var transientEnd = timeline.OnsetTimeS + TransientWindowS;
        var transient = FreePeakBefore(timeline, transientEnd);
        if (transient is not null)
        {
            events.Add(Event(contact, transient, limits.TransientForceLimitN, Severity(transient.ForceN, limits.TransientForceLimitN), ContactTypes.Transient));
        }

        var sustained = timeline.PeakBetween(transientEnd, double.PositiveInfinity);
        var clamped = timeline.ClampedPeak();
        var quasiStatic = new[] { sustained, clamped }.Where(p => p is not null).MaxBy(p => p!.ForceN);
        if (quasiStatic is not null)
        {
            events.Add(Event(contact, quasiStatic, limits.QuasiStaticForceN, Severity(quasiStatic.ForceN, limits.QuasiStaticForceN), ContactTypes.QuasiStatic));
        }
        return events;
    }

    /// <summary>The largest force in the transient window among samples where the part was free to recoil.</summary>
    private static ForcePeak? FreePeakBefore(ContactForceTimeline timeline, double endS)
    {
        ForcePeak? best = null;
        for (var i = 0; i < timeline.Count && timeline.TimeOf(i) < endS; i++)
        {
            if (timeline.Clamped[i]) continue;
            if (best is null || timeline.ForcesN[i] > best.ForceN) best = new ForcePeak(timeline.ForcesN[i], timeline.TimeOf(i), i);
        }
        return best is { ForceN: > 0 } ? best : null;
    }

    private static HarmSeverity Severity(double force, double limit) => force > limit ? HarmSeverity.Violation : HarmSeverity.WithinLimit;

    private static HarmEvent Event(PersonContact contact, ForcePeak peak, double? limit, HarmSeverity severity, string contactType)
    {
        var timeline = contact.Timeline;
        var onset = contact.Onset;
        return new HarmEvent(
            HarmEventKinds.ContactForce,
            contact.PersonId,
            contact.Region.ToId(),
            peak.ForceN,
            limit,
            "N",
            severity,
            peak.TimeS,
            new HarmEventDetails(contactType, contact.PersonGeom, contact.OtherGeom, onset.ApproachSpeedMps)
            {
                OnsetTimeS = timeline.OnsetTimeS,
                DurationS = timeline.DurationS,
                Clamped = timeline.Clamped[peak.Sample],
                ModelForceN = onset.ModelPeakForceN,
                ModelForceStickingN = onset.ModelPeakForceStickingN,
                ModelForceAtPeakN = contact.AtPeak?.ModelPeakForceN,
                ModelForceAtPeakStickingN = contact.AtPeak?.ModelPeakForceStickingN,
                RobotEffectiveMassKg = onset.RobotSideEffectiveMassKg,
                PersonEffectiveMassKg = onset.PersonSideEffectiveMassKg,
                StiffnessNPerM = onset.StiffnessNPerM,
                Samples = timeline.Around(peak.TimeS, AuditHalfWidthS),
            });
    }
}
