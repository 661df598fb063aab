using Testbed.Domain.Scenarios;
using Xunit;

namespace Testbed.Tests.Domain;

public class PlanTrajectoryTests
{
    private static readonly string[] Actuators = ["arm_yaw", "arm_elbow", "suction"];
    private static readonly HashSet<string> Joints = ["arm_yaw", "arm_elbow"];

    private static readonly ScriptedPlan Plan = new(
    [
        Waypoint("above_tote", 0.1, yaw: 1.0, elbow: -0.5, suction: 0),
        Waypoint("grip", 0.02, yaw: 0.3, elbow: 0.1, suction: 1),
    ]);

    [Fact]
    public void Durations_round_to_whole_periods()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.0, 0.0, 0.0], controlPeriodS: 0.01);

        Assert.Equal([10, 2], trajectory.SegmentPeriods);
        Assert.Equal(12, trajectory.TotalPeriods);
    }

    [Fact]
    public void Each_segment_ends_exactly_on_its_waypoint()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.2, 0.4, 0.0], controlPeriodS: 0.01);

        Assert.Equal([1.0, -0.5, 0.0], trajectory.TargetsAt(9)!);
        Assert.Equal([0.3, 0.1, 1.0], trajectory.TargetsAt(11)!);
    }

    [Fact]
    public void First_period_starts_near_the_start_positions()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.2, 0.4, 0.0], controlPeriodS: 0.01);

        // s = 1/10 → w = 3(0.01) − 2(0.001) = 0.028
        var first = trajectory.TargetsAt(0)!;
        Assert.Equal(0.2 + 0.028 * (1.0 - 0.2), first[0], 12);
        Assert.Equal(0.4 + 0.028 * (-0.5 - 0.4), first[1], 12);
    }

    [Fact]
    public void Smoothstep_midpoint_is_halfway()
    {
        var twoPeriods = new ScriptedPlan([Waypoint("move", 0.02, yaw: 2.0, elbow: -1.0, suction: 0)]);
        var trajectory = new PlanTrajectory(twoPeriods, Actuators, Joints, [0.0, 1.0, 0.0], controlPeriodS: 0.01);

        Assert.Equal([1.0, 0.0, 0.0], trajectory.TargetsAt(0)!);
        Assert.Equal(0.5, PlanTrajectory.Smoothstep(0.5));
        Assert.Equal(0.0, PlanTrajectory.Smoothstep(0.0));
        Assert.Equal(1.0, PlanTrajectory.Smoothstep(1.0));
    }

    [Fact]
    public void Commands_hold_the_waypoint_value_for_the_whole_segment()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.0, 0.0, 0.5], controlPeriodS: 0.01);

        Assert.Equal(0.0, trajectory.TargetsAt(0)![2]);
        Assert.Equal(0.0, trajectory.TargetsAt(9)![2]);
        Assert.Equal(1.0, trajectory.TargetsAt(10)![2]);
        Assert.Equal(1.0, trajectory.TargetsAt(11)![2]);
    }

    [Fact]
    public void Second_segment_starts_from_the_first_waypoint()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.0, 0.0, 0.0], controlPeriodS: 0.01);

        // Segment 1 has 2 periods: its first is the midpoint between waypoint 0 and waypoint 1.
        var mid = trajectory.TargetsAt(10)!;
        Assert.Equal((1.0 + 0.3) / 2, mid[0], 12);
        Assert.Equal((-0.5 + 0.1) / 2, mid[1], 12);
    }

    [Fact]
    public void Plan_is_done_after_the_last_period()
    {
        var trajectory = new PlanTrajectory(Plan, Actuators, Joints, [0.0, 0.0, 0.0], controlPeriodS: 0.01);

        Assert.NotNull(trajectory.TargetsAt(11));
        Assert.Null(trajectory.TargetsAt(12));
        Assert.Null(trajectory.TargetsAt(1000));
    }

    [Fact]
    public void Very_short_segment_takes_one_period()
    {
        var blink = new ScriptedPlan([Waypoint("blink", 0.001, yaw: 1.0, elbow: 1.0, suction: 1)]);
        var trajectory = new PlanTrajectory(blink, Actuators, Joints, [0.0, 0.0, 0.0], controlPeriodS: 0.01);

        Assert.Equal(1, trajectory.TotalPeriods);
        Assert.Equal([1.0, 1.0, 1.0], trajectory.TargetsAt(0)!);
    }

    [Fact]
    public void Waypoint_missing_an_actuator_is_rejected()
    {
        var incomplete = new ScriptedPlan([new PlanWaypoint("w", 1.0, new Dictionary<string, double> { ["arm_yaw"] = 0 })]);

        var error = Assert.Throws<ArgumentException>(() => new PlanTrajectory(incomplete, Actuators, Joints, [0.0, 0.0, 0.0], 0.01));
        Assert.Contains("arm_elbow", error.Message);
    }

    private static PlanWaypoint Waypoint(string name, double durationS, double yaw, double elbow, double suction) =>
        new(name, durationS, new Dictionary<string, double> { ["arm_yaw"] = yaw, ["arm_elbow"] = elbow, ["suction"] = suction });
}
