namespace Testbed.Domain.Harm;

/// <summary>
/// Every harm kind a person contact gives, on its whole timeline: the contact force against ISO/TS 15066's transient
/// and quasi-static limits (<see cref="ContactForceScorer"/>); for each of those, the pressure where the scene declares
/// the contact area of the part that pressed (<see cref="PressureScorer"/>); and the energy stored in the region's
/// spring at the transient peak (<see cref="TransferredEnergyScorer"/>).
/// </summary>
public sealed class PersonContactHarm(BodyModel bodyModel, IReadOnlyList<ContactSurface> surfaces)
{
    private readonly ContactForceScorer _force = new(bodyModel);
    private readonly PressureScorer _pressure = new(bodyModel);
    private readonly TransferredEnergyScorer _energy = new(bodyModel);
    private readonly IReadOnlyDictionary<string, ContactSurface> _surfaces = surfaces.ToDictionary(s => s.Geom, StringComparer.Ordinal);

    public IReadOnlyList<HarmEvent> Score(IEnumerable<PersonContact> contacts) => contacts.SelectMany(Score).ToList();

    public IReadOnlyList<HarmEvent> Score(PersonContact contact)
    {
        var events = new List<HarmEvent>();
        foreach (var force in _force.Score(contact))
        {
            events.Add(force);
            var transient = force.Details?.ContactType != ContactTypes.QuasiStatic;
            if (_surfaces.TryGetValue(contact.OtherGeom, out var surface))
            {
                events.Add(_pressure.Score(PressureContact.On(surface, contact.PersonId, contact.Region, force.Value, transient, force.TimeS) with
                {
                    PersonGeom = contact.PersonGeom,
                }));
            }
            if (transient)
            {
                events.Add(_energy.Score(new EnergyContact(contact.PersonId, contact.Region, force.Value, force.TimeS)
                {
                    PersonGeom = contact.PersonGeom,
                    OtherGeom = contact.OtherGeom,
                    ApproachSpeedMps = contact.Onset.ApproachSpeedMps,
                    RobotEffectiveMassKg = contact.Onset.RobotSideEffectiveMassKg,
                }));
            }
        }
        return events;
    }
}
