using System.Text.Json.Nodes;
using Testbed.Controller.Bridge;
using Testbed.Controller.Scenes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;

namespace Testbed.Tests.Scenes;

/// <summary>`testbed scenes validate`, against the real bridge: copies of the warehouse broken in one place each are
/// refused with the file, the entry and the problem; the real scenes pass.</summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneValidationTests(BridgeFixture bridge)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private static async Task<SceneValidationReport> ValidateWarehouseAsync(SceneCopy copy) =>
        await new SceneValidation(await copy.BridgeAsync(), Body).ValidateAsync(copy.Root, "warehouse", calibrate: false, CancellationToken.None);

    [Fact]
    public async Task Every_real_scene_passes()
    {
        var validation = new SceneValidation(new BridgeCalls(bridge.Connection.Client, CallDeadlines.Default), Body);
        foreach (var id in SceneValidation.SelectScenes(BridgeFixture.ScenesRoot, []))
        {
            var report = await validation.ValidateAsync(BridgeFixture.ScenesRoot, id, calibrate: false, CancellationToken.None);
            Assert.True(report.Passed, $"{id}: {string.Join("\n", report.Problems)}");
            Assert.Contains(report.Checked, c => c.StartsWith("loads in the bridge", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_cylinders_that_can_touch_a_person_are_named()
    {
        var validation = new SceneValidation(new BridgeCalls(bridge.Connection.Client, CallDeadlines.Default), Body);

        var hospital = await validation.ValidateAsync(BridgeFixture.ScenesRoot, "hospital", calibrate: false, CancellationToken.None);
        var harmProbes = await validation.ValidateAsync(BridgeFixture.ScenesRoot, "harm-probes", calibrate: false, CancellationToken.None);

        // The cup and the water bottle, payloads that strike the patient in episodes, and the Gen3's base.
        Assert.Contains(hospital.Checked, c => c.Contains("general convex collider", StringComparison.Ordinal)
            && c.EndsWith(": gen3_base_link (cylinder), cup_body (cylinder), water_bottle_body (cylinder)", StringComparison.Ordinal));
        Assert.True(hospital.Passed);
        Assert.Contains(harmProbes.Checked, c => c.Contains("convex collider", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manifest_entries_naming_a_missing_geom_and_body_are_each_reported_with_their_field_path()
    {
        await using var copy = new SceneCopy("warehouse");
        copy.EditJson("warehouse/scene.json", scene =>
        {
            scene["contact_surfaces"]![1]!["geom"] = "arm_suction_cupp";
            scene["payloads"]![0]!["body"] = "tote_box";
        });

        var report = await ValidateWarehouseAsync(copy);

        var manifest = copy.PathOf("warehouse/scene.json");
        Assert.Contains(report.Problems, p => p.File == manifest && p.Entry == "contact_surfaces[1].geom" && p.Problem.Contains("'arm_suction_cupp' is not in the MJCF"));
        Assert.Contains(report.Problems, p => p.File == manifest && p.Entry == "payloads[0].body" && p.Problem.Contains("'tote_box' is not in the MJCF"));
        Assert.All(report.Problems, p => Assert.False(p.Calibration));
    }

    [Fact]
    public async Task A_person_geom_without_a_region_is_reported_against_the_generated_person()
    {
        await using var copy = new SceneCopy("warehouse");
        copy.InsertAfter("warehouse/worker.xml", "<body name=\"worker_thorax\"",
            "          <geom name=\"worker_badge\" type=\"box\" pos=\"0.12 0 0.2\" size=\"0.02 0.03 0.01\" contype=\"2\" conaffinity=\"13\"/>");

        var report = await ValidateWarehouseAsync(copy);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(copy.PathOf("warehouse/scene.json"), problem.File);
        Assert.Equal("people[0].mjcf", problem.Entry);
        Assert.Contains("body 'worker_thorax' geom 'worker_badge' carries no body region", problem.Problem);
    }

    [Fact]
    public async Task A_set_up_no_scenario_runs_is_fine_and_a_scenario_naming_a_missing_variant_is_reported()
    {
        await using var copy = new SceneCopy("warehouse");
        // Every scenario of the tote-swing set-up; shelf-to-station has none in the corpus.
        foreach (var id in new[] { "tote-to-conveyor-worker-clear", "tote-to-conveyor-worker-in-path", "tote-swing-supervisor-override" })
        {
            File.Delete(copy.PathOf($"warehouse/scenarios/{id}.json"));
        }
        copy.EditJson("warehouse/scenarios/shelf-stow-benign.json", scenario => scenario["variant"] = "risky");

        var report = await ValidateWarehouseAsync(copy);

        var problem = Assert.Single(report.Problems);
        Assert.Equal((copy.PathOf("warehouse/scenarios/shelf-stow-benign.json"), "variant"), (problem.File, problem.Entry));
        Assert.Contains("set-up 'shelf-stow' has no variant 'risky'", problem.Problem);
        Assert.Contains(report.Checked, c => c.EndsWith("set-up(s) no scenario runs: shelf-to-station, tote-swing", StringComparison.Ordinal));
        // The scene itself still loads and is checked in the bridge.
        Assert.Contains(report.Checked, c => c.StartsWith("loads in the bridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_target_outside_the_actuators_control_range_is_reported_with_its_waypoint()
    {
        await using var copy = new SceneCopy("warehouse");
        copy.EditJson("warehouse/setups/tote-swing.json", setup => setup["task"]!["scripted_plan"]![4]!["targets"]!["arm_yaw"] = 3.5);

        var report = await ValidateWarehouseAsync(copy);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("task.scripted_plan[4].targets.arm_yaw", problem.Entry);
        Assert.Contains("3.5 is outside the actuator's control range [-3.1, 3.1]", problem.Problem);
    }

    [Fact]
    public async Task A_manifest_that_does_not_load_is_reported_and_nothing_else_is_tried()
    {
        await using var copy = new SceneCopy("warehouse");
        copy.EditJson("warehouse/scene.json", scene => scene["people"]![0]!["height_m"] = 4.0);

        var report = await ValidateWarehouseAsync(copy);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("people[0].height_m", problem.Entry);
        Assert.DoesNotContain(report.Checked, c => c.StartsWith("loads in the bridge", StringComparison.Ordinal));
    }

    [Fact]
    public void Scenes_are_selected_by_folder_or_site_and_an_unknown_name_lists_what_exists()
    {
        Assert.Equal(["warehouse"], SceneValidation.SelectScenes(BridgeFixture.ScenesRoot, ["warehouse"]));
        Assert.Equal(SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot), SceneValidation.SelectScenes(BridgeFixture.ScenesRoot, []));
        var error = Assert.Throws<Testbed.Domain.Input.ScenarioInputException>(() => SceneValidation.SelectScenes(BridgeFixture.ScenesRoot, ["atlantis"]));
        Assert.Contains("unknown site or scene atlantis", error.Message);
        Assert.Contains("warehouse", error.Message);
    }

    [Fact]
    public async Task The_command_exits_2_naming_file_entry_and_problem_and_0_for_the_real_scenes()
    {
        await using var copy = new SceneCopy("warehouse", "harm-probes");
        copy.EditJson("warehouse/scene.json", scene => scene["contact_surfaces"]![1]!["geom"] = "arm_suction_cupp");

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "validate", "--scenes", copy.Root);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"problem: {copy.PathOf("warehouse/scene.json")}: contact_surfaces[1].geom: contact surface geom 'arm_suction_cupp' is not in the MJCF", stdout);
        Assert.Contains("harm-probes: OK", stdout);
        Assert.Contains("1 of 2 scene(s) OK", stdout);

        (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "validate", "warehouse");
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("warehouse: OK", stdout);

        (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "validate", "atlantis");
        Assert.Equal(2, exit);
        Assert.Contains("unknown site or scene atlantis", stderr);
    }
}
