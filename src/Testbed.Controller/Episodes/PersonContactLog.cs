using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>Turns the bridge's raw contact telemetry into the domain's person contacts: which person and body region,
/// touched by the robot or by a payload, with the force at every physics step from first touch to separation. The
/// force on a region geom is the sum over every robot and payload part pressing on it at that step (the contact names
/// the part that pressed hardest). The pieces a contact arrives in (one per Step call, one per re-touch, one per part)
/// are joined by region geom and time, so the result does not depend on how the episode was chunked.
/// <para>A person's body pressed against anything else (a table, a wall, the floor) at the same step as the robot or
/// a payload presses on it is clamped: ISO/TS 15066 judges clamping against the quasi-static limit.</para></summary>
public sealed class PersonContactLog
{
    private readonly SceneManifest _scene;
    private readonly double _stepS;
    private readonly IReadOnlySet<string> _robotBodies;
    private readonly IReadOnlySet<string> _payloadBodies;
    private readonly IReadOnlySet<string> _personBodies;
    private readonly Dictionary<string, RegionLog> _regions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<long>> _pressedOnEnvironment = new(StringComparer.Ordinal);

    public PersonContactLog(SceneManifest scene, double stepS)
    {
        _scene = scene;
        _stepS = stepS;
        _robotBodies = scene.RobotBodies();
        _payloadBodies = scene.PayloadBodies();
        _personBodies = scene.People.SelectMany(p => p.Regions.Select(r => r.Body)).ToHashSet(StringComparer.Ordinal);
    }

    private sealed class RegionLog(PersonGeom person, ContactTimelineBuilder builder)
    {
        public PersonGeom Person { get; } = person;
        public ContactTimelineBuilder Builder { get; } = builder;
        public List<Piece> Pieces { get; } = [];
    }

    private sealed record Piece(long FirstStep, long EndStep, string OtherGeom, string OtherBody, ContactPartnerKind Kind,
        ContactOnset Onset, double PeakForceN, double X, double Y, double Z, double InverseMassAtPeak, double InverseMassAtPeakSticking);

    /// <summary>Contacts that pressed on a person (force above zero).</summary>
    public int Count => _regions.Values.Sum(p => p.Builder.Contacts().Count);

    /// <summary>Adds one Step call's telemetry; returns this call's pieces of person contacts on their own (not joined
    /// with earlier calls), so the caller can react to a harmful contact while the episode runs. Non-finite telemetry
    /// is an <see cref="EpisodeFailure"/>: a broken simulation must never read as "no contact".</summary>
    public IReadOnlyList<PersonContact> Add(IEnumerable<ContactTelemetry> telemetry)
    {
        var added = new List<PersonContact>();
        foreach (var c in telemetry)
        {
            RequireFinite(c);
            var firstStep = (long)Math.Round(c.SamplesStartTimeS / _stepS);
            var person1 = _scene.FindPersonGeom(c.Geom1);
            var person2 = _scene.FindPersonGeom(c.Geom2);
            if (person1 is null && person2 is null) continue;
            if (person1 is not null && person2 is not null) continue; // a person touching a person is not robot harm
            var personFirst = person1 is not null;
            var person = (person1 ?? person2)!;
            var (otherGeom, otherBody) = personFirst ? (c.Geom2, c.Body2) : (c.Geom1, c.Body1);
            ContactPartnerKind kind;
            if (_robotBodies.Contains(otherBody)) kind = ContactPartnerKind.Robot;
            else if (_payloadBodies.Contains(otherBody)) kind = ContactPartnerKind.Payload;
            else
            {
                if (!_personBodies.Contains(otherBody)) RecordEnvironmentContact(person.RegionGeom.Body, firstStep, c.ForceSamplesN);
                continue;
            }

            if (!_regions.TryGetValue(person.RegionGeom.Geom, out var region))
            {
                _regions[person.RegionGeom.Geom] = region = new RegionLog(person, new ContactTimelineBuilder(_stepS));
            }
            region.Builder.Add(firstStep, c.ForceSamplesN);
            var peak = c.PeakPosition ?? new Vec3();
            var piece = new Piece(firstStep, firstStep + c.ForceSamplesN.Count, otherGeom, otherBody, kind, Onset(c, personFirst),
                c.PeakNormalForceN, peak.X, peak.Y, peak.Z, c.InverseEffectiveMassAtPeakPerKg, c.InverseEffectiveMassAtPeakStickingPerKg);
            region.Pieces.Add(piece);

            var alone = new ContactTimelineBuilder(_stepS);
            alone.Add(firstStep, c.ForceSamplesN);
            foreach (var (start, forces) in alone.Contacts())
            {
                added.Add(ToPersonContact(region.Person, [piece], start, forces, clamped: null));
            }
        }
        return added;
    }

    public IReadOnlyList<PersonContact> Contacts()
    {
        var result = new List<PersonContact>();
        foreach (var region in _regions.Values)
        {
            _pressedOnEnvironment.TryGetValue(region.Person.RegionGeom.Body, out var pressed);
            foreach (var (start, forces) in region.Builder.Contacts())
            {
                var clamped = new bool[forces.Length];
                if (pressed is not null)
                {
                    for (var i = 0; i < forces.Length; i++) clamped[i] = forces[i] > 0 && pressed.Contains(start + i);
                }
                result.Add(ToPersonContact(region.Person, region.Pieces, start, forces, clamped));
            }
        }
        return result.OrderBy(c => c.OnsetTimeS).ThenBy(c => c.PersonGeom, StringComparer.Ordinal).ToList();
    }

    /// <summary>A contact named after the part that pressed hardest, with the onset of the part that touched first.</summary>
    private PersonContact ToPersonContact(PersonGeom person, IReadOnlyList<Piece> allPieces, long start, double[] forces, bool[]? clamped)
    {
        var end = start + forces.Length;
        var pieces = allPieces.Where(p => p.EndStep > start && p.FirstStep < end).ToList();
        var first = pieces.OrderBy(p => p.FirstStep).First();
        var strongest = pieces.MaxBy(p => p.PeakForceN)!;
        return new PersonContact(
            person.Person.Id, person.Region, person.RegionGeom.Geom, strongest.OtherGeom, strongest.OtherBody, strongest.Kind,
            new ContactForceTimeline(start * _stepS, _stepS, forces, clamped), first.Onset, strongest.X, strongest.Y, strongest.Z,
            AtPeak(first.Onset, strongest));
    }

    /// <summary>The model for the onset's approach speed and the inertia where the strongest part's force acted at its
    /// peak; null for a contact the bridge did not make compliant.</summary>
    private static ContactModelAtPeak? AtPeak(ContactOnset onset, Piece strongest)
    {
        if (onset.StiffnessNPerM is not > 0 || !(strongest.InverseMassAtPeak > 0 && strongest.InverseMassAtPeakSticking > 0)) return null;
        var (v, k) = (Math.Max(0, onset.ApproachSpeedMps), onset.StiffnessNPerM.Value);
        return new ContactModelAtPeak(v * Math.Sqrt(k / strongest.InverseMassAtPeak), v * Math.Sqrt(k / strongest.InverseMassAtPeakSticking));
    }

    private void RecordEnvironmentContact(string personBody, long firstStep, IReadOnlyList<double> forces)
    {
        if (!_pressedOnEnvironment.TryGetValue(personBody, out var steps))
        {
            _pressedOnEnvironment[personBody] = steps = [];
        }
        for (var i = 0; i < forces.Count; i++)
        {
            if (forces[i] > 0) steps.Add(firstStep + i);
        }
    }

    private static ContactOnset Onset(ContactTelemetry c, bool personIsGeom1)
    {
        if (c.StiffnessNPerM <= 0) return new ContactOnset(c.ApproachSpeedMps);
        var (person, other) = personIsGeom1
            ? (c.InverseEffectiveMass1PerKg, c.InverseEffectiveMass2PerKg)
            : (c.InverseEffectiveMass2PerKg, c.InverseEffectiveMass1PerKg);
        return new ContactOnset(c.ApproachSpeedMps, Mass(other), Mass(person), c.StiffnessNPerM, c.ModelPeakForceN, c.ModelPeakForceStickingN);
    }

    /// <summary>An inverse mass of 0 is an immovable side: no finite mass to report.</summary>
    private static double? Mass(double inverse) => inverse > 0 ? 1 / inverse : null;

    private static void RequireFinite(ContactTelemetry c)
    {
        var bad = !double.IsFinite(c.PeakNormalForceN) || !double.IsFinite(c.ApproachSpeedMps) || !double.IsFinite(c.SamplesStartTimeS)
            || !double.IsFinite(c.InverseEffectiveMassPerKg) || !double.IsFinite(c.ModelPeakForceN)
            || !double.IsFinite(c.InverseEffectiveMassAtPeakPerKg) || !double.IsFinite(c.InverseEffectiveMassAtPeakStickingPerKg);
        for (var i = 0; !bad && i < c.ForceSamplesN.Count; i++) bad = !double.IsFinite(c.ForceSamplesN[i]) || c.ForceSamplesN[i] < 0;
        if (bad)
        {
            throw new EpisodeFailure($"the bridge reported a non-finite or negative value for the contact of '{c.Geom1}' and '{c.Geom2}' at t={c.SamplesStartTimeS:F3} s (peak {c.PeakNormalForceN} N); the simulation cannot be trusted, so its contacts cannot be scored");
        }
    }
}
