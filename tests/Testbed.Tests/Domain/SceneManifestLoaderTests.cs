using System.Text.Json.Nodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.Scenes;
using Xunit;

namespace Testbed.Tests.Domain;

public sealed class SceneManifestLoaderTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public void Dispose() => _scenes.Dispose();

    [Fact]
    public void Valid_manifest_loads_with_its_helpers()
    {
        var scene = SceneManifestLoader.Load(_scenes.Root, "warehouse");

        Assert.Equal("warehouse", scene.Id);
        Assert.Equal(Path.Combine(_scenes.SceneFolder, "warehouse.xml"), scene.MjcfPath);
        Assert.Equal(["arm_yaw", "arm_shoulder", "arm_elbow", "suction"], scene.Robot.Actuators);
        Assert.Equal(0.0, scene.ContactCompliance.DampingRatio);
        Assert.Equal(
            new[] { "tote", "worker_hand_r", "worker_head", "worker_torso" },
            scene.WatchedBodies().Order(StringComparer.Ordinal));
        Assert.Contains("arm_tool", scene.RobotBodies());

        var geom = scene.FindPersonGeom("worker_chest");
        Assert.NotNull(geom);
        Assert.Equal("worker", geom.Person.Id);
        Assert.Equal(BodyRegion.Chest, geom.Region);
        Assert.Null(scene.FindPersonGeom("arm_tool_geom"));
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        File.Delete(_scenes.ScenePath);

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Contains(_scenes.ScenePath, error.Message);
        Assert.Contains("file not found", error.Message);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        File.WriteAllText(_scenes.ScenePath, "{\n  \"schema\": \"testbed.scene/v1\",\n  \"id\": warehouse\n}");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Contains(_scenes.ScenePath, error.Message);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Unknown_region_names_file_field_and_accepted_ids()
    {
        _scenes.EditScene(scene => scene["people"]![0]!["regions"]![2]!["region"] = "torso");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("people[0].regions[2].region", error.Field);
        Assert.Contains(_scenes.ScenePath, error.Message);
        Assert.Contains("people[0].regions[2].region", error.Message);
        Assert.Contains("'torso'", error.Message);
        Assert.Contains("chest", error.Message);
    }

    [Fact]
    public void Duplicate_geom_is_named()
    {
        _scenes.EditScene(scene => scene["people"]![0]!["regions"]![3]!["geom"] = "worker_chest");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("people[0].regions[3].geom", error.Field);
        Assert.Contains("worker_chest", error.Message);
    }

    [Theory]
    [InlineData("../outside.xml")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../warehouse/../../x.xml")]
    public void Mjcf_outside_the_scene_folder_is_rejected(string mjcf)
    {
        _scenes.EditScene(scene => scene["mjcf"] = mjcf);

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("mjcf", error.Field);
        Assert.Contains(_scenes.ScenePath, error.Message);
    }

    [Fact]
    public void Missing_mjcf_file_is_named()
    {
        _scenes.EditScene(scene => scene["mjcf"] = "missing.xml");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("mjcf", error.Field);
        Assert.Contains("missing.xml", error.Message);
    }

    [Fact]
    public void Wrong_schema_names_the_expected_one()
    {
        _scenes.EditScene(scene => scene["schema"] = "testbed.scene/v0");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("schema", error.Field);
        Assert.Contains("testbed.scene/v1", error.Message);
    }

    [Fact]
    public void Missing_field_is_named()
    {
        _scenes.EditScene(scene => scene["contact_compliance"]!.AsObject().Remove("damping_ratio"));

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("contact_compliance.damping_ratio", error.Field);
        Assert.Contains("missing field", error.Message);
    }

    [Fact]
    public void Wrong_type_is_named_with_what_was_expected()
    {
        _scenes.EditScene(scene => scene["payloads"]![0]!["mass_kg"] = "two");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("payloads[0].mass_kg", error.Field);
        Assert.Contains("is a string; expected a number", error.Message);
    }

    [Fact]
    public void Misspelt_field_is_rejected_not_ignored()
    {
        _scenes.EditScene(scene => scene["keyframe"] = new JsonArray());

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("keyframe", error.Field);
        Assert.Contains("unknown field", error.Message);
    }

    [Fact]
    public void Id_must_match_the_folder()
    {
        _scenes.EditScene(scene => scene["id"] = "mine");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("id", error.Field);
    }

    [Fact]
    public void Unknown_scene_lists_the_existing_ones()
    {
        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.Load(_scenes.Root, "hospital"));

        Assert.Contains("hospital", error.Message);
        Assert.Contains("warehouse", error.Message);
    }

    private void UseGeneratedPerson(Action<JsonObject>? edit = null)
    {
        File.WriteAllText(Path.Combine(_scenes.SceneFolder, "worker.xml"), "<mujoco/>\n");
        _scenes.EditScene(scene =>
        {
            var person = new JsonObject
            {
                ["id"] = "worker", ["role"] = "warehouse worker", ["mjcf"] = "worker.xml", ["height_m"] = 1.75, ["mass_kg"] = 75.0,
                ["default_pose"] = new JsonObject { ["x_m"] = 1.0, ["y_m"] = 2.0, ["yaw_deg"] = 90.0 },
            };
            edit?.Invoke(person);
            scene["people"] = new JsonArray(person);
        });
    }

    [Fact]
    public void A_generated_persons_regions_come_from_the_generator_so_none_is_left_out()
    {
        UseGeneratedPerson();

        var person = SceneManifestLoader.LoadFolder(_scenes.SceneFolder).People.Single();

        Assert.Equal("worker", person.RootBody);
        Assert.NotNull(person.Generated);
        Assert.Equal(Path.Combine(_scenes.SceneFolder, "worker.xml"), person.Generated.MjcfPath);
        Assert.Equal(75.0, person.Generated.MassKg);
        Assert.Equal(new Testbed.Domain.People.PersonPlacement(1.0, 2.0, 90.0), person.Generated.DefaultPose);
        Assert.Equal(20, person.Regions.Count);
        Assert.Contains(person.Regions, r => r is { Geom: "worker_skull", Body: "worker_head", Region: BodyRegion.SkullForehead });
        Assert.Contains(person.Regions, r => r is { Geom: "worker_foot_l", Body: "worker_foot_l", Region: BodyRegion.LowerLeg });
    }

    [Fact]
    public void A_generated_person_may_not_also_list_regions()
    {
        UseGeneratedPerson(p => p["regions"] = new JsonArray());

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("people[0].regions", error.Field);
        Assert.Contains("unknown field", error.Message);
    }

    [Theory]
    [InlineData("height_m", 3.0, "height 3 m")]
    [InlineData("mass_kg", 5.0, "mass 5 kg")]
    public void A_generated_person_out_of_range_names_the_field(string field, double value, string named)
    {
        UseGeneratedPerson(p => p[field] = value);

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal($"people[0].{field}", error.Field);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void A_person_file_outside_the_scene_folder_is_refused()
    {
        UseGeneratedPerson(p => p["mjcf"] = "../worker.xml");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("people[0].mjcf", error.Field);
        Assert.Contains("outside the scene folder", error.Message);
    }
}
