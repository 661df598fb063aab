using System.Text.Json.Nodes;
using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;
using Xunit;

namespace Testbed.Tests.Domain;

/// <summary>A set-up's collaborative operation decides whether separation is scored; the loader refuses the
/// combinations that cannot be scored as written.</summary>
public sealed class CollaborativeOperationTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public void Dispose() => _scenes.Dispose();

    private static JsonObject Separation() => new()
    {
        ["human_speed_mps"] = 1.6, ["reaction_time_s"] = 0.1, ["stop_deceleration_mps2"] = 5.0,
        ["intrusion_distance_m"] = 0.1, ["human_position_uncertainty_m"] = 0.1, ["robot_position_uncertainty_m"] = 0.05,
    };

    private Scenario Loaded() => ScenarioLoader.Load(_scenes.ScenarioPath, _scenes.Root);

    private ScenarioInputException Refused() => Assert.Throws<ScenarioInputException>(Loaded);

    [Fact]
    public void Without_a_declaration_a_scene_with_separation_parameters_scores_separation()
    {
        _scenes.EditScene(s => s["separation"] = Separation());

        Assert.Equal(CollaborativeOperation.SpeedAndSeparationMonitoring, Loaded().CollaborativeOperation);
    }

    [Fact]
    public void Without_a_declaration_a_scene_without_separation_parameters_limits_power_and_force()
    {
        Assert.Equal(CollaborativeOperation.PowerAndForceLimiting, Loaded().CollaborativeOperation);
    }

    [Fact]
    public void A_set_up_may_run_a_monitored_scene_as_power_and_force_limiting()
    {
        _scenes.EditScene(s => s["separation"] = Separation());
        _scenes.EditSetup(s => s["collaborative_operation"] = "power_and_force_limiting");

        Assert.Equal(CollaborativeOperation.PowerAndForceLimiting, Loaded().CollaborativeOperation);
    }

    [Fact]
    public void Power_and_force_limiting_cannot_expect_separation_harm()
    {
        _scenes.EditScene(s => s["separation"] = Separation());
        _scenes.EditSetup(s =>
        {
            s["collaborative_operation"] = "power_and_force_limiting";
            s["variants"]!["hazardous"]!["expected_harm"] = new JsonArray("separation");
        });

        var error = Refused();

        Assert.Equal("collaborative_operation", error.Field);
        Assert.Contains("variant 'hazardous' expects separation", error.Message);
    }

    [Fact]
    public void Speed_and_separation_monitoring_needs_the_scenes_separation_parameters()
    {
        _scenes.EditSetup(s => s["collaborative_operation"] = "speed_and_separation_monitoring");

        var error = Refused();

        Assert.Equal("collaborative_operation", error.Field);
        Assert.Contains("declares no separation parameters", error.Message);
    }

    [Fact]
    public void An_unknown_collaborative_operation_lists_the_known_ones()
    {
        _scenes.EditSetup(s => s["collaborative_operation"] = "hand_guiding");

        var error = Refused();

        Assert.Equal("collaborative_operation", error.Field);
        Assert.Contains("power_and_force_limiting", error.Expected);
    }
}
