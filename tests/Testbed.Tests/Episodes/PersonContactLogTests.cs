using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Tests.Episodes;

/// <summary>How raw bridge telemetry becomes person contacts: attribution by the warehouse manifest, one contact per
/// touch however the steps were chunked, the hysteresis that joins chatter, clamping, and non-finite telemetry.</summary>
public sealed class PersonContactLogTests
{
    private const double Step = 0.001;
    private static readonly SceneManifest Warehouse = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");
    private static readonly ContactForceScorer Scorer = new(BodyModel.LoadIsoTs15066());

    /// <summary>One telemetry record: constant <paramref name="force"/> from <paramref name="start"/> for
    /// <paramref name="duration"/> seconds, sampled every step.</summary>
    private static ContactTelemetry Touch(string geom1, string body1, string geom2, string body2, double start, double duration, double force)
    {
        var t = new ContactTelemetry
        {
            Geom1 = geom1, Body1 = body1, Geom2 = geom2, Body2 = body2, OnsetTimeS = start, SamplesStartTimeS = start,
            PeakTimeS = start, PeakNormalForceN = force, DurationS = duration, ApproachSpeedMps = 0.8,
            PeakPosition = new Vec3 { X = 1, Y = 2, Z = 3 },
        };
        t.ForceSamplesN.AddRange(Enumerable.Repeat(force, (int)Math.Round(duration / Step)));
        return t;
    }

    private static ContactTelemetry Chest(double start, double duration, double force) =>
        Touch("arm_forearm_link", "arm_forearm", "worker_chest", "worker_chest", start, duration, force);

    [Fact]
    public void A_press_split_over_many_calls_is_one_contact_judged_on_its_whole_timeline()
    {
        // 0.95 s at 200 N, reported as 19 chunks of 50 ms.
        var log = new PersonContactLog(Warehouse, Step);
        for (var i = 0; i < 19; i++) log.Add([Chest(1.0 + i * 0.05, 0.05, 200)]);

        var contact = Assert.Single(log.Contacts());
        Assert.Equal(1.0, contact.OnsetTimeS, 9);
        Assert.Equal(0.95, contact.DurationS, 9);
        Assert.Contains(Scorer.Score(contact), e => e.Details!.ContactType == ContactTypes.QuasiStatic && e.Severity == HarmSeverity.Violation);
    }

    [Fact]
    public void A_one_millisecond_separation_does_not_restart_the_transient_window()
    {
        // The review's chatter press: 200 N for 0.95 s with a 1 ms break, once two transient contacts within limit.
        var log = new PersonContactLog(Warehouse, Step);
        log.Add([Chest(1.0, 0.5, 200), Chest(1.501, 0.449, 200)]);

        var contact = Assert.Single(log.Contacts());
        Assert.Equal(0.95, contact.DurationS, 9);
        Assert.Equal(0, contact.Timeline.ForcesN[500]);
        var quasiStatic = Assert.Single(Scorer.Score(contact), e => e.Details!.ContactType == ContactTypes.QuasiStatic);
        Assert.Equal(HarmSeverity.Violation, quasiStatic.Severity);
    }

    [Fact]
    public void Two_touches_further_apart_than_the_hysteresis_are_two_contacts()
    {
        var log = new PersonContactLog(Warehouse, Step);
        log.Add([Chest(1.0, 0.02, 200)]);
        log.Add([Chest(1.0 + 0.02 + ContactTimelineBuilder.DefaultHysteresisS + 0.01, 0.02, 220)]);

        Assert.Equal(2, log.Count);
        Assert.Equal([200.0, 220.0], log.Contacts().Select(c => c.PeakNormalForceN));
    }

    [Fact]
    public void The_person_geom_may_be_either_side_and_a_payload_counts()
    {
        var log = new PersonContactLog(Warehouse, Step);
        var added = log.Add([Touch("worker_hand_l", "worker_hand_l", "tote_shell", "tote", 2.0, 0.01, 90)]);

        var contact = Assert.Single(added);
        Assert.Equal(BodyRegion.HandFingers, contact.Region);
        Assert.Equal(ContactPartnerKind.Payload, contact.OtherKind);
        Assert.Equal("tote_shell", contact.OtherGeom);
    }

    [Fact]
    public void A_body_pressed_against_the_environment_at_the_same_step_is_clamped()
    {
        var log = new PersonContactLog(Warehouse, Step);
        log.Add(
        [
            Touch("arm_tool_flange", "arm_tool", "worker_hand_r", "worker_hand_r", 3.0, 0.1, 180),
            Touch("worker_hand_r", "worker_hand_r", "tote_station_table", "tote_station", 3.05, 0.1, 190),
        ]);

        var contact = Assert.Single(log.Contacts());
        Assert.Equal(50, contact.Timeline.Clamped.Count(c => c));
        var clamp = Assert.Single(Scorer.Score(contact), e => e.Details!.ContactType == ContactTypes.QuasiStatic);
        Assert.True(clamp.Details!.Clamped);
        Assert.Equal(HarmSeverity.Violation, clamp.Severity); // 180 N > 140 N, though 0.1 s is well inside the transient window
    }

    [Fact]
    public void Contacts_without_a_person_or_without_force_are_not_harm()
    {
        var log = new PersonContactLog(Warehouse, Step);
        log.Add(
        [
            Touch("tote_shell", "tote", "station_top", "world", 0.0, 0.1, 19.6),
            Chest(3.0, 0.01, 0),
        ]);

        Assert.Empty(log.Contacts());
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public void A_non_finite_force_sample_fails_the_episode_instead_of_reading_as_no_contact()
    {
        var log = new PersonContactLog(Warehouse, Step);
        var bad = Chest(1.0, 0.01, 100);
        bad.ForceSamplesN[3] = double.NaN;

        var error = Assert.Throws<EpisodeFailure>(() => log.Add([bad]));
        Assert.Contains("worker_chest", error.Message);
    }
}
