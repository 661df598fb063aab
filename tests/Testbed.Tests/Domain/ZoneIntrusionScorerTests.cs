using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Xunit;

namespace Testbed.Tests.Domain;

public class ZoneIntrusionScorerTests
{
    private static readonly BoxZone Aisle = new("aisle", new WorldPoint(0, 0, 0), new WorldPoint(2, 1, 2.5));
    private static readonly WorldPoint Inside = new(1, 0.5, 1);
    private static readonly WorldPoint Outside = new(3, 0.5, 1);

    [Fact]
    public void Robot_entering_while_a_person_is_inside_is_a_violation()
    {
        ZoneSample[] samples =
        [
            Sample(0.0, robot: Outside, person: Inside),
            Sample(0.1, robot: Inside, person: Inside),
            Sample(0.2, robot: Inside, person: Inside),
            Sample(0.3, robot: Inside, person: Outside),
            Sample(0.4, robot: Outside, person: Outside),
        ];

        var harm = ZoneIntrusionScorer.Score(Aisle, samples)!;

        Assert.Equal(HarmEventKinds.ZoneIntrusion, harm.Kind);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal("worker", harm.Person);
        Assert.Equal("s", harm.Unit);
        Assert.Equal(0.2, harm.Value, 12);
        Assert.Equal(0, harm.Limit);
        Assert.Equal(0.1, harm.TimeS, 12);
        Assert.Equal("aisle", harm.Details!.Zone);
        Assert.Equal(0.1, harm.Details.FirstEntryS!.Value, 12);
        Assert.Equal(0.3, harm.Details.RobotTimeInsideS!.Value, 12);
    }

    [Fact]
    public void Robot_entering_an_empty_zone_is_recorded_within_limit()
    {
        ZoneSample[] samples = [Sample(0.0, robot: Outside, person: Outside), Sample(0.1, robot: Inside, person: Outside), Sample(0.2, robot: Outside, person: Inside)];

        var harm = ZoneIntrusionScorer.Score(Aisle, samples)!;

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Null(harm.Person);
        Assert.Equal(0, harm.Value);
        Assert.Equal(0.1, harm.Details!.FirstEntryS!.Value, 12);
    }

    [Fact]
    public void Robot_that_never_enters_gives_no_event()
    {
        Assert.Null(ZoneIntrusionScorer.Score(Aisle, [Sample(0, Outside, Inside), Sample(0.1, Outside, Inside)]));
    }

    [Fact]
    public void Vertical_cylinder_contains_points_within_its_radius_and_height()
    {
        var zone = new VerticalCylinderZone("haul_road", CenterX: 10, CenterY: 0, Radius: 5, ZMin: 0, ZMax: 4);

        Assert.True(zone.Contains(new WorldPoint(13, 4, 1)));   // 5 m from the axis: on the boundary
        Assert.False(zone.Contains(new WorldPoint(13, 4.1, 1)));
        Assert.False(zone.Contains(new WorldPoint(10, 0, 4.5)));
        Assert.True(Aisle.Contains(new WorldPoint(2, 1, 2.5)));
        Assert.False(Aisle.Contains(new WorldPoint(2.01, 1, 2.5)));
    }

    [Fact]
    public void Zones_are_read_as_boxes_or_vertical_cylinders()
    {
        var box = ExclusionZone.Read(InputNode.Parse("""{"id": "aisle", "shape": "box", "min": [0, 0, 0], "max": [2, 1, 2.5]}""", "scene.json"));
        var cylinder = ExclusionZone.Read(InputNode.Parse("""{"id": "aoz", "shape": "vertical_cylinder", "center": [10, 0], "radius": 5, "z_min": 0, "z_max": 4}""", "scene.json"));

        Assert.Equal(Aisle, box);
        Assert.Equal(new VerticalCylinderZone("aoz", 10, 0, 5, 0, 4), cylinder);
    }

    [Theory]
    [InlineData("""{"id": "a", "shape": "sphere", "center": [0, 0, 0]}""", "shape", "'sphere' is not a zone shape")]
    [InlineData("""{"id": "a", "shape": "box", "min": [0, 0], "max": [1, 1, 1]}""", "min", "has 2 number(s)")]
    [InlineData("""{"id": "a", "shape": "box", "min": [0, 0, 0], "max": [1, 0, 1]}""", "max", "is not above min")]
    [InlineData("""{"id": "a", "shape": "vertical_cylinder", "center": [0, 0], "radius": 0, "z_min": 0, "z_max": 1}""", "radius", "not positive")]
    [InlineData("""{"id": "a", "shape": "vertical_cylinder", "center": [0, 0], "radius": 1, "z_min": 1, "z_max": 1}""", "z_max", "is not above z_min")]
    public void Bad_zones_name_the_field(string json, string field, string problem)
    {
        var error = Assert.Throws<ScenarioInputException>(() => ExclusionZone.Read(InputNode.Parse(json, "scene.json")));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Non_finite_positions_are_errors()
    {
        Assert.Throws<ArgumentException>(() => ZoneIntrusionScorer.Score(Aisle, [Sample(0, new WorldPoint(double.NaN, 0, 0), Inside)]));
        Assert.Throws<ArgumentException>(() => ZoneIntrusionScorer.Score(Aisle, [Sample(0.1, Inside, Inside), Sample(0.1, Inside, Inside)]));
    }

    private static ZoneSample Sample(double timeS, WorldPoint robot, WorldPoint person) =>
        new(timeS, [Outside, robot], [new PersonPosition("worker", person)]);
}
