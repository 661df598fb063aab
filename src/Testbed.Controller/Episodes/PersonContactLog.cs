using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>Turns the bridge's raw contact telemetry into the domain's person contacts: which person, which body
/// region, touched by the robot or by a payload. A contact that spans several Step calls arrives once per call;
/// the pieces are joined by geom pair and onset time.
/// <para>A long contact is split in two phases, because ISO/TS 15066 judges the first moments of a contact as a
/// transient impact (limit 2 F_s) and what follows as clamping (limit F_s): the peak of each phase is kept. The
/// split is at the granularity of a Step call, so a call straddling the boundary counts wholly on the side of its
/// peak.</para></summary>
public sealed class PersonContactLog(SceneManifest scene)
{
    private readonly IReadOnlySet<string> _robotBodies = scene.RobotBodies();
    private readonly IReadOnlySet<string> _payloadBodies = scene.PayloadBodies();
    private readonly Dictionary<(string, string, double), Phases> _contacts = [];

    private sealed class Phases(PersonGeom person, string otherGeom, string otherBody, ContactPartnerKind kind, double onset, double approach)
    {
        public PersonGeom Person { get; } = person;
        public string OtherGeom { get; } = otherGeom;
        public string OtherBody { get; } = otherBody;
        public ContactPartnerKind Kind { get; } = kind;
        public double Onset { get; } = onset;
        public double Approach { get; } = approach;
        public double Duration { get; set; }
        public ContactTelemetry? ImpactPeak { get; set; }
        public ContactTelemetry? ClampingPeak { get; set; }
    }

    /// <summary>Contacts that pressed on a person (force above zero).</summary>
    public int Count => _contacts.Values.Count(p => (p.ImpactPeak?.PeakNormalForceN ?? 0) > 0 || (p.ClampingPeak?.PeakNormalForceN ?? 0) > 0);

    /// <summary>Adds one Step call's telemetry; returns this call's person contacts on their own (not joined with
    /// earlier calls), so the caller can react to a harmful contact while the episode runs.</summary>
    public IReadOnlyList<PersonContact> Add(IEnumerable<ContactTelemetry> telemetry)
    {
        var added = new List<PersonContact>();
        foreach (var c in telemetry)
        {
            if (!Attribute(c, out var person, out var otherGeom, out var otherBody, out var kind)) continue;
            if (c.PeakNormalForceN > 0)
            {
                added.Add(new PersonContact(person.Person.Id, person.Region, person.RegionGeom.Geom, otherGeom, otherBody, kind,
                    c.OnsetTimeS, c.DurationS, c.PeakNormalForceN, c.PeakTimeS, c.ApproachSpeedMps,
                    c.PeakPosition?.X ?? 0, c.PeakPosition?.Y ?? 0, c.PeakPosition?.Z ?? 0));
            }
            var key = (c.Geom1, c.Geom2, c.OnsetTimeS);
            if (!_contacts.TryGetValue(key, out var phases))
            {
                _contacts[key] = phases = new Phases(person, otherGeom, otherBody, kind, c.OnsetTimeS, c.ApproachSpeedMps);
            }
            phases.Duration = Math.Max(phases.Duration, c.DurationS);
            var isImpact = c.PeakTimeS - c.OnsetTimeS <= ContactForceScorer.TransientWindowS;
            if (isImpact)
            {
                if (phases.ImpactPeak is null || c.PeakNormalForceN > phases.ImpactPeak.PeakNormalForceN) phases.ImpactPeak = c;
            }
            else if (phases.ClampingPeak is null || c.PeakNormalForceN > phases.ClampingPeak.PeakNormalForceN)
            {
                phases.ClampingPeak = c;
            }
        }
        return added;
    }

    public IReadOnlyList<PersonContact> Contacts()
    {
        var result = new List<PersonContact>();
        foreach (var p in _contacts.Values.OrderBy(p => p.Onset))
        {
            foreach (var peak in new[] { p.ImpactPeak, p.ClampingPeak })
            {
                // Geoms within contact margin that never pressed on each other exert no force: not a touch.
                if (peak is null || peak.PeakNormalForceN <= 0) continue;
                result.Add(new PersonContact(
                    p.Person.Person.Id, p.Person.Region, p.Person.RegionGeom.Geom, p.OtherGeom, p.OtherBody, p.Kind,
                    p.Onset, p.Duration, peak.PeakNormalForceN, peak.PeakTimeS, p.Approach,
                    peak.PeakPosition?.X ?? 0, peak.PeakPosition?.Y ?? 0, peak.PeakPosition?.Z ?? 0));
            }
        }
        return result;
    }

    /// <summary>A contact counts when one geom is a person's region geom and the other belongs to the robot or a
    /// payload. Person-floor or person-person contacts are not robot harm.</summary>
    private bool Attribute(ContactTelemetry c, out PersonGeom person, out string otherGeom, out string otherBody, out ContactPartnerKind kind)
    {
        person = null!;
        otherGeom = otherBody = "";
        kind = ContactPartnerKind.Robot;
        if (scene.FindPersonGeom(c.Geom1) is { } p1)
        {
            (person, otherGeom, otherBody) = (p1, c.Geom2, c.Body2);
        }
        else if (scene.FindPersonGeom(c.Geom2) is { } p2)
        {
            (person, otherGeom, otherBody) = (p2, c.Geom1, c.Body1);
        }
        else
        {
            return false;
        }
        if (_robotBodies.Contains(otherBody)) kind = ContactPartnerKind.Robot;
        else if (_payloadBodies.Contains(otherBody)) kind = ContactPartnerKind.Payload;
        else return false;
        return true;
    }
}
