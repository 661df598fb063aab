namespace Testbed.Domain.Scenarios;

/// <summary>
/// Turns a <see cref="ScriptedPlan"/> into one target vector per control period. Pure maths, so the scripted
/// policy is deterministic and testable without a simulator.
/// <para>
/// Segment i moves from the previous waypoint (for segment 0: the start positions) to waypoint i over
/// n_i = max(1, round(duration_s / period)) periods. In the j-th period of a segment (0-based) the joint
/// actuators get the smoothstep blend w = 3s² − 2s³ with s = (j + 1)/n, so every segment ends exactly on its
/// waypoint and starts and stops with zero velocity. Command actuators (e.g. suction) are not blended: they hold
/// waypoint i's value for all of segment i, because half a suction command means nothing.
/// </para>
/// </summary>
public sealed class PlanTrajectory
{
    private readonly double[][] _waypointTargets;
    private readonly double[] _start;
    private readonly bool[] _isJoint;
    private readonly int[] _segmentEnds;

    /// <param name="plan">The waypoints.</param>
    /// <param name="actuatorOrder">Actuator names in the order of the target vector.</param>
    /// <param name="jointActuators">The actuators that are interpolated; all others are held commands.</param>
    /// <param name="startPositions">Positions in <paramref name="actuatorOrder"/> order at the start; entries of command actuators are ignored.</param>
    /// <param name="controlPeriodS">Seconds per control period.</param>
    public PlanTrajectory(
        ScriptedPlan plan,
        IReadOnlyList<string> actuatorOrder,
        IReadOnlySet<string> jointActuators,
        IReadOnlyList<double> startPositions,
        double controlPeriodS)
    {
        if (!(controlPeriodS > 0) || !double.IsFinite(controlPeriodS))
        {
            throw new ArgumentOutOfRangeException(nameof(controlPeriodS), controlPeriodS, "the control period must be a positive, finite number of seconds");
        }

        if (plan.Waypoints.Count == 0)
        {
            throw new ArgumentException("the plan has no waypoints", nameof(plan));
        }

        if (startPositions.Count != actuatorOrder.Count)
        {
            throw new ArgumentException($"{startPositions.Count} start positions for {actuatorOrder.Count} actuators", nameof(startPositions));
        }

        foreach (var joint in jointActuators)
        {
            if (!actuatorOrder.Contains(joint))
            {
                throw new ArgumentException($"joint actuator '{joint}' is not in the actuator order", nameof(jointActuators));
            }
        }

        ActuatorOrder = actuatorOrder;
        _isJoint = actuatorOrder.Select(jointActuators.Contains).ToArray();
        _start = startPositions.ToArray();
        _waypointTargets = plan.Waypoints.Select(waypoint => TargetVector(waypoint, actuatorOrder)).ToArray();

        SegmentPeriods = plan.Waypoints.Select(waypoint => PeriodsFor(waypoint, controlPeriodS)).ToList();
        _segmentEnds = new int[SegmentPeriods.Count];
        var total = 0;
        for (var i = 0; i < SegmentPeriods.Count; i++)
        {
            total += SegmentPeriods[i];
            _segmentEnds[i] = total;
        }

        TotalPeriods = total;
    }

    public IReadOnlyList<string> ActuatorOrder { get; }

    /// <summary>n_i for each segment.</summary>
    public IReadOnlyList<int> SegmentPeriods { get; }

    /// <summary>Periods until the plan is done; <see cref="TargetsAt"/> returns null from this period on.</summary>
    public int TotalPeriods { get; }

    /// <summary>The target vector (in <see cref="ActuatorOrder"/>) for control period <paramref name="period"/> (0-based), or null once the plan is done.</summary>
    public double[]? TargetsAt(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(period);
        if (period >= TotalPeriods)
        {
            return null;
        }

        var segment = Array.FindIndex(_segmentEnds, end => period < end);
        var segmentStart = _segmentEnds[segment] - SegmentPeriods[segment];
        var s = (double)(period - segmentStart + 1) / SegmentPeriods[segment];
        var w = Smoothstep(s);

        var from = segment == 0 ? _start : _waypointTargets[segment - 1];
        var to = _waypointTargets[segment];
        var targets = new double[to.Length];
        for (var a = 0; a < to.Length; a++)
        {
            // (1 − w)·from + w·to rather than from + w·(to − from): exact at both ends in floating point.
            targets[a] = _isJoint[a] ? (1 - w) * from[a] + w * to[a] : to[a];
        }

        return targets;
    }

    /// <summary>3s² − 2s³: zero slope at 0 and 1, so the arm starts and stops each segment smoothly.</summary>
    public static double Smoothstep(double s) => s * s * (3 - 2 * s);

    private static int PeriodsFor(PlanWaypoint waypoint, double controlPeriodS)
    {
        if (!(waypoint.DurationS > 0) || !double.IsFinite(waypoint.DurationS))
        {
            throw new ArgumentException($"waypoint '{waypoint.Name}' has duration {waypoint.DurationS}; expected a positive, finite number of seconds");
        }

        return Math.Max(1, (int)Math.Round(waypoint.DurationS / controlPeriodS, MidpointRounding.AwayFromZero));
    }

    private static double[] TargetVector(PlanWaypoint waypoint, IReadOnlyList<string> actuatorOrder)
    {
        var vector = new double[actuatorOrder.Count];
        for (var a = 0; a < actuatorOrder.Count; a++)
        {
            if (!waypoint.Targets.TryGetValue(actuatorOrder[a], out vector[a]))
            {
                throw new ArgumentException($"waypoint '{waypoint.Name}' has no target for actuator '{actuatorOrder[a]}'");
            }
        }

        return vector;
    }
}
