using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Xunit;

namespace Testbed.Tests.Domain;

public class SeparationScorerTests
{
    private static readonly HarmKindLimits Limits = HarmKindLimits.LoadEmbedded();

    // The worked example: v_h 1.6 m/s, T_r 0.1 s, braking 1 m/s² (so T_s = v_r/a), C 0.2, Z_d 0.1, Z_r 0.05 m.
    private static readonly ProtectiveSeparation Example = new(
        HumanSpeedMps: 1.6, ReactionTimeS: 0.1, StopDecelerationMps2: 1.0, IntrusionDistanceM: 0.2,
        HumanPositionUncertaintyM: 0.1, RobotPositionUncertaintyM: 0.05);

    private readonly SeparationScorer _scorer = new(Limits);

    [Theory]
    [InlineData(0.5, 1.49)]
    [InlineData(1.0, 2.71)]
    [InlineData(1.5, 4.18)]
    [InlineData(2.0, 5.91)]
    public void Protective_separation_distance_reproduces_the_worked_example(double robotSpeedMps, double printedM)
    {
        TableValue.Rounds(printedM, Example.DistanceM(robotSpeedMps), 2);
    }

    [Fact]
    public void The_terms_are_human_travel_robot_reaction_braking_and_the_fixed_allowances()
    {
        var terms = Example.Terms(1.0);

        Assert.Equal(1.0, terms.StopTimeS, 12);                 // T_s = v_r / a_stop
        Assert.Equal(1.6 * (0.1 + 1.0), terms.HumanTravelM, 12); // S_h = v_h (T_r + T_s)
        Assert.Equal(0.1, terms.RobotReactionTravelM, 12);       // S_r = v_r T_r
        Assert.Equal(0.5, terms.RobotStoppingTravelM, 12);       // S_s = v_r² / (2 a_stop)
        Assert.Equal(0.35, terms.IntrusionDistanceM + terms.HumanPositionUncertaintyM + terms.RobotPositionUncertaintyM, 12);
    }

    [Fact]
    public void A_measured_stop_time_replaces_the_derived_one_in_the_human_travel()
    {
        var measured = Example with { StopTimeS = 0.3 };

        Assert.Equal(1.6 * 0.4, measured.Terms(1.0).HumanTravelM, 12);
        Assert.Equal(0.5, measured.Terms(1.0).RobotStoppingTravelM, 12);
    }

    [Fact]
    public void A_robot_moving_inside_the_distance_is_a_violation_with_time_inside_and_smallest_margin()
    {
        // 0.5 m/s needs 1.485 m. The person closes from 2.0 m to 1.2 m and back; samples every 0.1 s.
        double[] distances = [2.0, 1.8, 1.6, 1.4, 1.2, 1.4, 1.6];
        var samples = distances.Select((d, i) => new SeparationSample(i * 0.1, d, 0.5)).ToList();

        var harm = _scorer.Score("worker", Example, samples)!;

        Assert.Equal(HarmEventKinds.Separation, harm.Kind);
        Assert.Equal("m", harm.Unit);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(1.2, harm.Value, 12);
        Assert.Equal(1.485, harm.Limit!.Value, 12);
        Assert.Equal(1.2 - 1.485, harm.Details!.SmallestMarginM!.Value, 12);
        Assert.Equal(0.3, harm.Details.FirstEntryS!.Value, 12);
        // Inside at 0.3, 0.4 and 0.5 s, each held 0.1 s.
        Assert.Equal(0.3, harm.Details.TimeInsideS!.Value, 12);
        Assert.Equal(0.4, harm.TimeS, 12);
        Assert.True(harm.LimitRatio > 1);
    }

    [Fact]
    public void A_robot_that_slows_down_as_the_person_approaches_stays_within_limit()
    {
        // Near miss: at 1.2 m the robot crawls at 0.1 m/s, whose S_p is 1.6·0.2 + 0.01 + 0.005 + 0.35 = 0.685 m.
        SeparationSample[] samples = [new(0, 3.0, 1.0), new(0.5, 2.0, 0.5), new(1.0, 1.2, 0.1)];

        var harm = _scorer.Score("worker", Example, samples)!;

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(0, harm.Details!.TimeInsideS);
        Assert.Null(harm.Details.FirstEntryS);
        Assert.True(harm.Details.SmallestMarginM > 0);
        Assert.True(harm.LimitRatio < 1);
    }

    [Fact]
    public void A_stopped_robot_with_a_person_close_by_is_not_scored()
    {
        SeparationSample[] samples = [new(0, 0.3, 0), new(0.1, 0.2, 0.005), new(0.2, 0.1, -0.4)];

        Assert.Null(_scorer.Score("worker", Example, samples));
    }

    [Fact]
    public void Bad_samples_are_errors_naming_the_person_and_sample()
    {
        var nan = Assert.Throws<ArgumentException>(() => _scorer.Score("worker", Example, [new(0, 2, 0.5), new(0.1, double.NaN, 0.5)]));
        Assert.Contains("worker, sample 1", nan.Message);
        Assert.Throws<ArgumentException>(() => _scorer.Score("worker", Example, [new(0, 2, 0.5), new(0, 2, 0.5)]));
        Assert.Throws<ArgumentException>(() => _scorer.Score("worker", Example, [new(0, -1, 0.5)]));
    }

    [Fact]
    public void Site_parameters_are_read_with_the_walking_speed_as_default()
    {
        var node = InputNode.Parse("""
            {"reaction_time_s": 0.1, "stop_deceleration_mps2": 1.0, "intrusion_distance_m": 0.2,
             "human_position_uncertainty_m": 0.1, "robot_position_uncertainty_m": 0.05}
            """, "scene.json");

        var site = ProtectiveSeparation.Read(node, Limits.Separation);

        Assert.Equal(Example, site);
        Assert.Equal(1.6, Limits.Separation.WalkingSpeedMps.Value);
        Assert.Equal(2.0, Limits.Separation.HandSpeedMps.Value);
        Assert.Equal(0.85, Limits.Separation.IntrusionDistanceM.Value);
    }

    [Theory]
    [InlineData("""{"reaction_time_s": -0.1, "stop_deceleration_mps2": 1, "intrusion_distance_m": 0, "human_position_uncertainty_m": 0, "robot_position_uncertainty_m": 0}""", "reaction_time_s")]
    [InlineData("""{"reaction_time_s": 0.1, "stop_deceleration_mps2": 0, "intrusion_distance_m": 0, "human_position_uncertainty_m": 0, "robot_position_uncertainty_m": 0}""", "stop_deceleration_mps2")]
    [InlineData("""{"reaction_time_s": 0.1, "stop_deceleration_mps2": 1, "human_position_uncertainty_m": 0, "robot_position_uncertainty_m": 0}""", "intrusion_distance_m")]
    [InlineData("""{"reaction_time_s": 0.1, "stop_deceleration_mps2": 1, "intrusion_distance_m": 0, "human_position_uncertainty_m": 0, "robot_position_uncertainty_m": 0, "vh": 2}""", "vh")]
    public void Bad_site_parameters_name_the_field(string json, string field)
    {
        var error = Assert.Throws<ScenarioInputException>(() => ProtectiveSeparation.Read(InputNode.Parse(json, "scene.json"), Limits.Separation));

        Assert.Equal(field, error.Field);
    }
}
