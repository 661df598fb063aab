using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Tests.Episodes;

/// <summary>How raw bridge telemetry becomes person contacts: attribution by the warehouse manifest, joining the
/// pieces of one contact across Step calls, and the impact / clamping split.</summary>
public sealed class PersonContactLogTests
{
    private static readonly SceneManifest Warehouse = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");

    private static ContactTelemetry Touch(string geom1, string body1, string geom2, string body2, double onset, double peakTime, double force) => new()
    {
        Geom1 = geom1, Body1 = body1, Geom2 = geom2, Body2 = body2, OnsetTimeS = onset, PeakTimeS = peakTime,
        PeakNormalForceN = force, DurationS = peakTime - onset + 0.001, ApproachSpeedMps = 0.8, PeakPosition = new Vec3 { X = 1, Y = 2, Z = 3 },
    };

    [Fact]
    public void A_contact_spanning_calls_is_one_contact_with_an_impact_and_a_clamping_peak()
    {
        var log = new PersonContactLog(Warehouse);
        log.Add([Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 1.00, 1.05, 300)]);
        log.Add([Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 1.00, 1.30, 350)]);
        log.Add([Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 1.00, 1.80, 150)]);

        var contacts = log.Contacts();

        Assert.Equal(1, log.Count);
        Assert.Equal(2, contacts.Count);
        Assert.All(contacts, c => Assert.Equal(BodyRegion.Chest, c.Region));
        Assert.All(contacts, c => Assert.Equal(ContactPartnerKind.Robot, c.OtherKind));
        Assert.Equal(350, contacts[0].PeakNormalForceN);
        Assert.Equal(150, contacts[1].PeakNormalForceN);
        var events = new ContactForceScorer(BodyModel.LoadIsoTs15066()).Score(contacts);
        Assert.Equal(HarmSeverity.Violation, events[0].Severity); // 350 N > 280 N transient
        Assert.Equal(HarmSeverity.Violation, events[1].Severity); // 150 N > 140 N quasi-static, after 0.5 s
    }

    [Fact]
    public void The_person_geom_may_be_either_side_and_a_payload_counts()
    {
        var log = new PersonContactLog(Warehouse);
        var added = log.Add([Touch("worker_hand_l", "worker_hand_l", "tote_shell", "tote", 2.0, 2.01, 90)]);

        var contact = Assert.Single(added);
        Assert.Equal(BodyRegion.HandFingers, contact.Region);
        Assert.Equal(ContactPartnerKind.Payload, contact.OtherKind);
        Assert.Equal("tote_shell", contact.OtherGeom);
    }

    [Fact]
    public void Contacts_without_a_person_or_without_force_are_not_harm()
    {
        var log = new PersonContactLog(Warehouse);
        log.Add(
        [
            Touch("tote_shell", "tote", "station_top", "world", 0.0, 0.1, 19.6),
            Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 3.0, 3.0, 0),
        ]);

        Assert.Empty(log.Contacts());
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public void Two_touches_of_the_same_geoms_are_two_contacts()
    {
        var log = new PersonContactLog(Warehouse);
        log.Add([Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 1.0, 1.01, 200)]);
        log.Add([Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", 2.0, 2.01, 220)]);

        Assert.Equal(2, log.Count);
        Assert.Equal([200.0, 220.0], log.Contacts().Select(c => c.PeakNormalForceN));
    }
}
