using System.Text.Json;
using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

public class ContactForceScorerTests
{
    private readonly ContactForceScorer _scorer = new(BodyModel.LoadIsoTs15066());

    [Fact]
    public void Chest_300_N_transient_is_a_violation_of_280()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, forceN: 300, peakAfterOnsetS: 0.05));

        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(280, harm.Limit);
        Assert.Equal(300, harm.Value);
        Assert.Equal(ContactTypes.Transient, harm.Details!.ContactType);
    }

    [Fact]
    public void Chest_250_N_transient_is_within_limit()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, forceN: 250, peakAfterOnsetS: 0.05));

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(280, harm.Limit);
    }

    [Fact]
    public void Chest_150_N_one_second_after_onset_violates_quasi_static_140()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, forceN: 150, peakAfterOnsetS: 1.0));

        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(140, harm.Limit);
        Assert.Equal(ContactTypes.QuasiStatic, harm.Details!.ContactType);
    }

    [Fact]
    public void Peak_exactly_at_the_window_is_still_transient()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, forceN: 150, peakAfterOnsetS: ContactForceScorer.TransientWindowS));

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(280, harm.Limit);
    }

    [Theory]
    [InlineData(BodyRegion.Face, 0.01)]
    [InlineData(BodyRegion.SkullForehead, 0.01)]
    [InlineData(BodyRegion.Face, 2.0)]
    public void Skull_and_face_contact_is_prohibited_with_no_invented_limit(BodyRegion region, double peakAfterOnsetS)
    {
        var harm = _scorer.Score(Contact(region, forceN: 10, peakAfterOnsetS: peakAfterOnsetS));

        Assert.Equal(HarmSeverity.Prohibited, harm.Severity);
        Assert.Null(harm.Limit);
        Assert.Equal(region.ToId(), harm.Region);
    }

    [Fact]
    public void Event_carries_person_geoms_time_and_unit()
    {
        var harm = _scorer.Score(Contact(BodyRegion.HandFingers, forceN: 90, peakAfterOnsetS: 0.1));

        Assert.Equal(HarmEventKinds.ContactForce, harm.Kind);
        Assert.Equal("worker", harm.Person);
        Assert.Equal("hand_fingers", harm.Region);
        Assert.Equal("N", harm.Unit);
        Assert.Equal(2.1, harm.TimeS, 12);
        Assert.Equal("worker_geom", harm.Details!.Geom);
        Assert.Equal("arm_tool_geom", harm.Details.OtherGeom);
    }

    [Fact]
    public void Nan_force_is_rejected_rather_than_scored()
    {
        Assert.Throws<ArgumentException>(() => _scorer.Score(Contact(BodyRegion.Chest, forceN: double.NaN, peakAfterOnsetS: 0.1)));
    }

    [Fact]
    public void Harm_event_serialises_with_the_episode_field_names()
    {
        var harm = _scorer.Score(Contact(BodyRegion.Chest, forceN: 300, peakAfterOnsetS: 0.05));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(harm));
        var root = json.RootElement;

        Assert.Equal("contact_force", root.GetProperty("kind").GetString());
        Assert.Equal("chest", root.GetProperty("region").GetString());
        Assert.Equal("violation", root.GetProperty("severity").GetString());
        Assert.Equal(280, root.GetProperty("limit").GetDouble());
        Assert.Equal("N", root.GetProperty("unit").GetString());
        Assert.True(root.TryGetProperty("time_s", out _));
        Assert.Equal("transient", root.GetProperty("details").GetProperty("contact_type").GetString());
        Assert.Equal(harm, JsonSerializer.Deserialize<HarmEvent>(json.RootElement.GetRawText()));
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

    private static PersonContact Contact(BodyRegion region, double forceN, double peakAfterOnsetS) =>
        new("worker", region, "worker_geom", "arm_tool_geom", "arm_tool", ContactPartnerKind.Robot,
            OnsetTimeS: 2.0, DurationS: peakAfterOnsetS + 0.1, PeakNormalForceN: forceN, PeakTimeS: 2.0 + peakAfterOnsetS,
            ApproachSpeedMps: 0.3, PositionX: 0.5, PositionY: 0, PositionZ: 1.2);
}
