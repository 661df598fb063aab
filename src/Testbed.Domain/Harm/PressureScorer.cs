namespace Testbed.Domain.Harm;

/// <summary>
/// A contact to score for pressure: the force on a body region and the declared area of the part that touched.
/// </summary>
/// <param name="ForceN">The contact force whose pressure is judged (the peak for a transient contact, the
/// sustained force for a quasi-static one), as the contact-force scorer judges it.</param>
/// <param name="AreaCm2">The robot or payload part's declared contact area (<see cref="ContactSurface"/>).</param>
/// <param name="Transient">True for a free impact (limit 2 × p_s), false for clamping (limit p_s).</param>
/// <param name="TimeS">Simulation time of the force.</param>
public sealed record PressureContact(
    string PersonId, BodyRegion Region, double ForceN, double AreaCm2, bool Transient, double TimeS)
{
    public string? PersonGeom { get; init; }

    public string? OtherGeom { get; init; }

    public ContactSurfaceKind? SurfaceKind { get; init; }

    /// <summary>The same contact with the area, geom and kind of a declared surface.</summary>
    public static PressureContact On(ContactSurface surface, string personId, BodyRegion region, double forceN, bool transient, double timeS) =>
        new(personId, region, forceN, surface.AreaCm2, transient, timeS) { OtherGeom = surface.Geom, SurfaceKind = surface.Kind };
}

/// <summary>
/// Scores pressure = force ÷ contact area against ISO/TS 15066 Table A.2: p_s for a quasi-static contact,
/// 2 × p_s for a transient one, p_s of the region's most sensitive area (the testbed knows the region a geom
/// stands for, not which Table A.2 area inside it was hit). Rule: above the limit is a violation; any contact on
/// the skull, forehead or face is prohibited, with no limit.
/// </summary>
public sealed class PressureScorer(BodyModel bodyModel)
{
    public const string Unit = "N/cm2";

    /// <exception cref="ArgumentException">Force or area is not finite, the force is negative or the area not positive.</exception>
    public HarmEvent Score(PressureContact contact)
    {
        if (!double.IsFinite(contact.ForceN) || contact.ForceN < 0)
        {
            throw new ArgumentException($"pressure on {contact.PersonId}/{contact.Region.ToId()}: force {contact.ForceN} N is not a finite, non-negative number", nameof(contact));
        }

        if (!double.IsFinite(contact.AreaCm2) || !(contact.AreaCm2 > 0))
        {
            throw new ArgumentException($"pressure on {contact.PersonId}/{contact.Region.ToId()}: contact area {contact.AreaCm2} cm² of {contact.OtherGeom ?? "the touching part"} is not a positive number", nameof(contact));
        }

        var limits = bodyModel[contact.Region];
        var pressure = contact.ForceN / contact.AreaCm2;
        var limit = limits.PressureLimitNPerCm2(contact.Transient);
        var severity = limit is not { } l ? HarmSeverity.Prohibited : pressure > l ? HarmSeverity.Violation : HarmSeverity.WithinLimit;
        return new HarmEvent(
            HarmEventKinds.Pressure,
            contact.PersonId,
            contact.Region.ToId(),
            pressure,
            limit,
            Unit,
            severity,
            contact.TimeS,
            new HarmEventDetails(contact.Transient ? ContactTypes.Transient : ContactTypes.QuasiStatic, contact.PersonGeom, contact.OtherGeom)
            {
                ForceN = contact.ForceN,
                ContactAreaCm2 = contact.AreaCm2,
                SurfaceKind = contact.SurfaceKind?.ToId(),
            });
    }
}
