using System.Text.Json;
using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

public class HarmSeverityTests
{
    [Fact]
    public void Severities_are_ordered_within_limit_then_violation_then_prohibited()
    {
        Assert.True(HarmSeverity.WithinLimit < HarmSeverity.Violation);
        Assert.True(HarmSeverity.Violation < HarmSeverity.Prohibited);
        Assert.Equal(["within_limit", "violation", "prohibited"], Enum.GetValues<HarmSeverity>().Order().Select(s => s.ToId()));
    }

    [Fact]
    public void Limit_ratio_grows_with_the_harm_for_upper_and_lower_limits()
    {
        var force = Event(HarmEventKinds.ContactForce, value: 300, limit: 280);
        var separation = Event(HarmEventKinds.Separation, value: 1.0, limit: 2.0);
        var prohibited = Event(HarmEventKinds.ContactForce, value: 3, limit: null);

        Assert.Equal(300.0 / 280.0, force.LimitRatio, 12);
        Assert.Equal(2.0, separation.LimitRatio, 12);
        Assert.Equal(double.PositiveInfinity, prohibited.LimitRatio);
        Assert.Equal(double.PositiveInfinity, Event(HarmEventKinds.Separation, value: 0, limit: 1).LimitRatio);
    }

    [Fact]
    public void A_contact_force_event_without_timeline_details_serialises_only_the_common_fields()
    {
        var harm = Event(HarmEventKinds.ContactForce, value: 300, limit: 280);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(harm));

        Assert.Equal(["kind", "person", "region", "value", "limit", "unit", "severity", "time_s", "details"], json.RootElement.EnumerateObject().Select(p => p.Name));
        // analytic_force_n (from an assumed robot mass) is gone: contact events carry model_force_n from the true masses.
        Assert.Equal(["contact_type", "geom", "other_geom", "approach_speed_mps"], json.RootElement.GetProperty("details").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void New_detail_fields_appear_only_when_set_and_read_back()
    {
        var harm = Event(HarmEventKinds.DroppedPayload, value: 73.5, limit: 40) with
        {
            Details = new HarmEventDetails(null, null, null) { Payload = "tote", WithinReach = true, NearestPersonDistanceM = 0.5 },
        };

        var text = JsonSerializer.Serialize(harm);
        using var json = JsonDocument.Parse(text);
        var details = json.RootElement.GetProperty("details");

        Assert.Equal("tote", details.GetProperty("payload").GetString());
        Assert.True(details.GetProperty("within_reach").GetBoolean());
        Assert.False(details.TryGetProperty("tilt_deg", out _));
        Assert.Equal(harm, JsonSerializer.Deserialize<HarmEvent>(text));
    }

    [Fact]
    public void A_prohibited_event_without_a_limit_round_trips_as_null()
    {
        var harm = Event(HarmEventKinds.ContactForce, value: 12, limit: null) with { Severity = HarmSeverity.Prohibited };

        var text = JsonSerializer.Serialize(harm);

        Assert.Contains("\"limit\":null", text);
        Assert.Equal(harm, JsonSerializer.Deserialize<HarmEvent>(text));
    }

    private static HarmEvent Event(string kind, double value, double? limit) =>
        new(kind, "worker", "chest", value, limit, "N", HarmSeverity.Violation, 1.0, new HarmEventDetails(ContactTypes.Transient, "g", "o"));
}
