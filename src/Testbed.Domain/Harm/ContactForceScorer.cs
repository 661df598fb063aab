using Testbed.Domain.Calibration;

namespace Testbed.Domain.Harm;

/// <summary>
/// Scores each person contact against the ISO/TS 15066 force limits of its body region.
/// </summary>
public sealed class ContactForceScorer
{
    /// <summary>
    /// A force peak within this many seconds of contact onset counts as transient (free impact), later ones as
    /// quasi-static (clamping). The 0.5 s cut-off is seen in secondary sources only and is not verified
    /// (harm-limits.md §1: V2, weak), hence a named constant that is easy to find and change.
    /// </summary>
    public const double TransientWindowS = 0.5;

    private readonly BodyModel _bodyModel;
    private readonly ContactCalibration? _calibration;

    /// <param name="calibration">The scene's contact calibration, to report the analytic free-impact force next to
    /// each measured one; null leaves it out.</param>
    public ContactForceScorer(BodyModel bodyModel, ContactCalibration? calibration = null)
    {
        _bodyModel = bodyModel;
        _calibration = calibration;
    }

    public IReadOnlyList<HarmEvent> Score(IEnumerable<PersonContact> contacts) => contacts.Select(Score).ToList();

    public HarmEvent Score(PersonContact contact)
    {
        if (!double.IsFinite(contact.PeakNormalForceN) || contact.PeakNormalForceN < 0)
        {
            // A NaN force means the simulation broke; scoring it as "within limit" would hide that.
            throw new ArgumentException($"contact of {contact.PersonId}/{contact.PersonGeom}: peak normal force {contact.PeakNormalForceN} is not a finite, non-negative number", nameof(contact));
        }

        var limits = _bodyModel[contact.Region];
        var transient = contact.PeakTimeS - contact.OnsetTimeS <= TransientWindowS;
        var contactType = transient ? ContactTypes.Transient : ContactTypes.QuasiStatic;

        double? limit;
        HarmSeverity severity;
        if (limits.ContactNotPermissible)
        {
            // Any contact is prohibited and the standard gives no force for it: no limit rather than an invented one.
            limit = null;
            severity = HarmSeverity.Prohibited;
        }
        else
        {
            limit = transient ? limits.TransientForceLimitN : limits.QuasiStaticForceN;
            severity = contact.PeakNormalForceN > limit ? HarmSeverity.Violation : HarmSeverity.WithinLimit;
        }

        return new HarmEvent(
            HarmEventKinds.ContactForce,
            contact.PersonId,
            contact.Region.ToId(),
            contact.PeakNormalForceN,
            limit,
            "N",
            severity,
            contact.PeakTimeS,
            new HarmEventDetails(contactType, contact.PersonGeom, contact.OtherGeom, contact.ApproachSpeedMps,
                _calibration?.AnalyticPeakForceN(contact.Region, Math.Max(0, contact.ApproachSpeedMps))));
    }
}
