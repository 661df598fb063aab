using System.Text.Json;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Xunit;

namespace Testbed.Tests.Domain;

public class PressureScorerTests
{
    private static readonly BodyModel Model = BodyModel.LoadIsoTs15066();
    private readonly PressureScorer _scorer = new(Model);

    // p_s of each region's most sensitive Table A.2 area (N/cm²).
    [Theory]
    [InlineData(BodyRegion.Neck, 140)]
    [InlineData(BodyRegion.BackShoulders, 160)]
    [InlineData(BodyRegion.Chest, 120)]
    [InlineData(BodyRegion.Abdomen, 140)]
    [InlineData(BodyRegion.Pelvis, 210)]
    [InlineData(BodyRegion.UpperArmElbow, 190)]
    [InlineData(BodyRegion.LowerArmWrist, 180)]
    [InlineData(BodyRegion.HandFingers, 190)]
    [InlineData(BodyRegion.ThighKnee, 220)]
    [InlineData(BodyRegion.LowerLeg, 210)]
    public void Quasi_static_limit_is_p_s_and_transient_limit_twice_it(BodyRegion region, double pS)
    {
        // 1 cm² makes the pressure equal to the force, so each side of the limit is one newton away.
        var quasiStaticUnder = _scorer.Score(Press(region, forceN: pS, areaCm2: 1, transient: false));
        var quasiStaticOver = _scorer.Score(Press(region, forceN: pS + 1, areaCm2: 1, transient: false));
        var transientUnder = _scorer.Score(Press(region, forceN: 2 * pS, areaCm2: 1, transient: true));
        var transientOver = _scorer.Score(Press(region, forceN: 2 * pS + 1, areaCm2: 1, transient: true));

        Assert.Equal(pS, quasiStaticUnder.Limit);
        Assert.Equal(HarmSeverity.WithinLimit, quasiStaticUnder.Severity);
        Assert.Equal(HarmSeverity.Violation, quasiStaticOver.Severity);
        Assert.Equal(2 * pS, transientUnder.Limit);
        Assert.Equal(HarmSeverity.WithinLimit, transientUnder.Severity);
        Assert.Equal(HarmSeverity.Violation, transientOver.Severity);
    }

    [Theory]
    [InlineData(1, 130, 130)]
    [InlineData(2, 110, 130)]
    [InlineData(3, 110, 65)]
    [InlineData(4, 140, 150)]
    [InlineData(5, 210, 150)]
    [InlineData(6, 160, 210)]
    [InlineData(7, 210, 210)]
    [InlineData(8, 120, 140)]
    [InlineData(9, 170, 140)]
    [InlineData(10, 140, 110)]
    [InlineData(11, 210, 180)]
    [InlineData(12, 190, 150)]
    [InlineData(13, 220, 150)]
    [InlineData(14, 190, 160)]
    [InlineData(15, 180, 160)]
    [InlineData(16, 180, 160)]
    [InlineData(17, 300, 140)]
    [InlineData(18, 270, 140)]
    [InlineData(19, 280, 140)]
    [InlineData(20, 220, 140)]
    [InlineData(21, 200, 140)]
    [InlineData(22, 260, 140)]
    [InlineData(23, 260, 140)]
    [InlineData(24, 200, 140)]
    [InlineData(25, 190, 140)]
    [InlineData(26, 250, 220)]
    [InlineData(27, 220, 220)]
    [InlineData(28, 220, 130)]
    [InlineData(29, 210, 130)]
    public void Every_table_a2_row_has_its_pressure_and_force(int row, double pressure, double force)
    {
        var area = Model.Regions.SelectMany(r => r.Areas).Single(a => a.Row == row);

        Assert.Equal(pressure, area.PressureNPerCm2);
        Assert.Equal(force, area.ForceN);
    }

    [Fact]
    public void Pressure_is_force_divided_by_the_declared_area()
    {
        // A tote corner of 2 cm² pressing 200 N on the chest: 100 N/cm², within p_s 120.
        var harm = _scorer.Score(Press(BodyRegion.Chest, forceN: 200, areaCm2: 2, transient: false));

        Assert.Equal(100, harm.Value, 12);
        Assert.Equal(HarmEventKinds.Pressure, harm.Kind);
        Assert.Equal("N/cm2", harm.Unit);
        Assert.Equal("chest", harm.Region);
        Assert.Equal(200, harm.Details!.ForceN);
        Assert.Equal(2, harm.Details.ContactAreaCm2);
    }

    [Fact]
    public void A_corner_violates_pressure_at_a_force_the_force_limit_allows()
    {
        // 130 N quasi-static on the hand is within F_s 140 N, but on a 0.5 cm² corner it is 260 N/cm² > p_s 190.
        var surface = new ContactSurface("tote_corner", ContactSurfaceKind.Corner, 0.5);

        var harm = _scorer.Score(PressureContact.On(surface, "worker", BodyRegion.HandFingers, forceN: 130, transient: false, timeS: 4.2));

        Assert.Equal(260, harm.Value, 12);
        Assert.Equal(190, harm.Limit);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal("corner", harm.Details!.SurfaceKind);
        Assert.Equal("tote_corner", harm.Details.OtherGeom);
        Assert.Equal(ContactTypes.QuasiStatic, harm.Details.ContactType);
    }

    [Theory]
    [InlineData(BodyRegion.SkullForehead)]
    [InlineData(BodyRegion.Face)]
    public void Skull_and_face_pressure_is_prohibited_with_no_limit(BodyRegion region)
    {
        var harm = _scorer.Score(Press(region, forceN: 1, areaCm2: 10, transient: true));

        Assert.Equal(HarmSeverity.Prohibited, harm.Severity);
        Assert.Null(harm.Limit);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(harm));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("limit").ValueKind);
    }

    [Theory]
    [InlineData(double.NaN, 1)]
    [InlineData(-1, 1)]
    [InlineData(10, 0)]
    [InlineData(10, double.PositiveInfinity)]
    public void Bad_force_or_area_is_an_error_naming_the_contact(double forceN, double areaCm2)
    {
        var error = Assert.Throws<ArgumentException>(() => _scorer.Score(Press(BodyRegion.Chest, forceN, areaCm2, transient: true)));

        Assert.Contains("worker/chest", error.Message);
    }

    [Fact]
    public void Contact_surfaces_are_read_with_their_kind_and_area()
    {
        var node = InputNode.Parse("""[{"geom": "tote_corner", "kind": "corner", "area_cm2": 0.5}, {"geom": "gripper_tip", "kind": "tool_tip", "area_cm2": 0.2}]""", "scene.json");

        var surfaces = ContactSurface.ReadAll(node);

        Assert.Equal([new ContactSurface("tote_corner", ContactSurfaceKind.Corner, 0.5), new ContactSurface("gripper_tip", ContactSurfaceKind.ToolTip, 0.2)], surfaces);
    }

    [Theory]
    [InlineData("""[{"geom": "a", "kind": "blade", "area_cm2": 1}]""", "[0].kind", "'blade' is not a contact surface kind")]
    [InlineData("""[{"geom": "a", "kind": "edge", "area_cm2": 0}]""", "[0].area_cm2", "0 is not positive")]
    [InlineData("""[{"geom": "a", "kind": "edge", "area_cm2": 1}, {"geom": "a", "kind": "face", "area_cm2": 9}]""", "[1].geom", "declared more than once")]
    [InlineData("""[{"geom": "a", "kind": "edge", "area": 1}]""", "[0].area", "unknown field")]
    public void Bad_contact_surface_names_the_field(string json, string field, string problem)
    {
        var error = Assert.Throws<ScenarioInputException>(() => ContactSurface.ReadAll(InputNode.Parse(json, "scene.json")));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
        Assert.Contains("scene.json", error.Message);
    }

    private static PressureContact Press(BodyRegion region, double forceN, double areaCm2, bool transient) =>
        new("worker", region, forceN, areaCm2, transient, TimeS: 3.0) { PersonGeom = "worker_geom", OtherGeom = "arm_tool_geom" };
}
