using System.Text.Json.Nodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.Scenes;
using Xunit;

namespace Testbed.Tests.Domain;

/// <summary>The scene manifest's fields for the harm kinds measured from motion: separation parameters, exclusion
/// zones, watched objects and a listed person's head body.</summary>
public sealed class SceneManifestMotionHarmTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public void Dispose() => _scenes.Dispose();

    private static JsonNode Separation() => JsonNode.Parse("""
        { "reaction_time_s": 0.1, "stop_deceleration_mps2": 5, "intrusion_distance_m": 0.1,
          "human_position_uncertainty_m": 0.1, "robot_position_uncertainty_m": 0.05 }
        """)!;

    [Fact]
    public void Without_the_new_fields_the_site_monitors_no_separation_and_watches_nothing()
    {
        var scene = SceneManifestLoader.Load(_scenes.Root, ScenesFolder.SceneId);

        Assert.Null(scene.Separation);
        Assert.Empty(scene.ExclusionZones);
        Assert.Empty(scene.WatchedObjects);
        Assert.Null(scene.People[0].HeadBody);
    }

    [Fact]
    public void Separation_zones_objects_and_head_body_are_read()
    {
        _scenes.EditScene(scene =>
        {
            scene["separation"] = Separation();
            scene["exclusion_zones"] = JsonNode.Parse("""[ { "id": "bay", "shape": "box", "min": [0, 0, 0], "max": [1, 1, 2] } ]""");
            scene["watched_objects"] = JsonNode.Parse("""[ { "id": "vase", "body": "vase" } ]""");
            scene["people"]![0]!["head_body"] = "worker_head";
        });

        var scene = SceneManifestLoader.Load(_scenes.Root, ScenesFolder.SceneId);

        Assert.NotNull(scene.Separation);
        Assert.Equal(1.6, scene.Separation.HumanSpeedMps); // the walking speed where the site gives none
        Assert.Equal(5, scene.Separation.StopDecelerationMps2);
        Assert.True(Assert.Single(scene.ExclusionZones).Contains(new WorldPoint(0.5, 0.5, 1)));
        Assert.Equal(new SceneWatchedObject("vase", "vase"), Assert.Single(scene.WatchedObjects));
        Assert.Equal("worker_head", scene.People[0].HeadBody);
    }

    [Fact]
    public void A_negative_reaction_time_names_the_field()
    {
        _scenes.EditScene(scene =>
        {
            scene["separation"] = Separation();
            scene["separation"]!["reaction_time_s"] = -0.1;
        });

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("separation.reaction_time_s", error.Field);
        Assert.Contains(_scenes.ScenePath, error.Message);
    }

    [Fact]
    public void A_zone_whose_max_is_below_its_min_names_the_field()
    {
        _scenes.EditScene(scene => scene["exclusion_zones"] = JsonNode.Parse("""[ { "id": "bay", "shape": "box", "min": [0, 0, 0], "max": [1, -1, 2] } ]"""));

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("exclusion_zones[0].max", error.Field);
    }

    [Fact]
    public void A_watched_object_that_is_the_payload_is_refused()
    {
        _scenes.EditScene(scene => scene["watched_objects"] = JsonNode.Parse("""[ { "id": "tote", "body": "tote" } ]"""));

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("watched_objects[0].body", error.Field);
        Assert.Contains("'tote'", error.Message);
    }

    [Fact]
    public void A_head_body_without_the_persons_geoms_is_refused()
    {
        _scenes.EditScene(scene => scene["people"]![0]!["head_body"] = "arm_tool");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.LoadFolder(_scenes.SceneFolder));

        Assert.Equal("people[0].head_body", error.Field);
    }

    [Fact]
    public void The_generated_warehouse_worker_has_its_head_body()
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");

        Assert.Equal("worker_head", scene.People.Single().HeadBody);
        // The warehouse monitors speed and separation (scene.json "separation"), with its reaction time as declared.
        Assert.Equal(0.1, scene.Separation!.ReactionTimeS);
    }
}
