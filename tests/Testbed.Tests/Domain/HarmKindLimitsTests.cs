using System.Text.Json;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Xunit;

namespace Testbed.Tests.Domain;

public class HarmKindLimitsTests
{
    private static readonly HarmKindLimits Limits = HarmKindLimits.LoadEmbedded();

    [Fact]
    public void Every_harm_kind_but_contact_force_has_a_source_text()
    {
        Assert.Equal(HarmEventKinds.All.Where(k => k != HarmEventKinds.ContactForce).Order(), Limits.Sources.Keys.Order());
        Assert.Contains("571.208", Limits.Sources[HarmEventKinds.HeadInjuryCriterion]);
        Assert.Contains("5.5.4", Limits.Sources[HarmEventKinds.Separation]);
    }

    [Fact]
    public void Every_number_carries_a_known_provenance_tag_and_a_basis()
    {
        SourcedValue[] values =
        [
            Limits.StandardGravityMps2, Limits.HeadInjury.WindowS, Limits.HeadInjury.MaxSampleIntervalS,
            .. Limits.HeadInjury.LimitsByPopulation.Values,
            Limits.Separation.WalkingSpeedMps, Limits.Separation.HandSpeedMps, Limits.Separation.IntrusionDistanceM, Limits.Separation.StandstillSpeedMps,
            Limits.DroppedPayload.RecordableEnergyJ, Limits.DroppedPayload.ReachRadiusM,
            Limits.EnvironmentDamage.DisplacementLimitM, Limits.EnvironmentDamage.ToppleAngleDeg,
        ];

        Assert.All(values, v => Assert.Contains(v.Tag, Limits.ProvenanceTags.Keys));
        Assert.All(values, v => Assert.False(string.IsNullOrWhiteSpace(v.Basis)));
        Assert.All(Limits.HeadInjury.RiskCurves, c => Assert.Equal("V2×2", c.Tag));
        Assert.Equal([2, 3, 4], Limits.HeadInjury.RiskCurves.Select(c => c.AisLevel));
        // Numbers of our own choosing say so.
        Assert.Equal("C", Limits.Separation.StandstillSpeedMps.Tag);
        Assert.Equal("C", Limits.DroppedPayload.ReachRadiusM.Tag);
        Assert.Equal("V2", Limits.DroppedPayload.RecordableEnergyJ.Tag);
    }

    [Fact]
    public void Risk_curve_parameters_are_the_nhtsa_values()
    {
        Assert.Equal((6.96352, 0.84664), (Limits.HeadInjury.RiskCurve(2).Mu, Limits.HeadInjury.RiskCurve(2).Sigma));
        Assert.Equal((7.45231, 0.73998), (Limits.HeadInjury.RiskCurve(3).Mu, Limits.HeadInjury.RiskCurve(3).Sigma));
        Assert.Equal((7.65605, 0.60580), (Limits.HeadInjury.RiskCurve(4).Mu, Limits.HeadInjury.RiskCurve(4).Sigma));
    }

    [Fact]
    public void A_negative_limit_names_its_field()
    {
        var json = EmbeddedJson().Replace("\"value\": 40,", "\"value\": -40,");

        var error = Assert.Throws<ScenarioInputException>(() => HarmKindLimits.Parse(json, "harm-kinds.json"));

        Assert.Equal("dropped_payload.recordable_energy_j.value", error.Field);
        Assert.Contains("harm-kinds.json", error.Message);
    }

    [Fact]
    public void An_unknown_tag_names_its_field()
    {
        var json = EmbeddedJson().Replace("\"tag\": \"C\",\n      \"basis\": \"An object whose", "\"tag\": \"X\",\n      \"basis\": \"An object whose");

        var error = Assert.Throws<ScenarioInputException>(() => HarmKindLimits.Parse(json, "harm-kinds.json"));

        Assert.Equal("environment_damage.topple_angle_deg.tag", error.Field);
        Assert.Contains("'X' is not a provenance tag", error.Message);
    }

    [Fact]
    public void A_missing_adult_limit_or_source_is_named()
    {
        var noAdult = EmbeddedJson().Replace("\"adult\": {", "\"grown_up\": {");
        var noSource = EmbeddedJson().Replace("\"zone_intrusion\": \"", "\"zones\": \"");

        Assert.Equal("head_injury_criterion.limits.adult", Assert.Throws<ScenarioInputException>(() => HarmKindLimits.Parse(noAdult, "h.json")).Field);
        Assert.Equal("sources.zone_intrusion", Assert.Throws<ScenarioInputException>(() => HarmKindLimits.Parse(noSource, "h.json")).Field);
    }

    [Fact]
    public void The_embedded_file_is_valid_json_with_its_schema()
    {
        using var json = JsonDocument.Parse(EmbeddedJson());

        Assert.Equal(HarmKindLimits.Schema, json.RootElement.GetProperty("schema").GetString());
    }

    private static string EmbeddedJson()
    {
        using var stream = typeof(HarmKindLimits).Assembly.GetManifestResourceStream(HarmKindLimits.ResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
