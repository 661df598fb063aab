using System.Text.Json.Nodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Xunit;

namespace Testbed.Tests.Domain;

public class BodyModelTests
{
    private static readonly BodyModel Model = BodyModel.LoadIsoTs15066();

    [Theory]
    [InlineData(BodyRegion.SkullForehead, 130, 110, 150, 4.4, true)]
    [InlineData(BodyRegion.Face, 65, 110, 75, 4.4, true)]
    [InlineData(BodyRegion.Neck, 150, 140, 50, 1.2, false)]
    [InlineData(BodyRegion.BackShoulders, 210, 160, 35, 40, false)]
    [InlineData(BodyRegion.Chest, 140, 120, 25, 40, false)]
    [InlineData(BodyRegion.Abdomen, 110, 140, 10, 40, false)]
    [InlineData(BodyRegion.Pelvis, 180, 210, 25, 40, false)]
    [InlineData(BodyRegion.UpperArmElbow, 150, 190, 30, 3, false)]
    [InlineData(BodyRegion.LowerArmWrist, 160, 180, 40, 2, false)]
    [InlineData(BodyRegion.HandFingers, 140, 190, 75, 0.6, false)]
    [InlineData(BodyRegion.ThighKnee, 220, 220, 50, 75, false)]
    [InlineData(BodyRegion.LowerLeg, 130, 210, 60, 75, false)]
    public void Region_values_match_iso_ts_15066_tables(
        BodyRegion region, double forceN, double pressure, double springNPerMm, double massKg, bool notPermissible)
    {
        var limits = Model[region];

        Assert.Equal(forceN, limits.QuasiStaticForceN);
        Assert.Equal(2 * forceN, limits.TransientForceLimitN);
        Assert.Equal(pressure, limits.QuasiStaticPressureNPerCm2);
        Assert.Equal(springNPerMm, limits.SpringConstantNPerMm);
        Assert.Equal(springNPerMm * 1000, limits.SpringConstantNPerM);
        Assert.Equal(massKg, limits.EffectiveMassKg);
        Assert.Equal(notPermissible, limits.ContactNotPermissible);
    }

    [Fact]
    public void Every_region_is_present_once_with_its_table_a2_rows()
    {
        Assert.Equal(Enum.GetValues<BodyRegion>(), Model.Regions.Select(r => r.Region));
        var rows = Model.Regions.SelectMany(r => r.Areas).Select(a => a.Row).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 29), rows);
    }

    [Fact]
    public void Provenance_and_sources_are_present()
    {
        Assert.Contains("V2×2", Model.ProvenanceTags.Keys);
        Assert.Contains("Table A.2", Model.Sources["table_a2"]);
        Assert.Contains("Table A.3", Model.Sources["table_a3"]);
        Assert.Contains("0.5 s", Model.Sources["contact_type"]);
        foreach (var region in Model.Regions)
        {
            Assert.Equal("V2×2", region.TableA3Tag);
            Assert.Contains("Table A.2", region.ForceBasis);
            Assert.False(string.IsNullOrWhiteSpace(region.PressureBasis));
            Assert.All(region.Areas, area => Assert.Contains(area.Tag, Model.ProvenanceTags.Keys));
            Assert.Equal(region.ContactNotPermissible, region.ContactNotPermissibleBasis is not null);
        }

        Assert.Contains("A.3.2", Model[BodyRegion.Face].ContactNotPermissibleBasis);
        // The one recalled (unverified) value keeps its R tag.
        Assert.Equal("R", Model[BodyRegion.HandFingers].Areas.Single(a => a.Row == 23).Tag);
    }

    [Fact]
    public void Region_ids_round_trip()
    {
        foreach (var region in Enum.GetValues<BodyRegion>())
        {
            Assert.Equal(region, BodyRegionIds.Parse(region.ToId()));
        }

        Assert.Equal("upper_arm_elbow", BodyRegion.UpperArmElbow.ToId());
        Assert.False(BodyRegionIds.TryParse("Chest", out _));
        Assert.Throws<FormatException>(() => BodyRegionIds.Parse("elbow"));
    }

    [Fact]
    public void Missing_region_is_named()
    {
        var model = JsonNode.Parse(EmbeddedJson())!;
        model["regions"]!.AsArray().RemoveAt(2);
        var json = model.ToJsonString();

        var error = Assert.Throws<ScenarioInputException>(() => BodyModel.Parse(json, "model.json"));

        Assert.Contains("model.json", error.Message);
        Assert.Equal("regions", error.Field);
        Assert.Contains("missing region(s) neck", error.Message);
    }

    [Fact]
    public void Non_positive_spring_constant_names_the_field()
    {
        var json = EmbeddedJson().Replace("\"spring_constant_n_per_mm\": 25,", "\"spring_constant_n_per_mm\": 0,");

        var error = Assert.Throws<ScenarioInputException>(() => BodyModel.Parse(json, "model.json"));

        Assert.Equal("regions[4].spring_constant_n_per_mm", error.Field);
        Assert.Contains("regions[4].spring_constant_n_per_mm", error.Message);
    }

    [Fact]
    public void Duplicate_region_is_named()
    {
        var json = EmbeddedJson().Replace("\"region\": \"neck\"", "\"region\": \"chest\"");

        var error = Assert.Throws<ScenarioInputException>(() => BodyModel.Parse(json, "model.json"));

        Assert.Equal("regions[4].region", error.Field);
        Assert.Contains("'chest' appears more than once", error.Message);
    }

    [Fact]
    public void Region_force_must_be_the_lowest_area_force()
    {
        var json = EmbeddedJson().Replace("\"quasi_static_force_n\": 140,", "\"quasi_static_force_n\": 150,");

        var error = Assert.Throws<ScenarioInputException>(() => BodyModel.Parse(json, "model.json"));

        Assert.Equal("regions[4].quasi_static_force_n", error.Field);
    }

    private static string EmbeddedJson()
    {
        using var stream = typeof(BodyModel).Assembly.GetManifestResourceStream(BodyModel.IsoTs15066ResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
