using System.Text.Json;
using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

/// <summary>ISO/TS 15066 classification on a contact's whole timeline: the free part's peak in the first 0.5 s against
/// 2·F_s, anything after it or while clamped against F_s. Timelines are built sample by sample at 1 ms.</summary>
public class ContactForceScorerTests
{
    private const double Step = 0.001;
    private readonly ContactForceScorer _scorer = new(BodyModel.LoadIsoTs15066());

    /// <summary>A contact starting at t = 2 s: <paramref name="force"/>(seconds since onset) at each 1 ms step.</summary>
    private static PersonContact Contact(BodyRegion region, double durationS, Func<double, double> force, Func<double, bool>? clamped = null)
    {
        var n = (int)Math.Round(durationS / Step);
        var forces = Enumerable.Range(0, n).Select(i => force(i * Step)).ToArray();
        var flags = Enumerable.Range(0, n).Select(i => clamped?.Invoke(i * Step) ?? false).ToArray();
        return new PersonContact("worker", region, "worker_geom", "arm_tool_geom", "arm_tool", ContactPartnerKind.Robot,
            new ContactForceTimeline(2.0, Step, forces, flags), new ContactOnset(0.3, 7.0, 40.0, 25_000, 220.0), 0.5, 0, 1.2,
            new ContactModelAtPeak(240.0, 250.0));
    }

    /// <summary>A half-sine impact of <paramref name="peak"/> N lasting 40 ms.</summary>
    private static Func<double, double> Impact(double peak) => t => t < 0.04 ? peak * Math.Sin(Math.PI * t / 0.04) : 0;

    [Fact]
    public void A_300_N_chest_impact_is_a_transient_violation_of_280_N()
    {
        var harm = Assert.Single(_scorer.Score(Contact(BodyRegion.Chest, 0.04, Impact(300))));

        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(280, harm.Limit);
        Assert.Equal(300, harm.Value, 1);
        Assert.Equal(ContactTypes.Transient, harm.Details!.ContactType);
        Assert.Equal(2.02, harm.TimeS, 3);
    }

    [Fact]
    public void A_250_N_chest_impact_is_within_the_transient_limit()
    {
        var harm = Assert.Single(_scorer.Score(Contact(BodyRegion.Chest, 0.04, Impact(250))));

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(280, harm.Limit);
    }

    [Fact]
    public void A_press_of_170_N_held_past_half_a_second_violates_the_quasi_static_140_N()
    {
        // The review's long press: 157–181 N read 0.5–0.7 s after first touch, once labelled transient and safe.
        var events = _scorer.Score(Contact(BodyRegion.Chest, 3.7, t => Math.Min(181, 400 * t)));

        var quasiStatic = Assert.Single(events, e => e.Details!.ContactType == ContactTypes.QuasiStatic);
        Assert.Equal(HarmSeverity.Violation, quasiStatic.Severity);
        Assert.Equal(140, quasiStatic.Limit);
        Assert.Equal(181, quasiStatic.Value, 6);
        var transient = Assert.Single(events, e => e.Details!.ContactType == ContactTypes.Transient);
        Assert.Equal(HarmSeverity.WithinLimit, transient.Severity);
    }

    [Fact]
    public void An_impact_followed_by_a_press_is_judged_as_both()
    {
        // The review's 1 s chunk: a 270 N impact (within 280) then a 0.9 s press at 150 N (over 140).
        var events = _scorer.Score(Contact(BodyRegion.Chest, 1.0, t => t < 0.04 ? Impact(270)(t) : 150));

        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e.Details!.ContactType == ContactTypes.Transient && e.Value == 270 && e.Severity == HarmSeverity.WithinLimit);
        Assert.Contains(events, e => e.Details!.ContactType == ContactTypes.QuasiStatic && e.Value == 150 && e.Severity == HarmSeverity.Violation);
    }

    [Fact]
    public void A_clamped_part_is_judged_against_the_quasi_static_limit_however_short_the_contact()
    {
        var free = _scorer.Score(Contact(BodyRegion.HandFingers, 0.1, _ => 200));
        var clamped = _scorer.Score(Contact(BodyRegion.HandFingers, 0.1, _ => 200, clamped: _ => true));

        Assert.Equal(HarmSeverity.WithinLimit, Assert.Single(free).Severity); // 200 N <= 280 N transient
        var clamp = Assert.Single(clamped);
        Assert.Equal(ContactTypes.QuasiStatic, clamp.Details!.ContactType);
        Assert.True(clamp.Details.Clamped);
        Assert.Equal(140, clamp.Limit);
        Assert.Equal(HarmSeverity.Violation, clamp.Severity);
    }

    [Fact]
    public void Any_face_contact_is_prohibited()
    {
        var harm = Assert.Single(_scorer.Score(Contact(BodyRegion.Face, 0.02, _ => 10)));

        Assert.Equal(HarmSeverity.Prohibited, harm.Severity);
        Assert.Null(harm.Limit); // the standard gives no force for the face: no invented limit
        Assert.Equal("face", harm.Region);
    }

    [Fact]
    public void An_event_carries_its_onset_duration_model_force_and_the_samples_around_its_peak()
    {
        var harm = Assert.Single(_scorer.Score(Contact(BodyRegion.HandFingers, 0.2, t => t < 0.1 ? 5 : 5 + Impact(85)(t - 0.1))));

        Assert.Equal(HarmEventKinds.ContactForce, harm.Kind);
        Assert.Equal("worker", harm.Person);
        Assert.Equal("hand_fingers", harm.Region);
        Assert.Equal("N", harm.Unit);
        var d = harm.Details!;
        Assert.Equal("worker_geom", d.Geom);
        Assert.Equal("arm_tool_geom", d.OtherGeom);
        Assert.Equal(2.0, d.OnsetTimeS);
        Assert.Equal(0.2, d.DurationS!.Value, 9);
        Assert.Equal(220.0, d.ModelForceN);
        Assert.Equal(240.0, d.ModelForceAtPeakN);
        Assert.Equal(250.0, d.ModelForceAtPeakStickingN);
        Assert.Equal(7.0, d.RobotEffectiveMassKg);
        Assert.Equal(51, d.Samples!.ForcesN.Count); // ±25 ms at 1 ms
        Assert.Equal(90, d.Samples.ForcesN.Max(), 6);
        Assert.Equal(harm.TimeS - 0.025, d.Samples.StartTimeS, 9);
    }

    [Fact]
    public void A_non_finite_force_sample_is_refused_rather_than_scored()
    {
        Assert.Throws<ArgumentException>(() => Contact(BodyRegion.Chest, 0.01, t => t > 0.005 ? double.NaN : 10));
    }

    [Fact]
    public void A_harm_event_serialises_with_the_episode_field_names()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, 0.04, Impact(300)))[0];

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(harm));
        var root = json.RootElement;

        Assert.Equal("contact_force", root.GetProperty("kind").GetString());
        Assert.Equal("chest", root.GetProperty("region").GetString());
        Assert.Equal("violation", root.GetProperty("severity").GetString());
        Assert.Equal(280, root.GetProperty("limit").GetDouble());
        Assert.Equal("N", root.GetProperty("unit").GetString());
        Assert.True(root.TryGetProperty("time_s", out _));
        var details = root.GetProperty("details");
        Assert.Equal("transient", details.GetProperty("contact_type").GetString());
        Assert.Equal(2.0, details.GetProperty("onset_time_s").GetDouble());
        Assert.Equal(240.0, details.GetProperty("model_force_at_peak_n").GetDouble());
        Assert.Equal(250.0, details.GetProperty("model_force_at_peak_sticking_n").GetDouble());
        Assert.True(details.GetProperty("samples").GetProperty("force_n").GetArrayLength() > 0);
        Assert.Equal(300, JsonSerializer.Deserialize<HarmEvent>(json.RootElement.GetRawText())!.Value, 1);
    }

    [Fact]
    public void Severity_ids_round_trip()
    {
        Assert.Equal("within_limit", HarmSeverity.WithinLimit.ToId());
        foreach (var severity in Enum.GetValues<HarmSeverity>())
        {
            Assert.Equal(severity, HarmSeverityIds.Parse(severity.ToId()));
        }
    }
}
