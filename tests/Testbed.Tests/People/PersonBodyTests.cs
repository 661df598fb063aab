using System.Text.Json.Nodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.People;

namespace Testbed.Tests.People;

/// <summary>The person built from the anthropometric table, without any engine: masses, sizes, names, regions.</summary>
public sealed class PersonBodyTests
{
    private static readonly Anthropometry Table = Anthropometry.LoadDeLeva1996();

    // de Leva (1996) Table 4, males, percent of body mass: the values the embedded table must carry.
    public static TheoryData<string, double> DeLevaMassPercents => new()
    {
        { "head", 6.94 }, { "upper_trunk", 15.96 }, { "middle_trunk", 16.33 }, { "lower_trunk", 11.17 }, { "upper_arm", 2.71 },
        { "forearm", 1.62 }, { "hand", 0.61 }, { "thigh", 14.16 }, { "shank", 4.33 }, { "foot", 1.37 },
    };

    [Theory]
    [MemberData(nameof(DeLevaMassPercents))]
    public void The_table_carries_de_Levas_male_segment_mass_percents(string segment, double percent)
    {
        Assert.Equal(percent / 100, Table[segment].MassFraction, 12);
    }

    [Fact]
    public void The_75_kg_person_weighs_75_kg_and_every_body_is_its_segments_share()
    {
        var person = PersonBody.Build(Table, "worker", 1.75, 75);

        Assert.Equal(75, person.Bodies.Sum(b => b.MassKg), 9);
        foreach (var body in person.Bodies)
        {
            Assert.Equal(Table[body.Segment].MassFraction * 75, body.MassKg, 12);
        }
    }

    [Fact]
    public void Stature_is_the_top_of_the_skull_and_the_feet_stand_on_the_floor()
    {
        foreach (var (height, mass) in new[] { (1.75, 75.0), (1.55, 50.0) })
        {
            var person = PersonBody.Build(Table, "p", height, mass);
            var world = WorldOrigins(person);
            var head = person.Bodies.Single(b => b.Name == "p_head");
            var skull = head.Geoms.Single(g => g.Name == "p_skull");
            Assert.Equal(height, world[head.Name].Z + skull.Position.Z + skull.Size[0], 9);
            var foot = person.Bodies.Single(b => b.Name == "p_foot_l");
            var sole = foot.Geoms.Single();
            Assert.Equal(0, world[foot.Name].Z + sole.Position.Z - sole.Size[2], 9);
        }
    }

    [Fact]
    public void A_smaller_lighter_patient_has_smaller_segments_and_the_same_layout()
    {
        var adult = PersonBody.Build(Table, "patient", 1.75, 75);
        var small = PersonBody.Build(Table, "patient", 1.55, 50);

        Assert.Equal(50, small.Bodies.Sum(b => b.MassKg), 9);
        Assert.Equal(adult.RegionGeoms().Select(g => (g.Geom, g.Body, g.Region)), small.RegionGeoms().Select(g => (g.Geom, g.Body, g.Region)));
        var adultThigh = adult.Bodies.Single(b => b.Name == "patient_thigh_l").Geoms.Single();
        var smallThigh = small.Bodies.Single(b => b.Name == "patient_thigh_l").Geoms.Single();
        Assert.True(smallThigh.Size[0] < adultThigh.Size[0], "the lighter, shorter thigh is not thinner");
        Assert.Equal(1.55 / 1.75, smallThigh.End.Z / adultThigh.End.Z, 9);
    }

    [Fact]
    public void Every_geom_is_named_after_its_person_and_the_twelve_regions_are_all_covered()
    {
        var person = PersonBody.Build(Table, "worker", 1.75, 75);
        var geoms = person.RegionGeoms();

        Assert.All(geoms, g => Assert.StartsWith("worker_", g.Geom));
        Assert.All(person.Bodies, b => Assert.StartsWith("worker_", b.Name));
        Assert.Equal(geoms.Count, geoms.Select(g => g.Geom).Distinct().Count());
        Assert.Equal(Enum.GetValues<BodyRegion>().Order(), geoms.Select(g => g.Region).Distinct().Order());
        Assert.Equal(BodyRegion.LowerLeg, geoms.Single(g => g.Geom == "worker_foot_r").Region);
        Assert.Equal(BodyRegion.BackShoulders, geoms.Single(g => g.Geom == "worker_lower_back").Region);
        Assert.Equal(20, geoms.Count);
    }

    [Fact]
    public void Joints_have_positive_springs_and_inverted_segments_resist_gravity()
    {
        var person = PersonBody.Build(Table, "worker", 1.75, 75);
        var joints = person.Bodies.SelectMany(b => b.Joints).ToList();

        Assert.Equal(38, joints.Count);
        Assert.All(joints, j => Assert.True(j.Stiffness > 0 && j.Damping > 0, $"{j.Name}: stiffness {j.Stiffness}, damping {j.Damping}"));
        // Everything above the lumbar joint (about 37 kg, its centre of mass about 0.3 m up) would fold at less than m g h.
        var lumbarFlexion = joints.Single(j => j.Name == "worker_lumbar_y");
        Assert.True(lumbarFlexion.Stiffness > 37 * 9.81 * 0.3, $"lumbar stiffness {lumbarFlexion.Stiffness} N·m/rad");
    }

    [Theory]
    [InlineData("worker", 0.9, 75, "height 0.9 m")]
    [InlineData("worker", 1.75, 15, "mass 15 kg")]
    [InlineData("Worker", 1.75, 75, "person id 'Worker'")]
    [InlineData("worker", double.NaN, 75, "height NaN m")]
    public void A_person_outside_the_tables_range_is_refused_naming_the_value(string id, double height, double mass, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => PersonBody.Build(Table, id, height, mass));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void A_table_whose_masses_do_not_add_up_is_refused()
    {
        var json = ReadEmbeddedTable();
        json["segments"]![0]!["mass_percent"] = 8.0;

        var error = Assert.Throws<ScenarioInputException>(() => Anthropometry.Parse(json.ToJsonString(), "table.json"));

        Assert.Equal("segments", error.Field);
        Assert.Contains("100 %", error.Message);
    }

    [Fact]
    public void A_table_without_a_segment_names_it()
    {
        var json = ReadEmbeddedTable();
        json["segments"]!.AsArray().RemoveAt(6);

        var error = Assert.Throws<ScenarioInputException>(() => Anthropometry.Parse(json.ToJsonString(), "table.json"));

        Assert.Contains("hand", error.Message);
    }

    private static JsonObject ReadEmbeddedTable()
    {
        using var stream = typeof(Anthropometry).Assembly.GetManifestResourceStream(Anthropometry.DeLeva1996ResourceName)!;
        return (JsonObject)JsonNode.Parse(stream)!;
    }

    private static Dictionary<string, Point3> WorldOrigins(PersonBody person)
    {
        var world = new Dictionary<string, Point3> { [person.RootBody] = new(0, 0, 0) };
        foreach (var b in person.Bodies) world[b.Name] = world[b.Parent] + b.Position;
        return world;
    }
}
