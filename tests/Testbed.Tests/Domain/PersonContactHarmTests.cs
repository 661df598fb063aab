using Testbed.Domain.Harm;

namespace Testbed.Tests.Domain;

/// <summary>A person contact's harm in every kind it gives: force, pressure on the declared area of the part that
/// pressed, and the energy stored in the region's spring at the transient peak.</summary>
public sealed class PersonContactHarmTests
{
    private const double Step = 0.001;
    private static readonly PersonContactHarm Harm = new(BodyModel.LoadIsoTs15066(), [new ContactSurface("tote_shell", ContactSurfaceKind.Edge, 4.0)]);

    private static PersonContact Chest(string otherGeom, double durationS, Func<double, double> force)
    {
        var forces = Enumerable.Range(0, (int)Math.Round(durationS / Step)).Select(i => force(i * Step)).ToArray();
        return new PersonContact("worker", BodyRegion.Chest, "worker_chest", otherGeom, "tote", ContactPartnerKind.Payload,
            new ContactForceTimeline(3.0, Step, forces), new ContactOnset(1.5, 0.8, 18.7, 25_000, 270, 350), 0, 0, 1.3);
    }

    [Fact]
    public void A_300_N_chest_impact_of_a_tote_edge_gives_force_pressure_and_energy()
    {
        var events = Harm.Score(Chest("tote_shell", 0.04, t => 300 * Math.Sin(Math.PI * t / 0.04)));

        var pressure = Assert.Single(events, e => e.Kind == HarmEventKinds.Pressure);
        Assert.Equal(300.0 / 4.0, pressure.Value, 2);         // N/cm²
        Assert.Equal(240, pressure.Limit);                    // 2 × p_s 120 N/cm², transient
        Assert.Equal(HarmSeverity.WithinLimit, pressure.Severity);
        var energy = Assert.Single(events, e => e.Kind == HarmEventKinds.TransferredEnergy);
        Assert.Equal(300.0 * 300 / (2 * 25_000), energy.Value, 3); // 1.8 J
        Assert.Equal(280.0 * 280 / (2 * 25_000), energy.Limit!.Value, 6); // 1.568 J
        Assert.Equal(HarmSeverity.Violation, energy.Severity);
        Assert.Equal(HarmSeverity.Violation, Assert.Single(events, e => e.Kind == HarmEventKinds.ContactForce).Severity);
        // The energy (1.8 J of 1.568 J) is the force (300 N of 280 N) squared: the force is what the summary names.
        Assert.Equal(HarmEventKinds.ContactForce, Testbed.Domain.Verdicts.VerdictRule.WorstHarm(events)!.Kind);
    }

    [Fact]
    public void A_250_N_impact_stays_within_every_limit()
    {
        var events = Harm.Score(Chest("tote_shell", 0.04, t => 250 * Math.Sin(Math.PI * t / 0.04)));

        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(HarmSeverity.WithinLimit, e.Severity));
    }

    [Fact]
    public void A_press_gives_a_quasi_static_pressure_and_no_second_energy_event()
    {
        var events = Harm.Score(Chest("tote_shell", 1.0, _ => 150));

        var pressures = events.Where(e => e.Kind == HarmEventKinds.Pressure).ToList();
        Assert.Equal(2, pressures.Count);
        var quasiStatic = Assert.Single(pressures, p => p.Limit == 120);
        Assert.Equal(37.5, quasiStatic.Value, 6);
        Assert.Single(events, e => e.Kind == HarmEventKinds.TransferredEnergy);
    }

    [Fact]
    public void A_part_without_a_declared_area_gives_no_pressure_event()
    {
        var events = Harm.Score(Chest("arm_forearm_link", 0.04, t => 300 * Math.Sin(Math.PI * t / 0.04)));

        Assert.DoesNotContain(events, e => e.Kind == HarmEventKinds.Pressure);
        Assert.Contains(events, e => e.Kind == HarmEventKinds.TransferredEnergy);
    }
}
