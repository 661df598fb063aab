using Testbed.Controller.Calibration;
using Testbed.Domain.Input;
using Testbed.Tests.Scenes;

namespace Testbed.Tests.Physics;

/// <summary>strike-plan.json: per-person placements (their own hit angle, struck upright), clamps, and the errors a bad plan gets.</summary>
public sealed class StrikePlanTests
{
    [Fact]
    public void The_hospital_strikes_its_patient_upright_away_from_the_bed_and_each_person_keeps_the_plans_lead_before_the_hit()
    {
        var plan = StrikePlan.Load(Path.Combine(BridgeFixture.ScenesRoot, "hospital"));
        Assert.True(plan.StandsUpright("patient"));
        Assert.False(plan.StandsUpright("nurse"));

        var patient = plan.ForPerson("patient");
        Assert.Equal(0.6, patient.HitAngleRad, 12);
        Assert.Equal(plan.HitAngleRad - plan.SweepStartRad, patient.HitAngleRad - patient.SweepStartRad, 12);

        var warehouse = StrikePlan.Load(Path.Combine(BridgeFixture.ScenesRoot, "warehouse"));
        Assert.Same(warehouse, warehouse.ForPerson("worker"));
        Assert.False(warehouse.StandsUpright("worker"));
    }

    [Theory]
    [InlineData("\"people\": { \"patient\": { \"stand_up\": true } }", "people.patient.stand_up")]
    [InlineData("\"people\": { \"patient\": { \"stand_upright\": \"yes\" } }", "people.patient.stand_upright")]
    [InlineData("\"sweep_start_rad\": 0.7", "sweep_start_rad")]
    public void A_bad_plan_is_refused_naming_the_entry(string edit, string field)
    {
        var text = File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, "hospital", StrikePlan.FileName));
        var at = text.IndexOf("\"people\"", StringComparison.Ordinal);
        // The people block replaced, or the sweep's start moved.
        text = edit.StartsWith("\"people\"", StringComparison.Ordinal) ? text[..at] + edit + "\n}\n" : text.Replace("\"sweep_start_rad\": -2.02", edit);

        Assert.Equal(field, RefusalOf(text).Field);
    }

    [Theory]
    [InlineData("{ \"payload\": \"tote\", \"pos_m\": [0, 0.16] }", "shapes[0].holding.pos_m")]
    [InlineData("{ \"payload\": \"tote\", \"pos_m\": [0, 0, 0.16], \"quat\": [1, 0, 0, 0.5] }", "shapes[0].holding.quat")]
    [InlineData("{ \"payload\": \"tote\", \"pos_m\": [0, 0, 0.16], \"grip\": 1 }", "shapes[0].holding.grip")]
    [InlineData("{ \"pos_m\": [0, 0, 0.16] }", "shapes[0].holding.payload")]
    [InlineData("{ \"payload\": \"tote\", \"pos_m\": [0, 0, 0.16], \"tilt_deg\": 90 }", "shapes[0].holding.tilt_deg")]
    [InlineData("{ \"payload\": \"tote\", \"pos_m\": [0, 0, 0.16], \"tilt_deg\": \"30\" }", "shapes[0].holding.tilt_deg")]
    public void A_bad_held_payload_is_refused_naming_the_entry(string holding, string field)
    {
        var plan = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, "warehouse", StrikePlan.FileName)))!;
        plan["shapes"]![0]!["holding"] = System.Text.Json.Nodes.JsonNode.Parse(holding);

        Assert.Equal(field, RefusalOf(plan.ToJsonString()).Field);
    }

    [Theory]
    [InlineData("press_actuator", "\"arm_wrist_roll_x\"", "clamps[0].to")]
    [InlineData("to", "{}", "clamps[0].to")]
    [InlineData("duration_s", "0", "clamps[0].duration_s")]
    [InlineData("hold_s", "-1", "clamps[0].hold_s")]
    [InlineData("squeeze", "1", "clamps[0].squeeze")]
    public void A_bad_clamp_is_refused_naming_the_entry(string key, string value, string field)
    {
        var plan = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, "warehouse", StrikePlan.FileName)))!;
        plan["clamps"]![0]![key] = System.Text.Json.Nodes.JsonNode.Parse(value);

        Assert.Equal(field, RefusalOf(plan.ToJsonString()).Field);
    }

    [Theory]
    [InlineData("from", "{ \"arm_elbow\": 1.0 }", "clamps[1].from")]
    [InlineData("lead_in", "{ \"setup\": \"shelf-stow\", \"until\": \"extend\", \"speed\": 2 }", "clamps[1].lead_in.speed")]
    [InlineData("lead_in", "{ \"setup\": \"shelf-stow\" }", "clamps[1].lead_in.until")]
    public void A_clamp_that_leads_in_through_a_set_up_takes_no_start_pose_and_a_bad_lead_in_is_refused(string key, string value, string field)
    {
        var plan = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, "warehouse", StrikePlan.FileName)))!;
        Assert.Equal(new StrikeClampLeadIn("shelf-stow", "extend"), StrikePlan.Load(Path.Combine(BridgeFixture.ScenesRoot, "warehouse")).Clamps![1].LeadIn);
        plan["clamps"]![1]![key] = System.Text.Json.Nodes.JsonNode.Parse(value);

        Assert.Equal(field, RefusalOf(plan.ToJsonString()).Field);
    }

    /// <summary>The error loading this plan text from a folder of its own gives.</summary>
    private static ScenarioInputException RefusalOf(string planText)
    {
        var folder = Path.Combine(Path.GetTempPath(), "testbed-strike-plan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, StrikePlan.FileName), planText);
            return Assert.Throws<ScenarioInputException>(() => StrikePlan.Load(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_held_payload_is_read_with_its_pose_in_the_grip()
    {
        var plan = StrikePlan.Load(Path.Combine(BridgeFixture.ScenesRoot, "hospital"));
        var bag = plan.Shapes.First(s => s.Holding?.Payload == "irrigation_bag").Holding!;
        Assert.Equal([0, 0, 0.187], bag.PositionM);
        Assert.Equal(1, bag.Orientation.Sum(q => q * q), 12);
        Assert.Null(plan.Shapes[0].Holding);
    }

    [Fact]
    public async Task A_plan_holding_a_payload_the_scene_does_not_have_fails_validation_naming_it()
    {
        await using var copy = new SceneCopy("warehouse");
        copy.EditJson("warehouse/strike-plan.json", plan => plan["shapes"]![0]!["holding"] = new System.Text.Json.Nodes.JsonObject
        {
            ["payload"] = "crate", ["pos_m"] = new System.Text.Json.Nodes.JsonArray(0, 0, 0.16),
        });

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "validate", "--scenes", copy.Root);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"problem: {copy.PathOf("warehouse/strike-plan.json")}: shapes[0].holding.payload: 'crate' is not a payload of the scene; expected one of: tote, bin", stdout);
    }

    [Fact]
    public async Task A_plan_placing_a_person_the_scene_does_not_have_fails_validation_naming_them()
    {
        await using var copy = new SceneCopy("hospital");
        copy.EditJson("hospital/strike-plan.json", plan => plan["people"]!["visitor"] = new System.Text.Json.Nodes.JsonObject { ["hit_angle_rad"] = 0.6 });

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "validate", "--scenes", copy.Root);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"problem: {copy.PathOf("hospital/strike-plan.json")}: people.visitor: 'visitor' is not a person of the scene; expected one of: patient, nurse", stdout);
    }
}
