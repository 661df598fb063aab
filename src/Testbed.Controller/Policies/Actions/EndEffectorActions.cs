using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Actions;

/// <summary>
/// Turns end-effector delta actions ([dx, dy, dz, three rotation values, gripper?]) into joint targets: each row moves
/// the tool point by (dx, dy, dz) in the world frame and turns it by the rotation (applied in the world frame, after
/// the current orientation), and damped least-squares inverse kinematics finds joint positions that reach that pose,
/// starting from the previous row's solution (the first from the observed joints). The gripper value is mapped from
/// the policy's convention onto the scene's open and closed commands. Other actuators keep their observed values.
/// The solution stays inside the joints' ranges: a joint that reaches its limit is held there and the other joints
/// do what they can, so a pose beyond reach ends with the joint at its limit, never past it. An arm with fewer than
/// six joints (the mining boom's four) cannot take every orientation; for it the position alone is solved and the
/// rotation values are not followed.
/// </summary>
public static class EndEffectorActions
{
    /// <summary>λ: 5 cm-equivalent damping keeps steps bounded near a singularity without slowing convergence elsewhere.</summary>
    public const double Damping = 0.05;

    /// <summary>Stops when the pose is within 0.1 mm and 1 mrad, or after this many iterations.</summary>
    public const int MaxIterations = 30;

    public const double PositionToleranceM = 1e-4;

    public const double RotationToleranceRad = 1e-3;

    public static async Task<IReadOnlyList<double[]>> TargetsAsync(
        IReadOnlyList<double[]> rows, EpisodeBrief brief, IReadOnlyList<double> observedPositions, PolicyConfig config,
        ActionConvention convention, CancellationToken cancel)
    {
        var kinematics = brief.Kinematics
            ?? throw new PolicyReplyException($"the policy answers end-effector actions ({convention.ToId()}) but scene '{brief.Scenario.SceneId}' declares no robot.end_effector; expected a scene with one, or a joint-space action convention");
        var effector = kinematics.EndEffector;
        var hasGripper = effector.GripperActuator is not null;
        var expected = hasGripper ? 7 : 6;
        if (rows.Count == 0) throw new PolicyReplyException("the server answered an empty action chunk; expected at least one row");
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != expected)
            {
                throw new PolicyReplyException($"action row {r} has {rows[r].Length} values; expected {expected}: dx, dy, dz, three rotation values{(hasGripper ? ", gripper" : "")}");
            }

            if (rows[r].FirstOrDefault(v => !double.IsFinite(v)) is var bad && !double.IsFinite(bad))
            {
                throw new PolicyReplyException($"action row {r} holds {bad}; expected finite numbers");
            }
        }

        if (config.Normalisation is { } n && n.Offset.Count != expected)
        {
            throw new PolicyReplyException($"{config.Source}: normalisation has {n.Offset.Count} numbers per statistic; end-effector rows have {expected}");
        }

        var jointIndex = effector.Joints.Select(j => IndexOf(brief.Actuators, j)).ToArray();
        var gripperIndex = hasGripper ? IndexOf(brief.Actuators, effector.GripperActuator!) : -1;
        var q = jointIndex.Select(i => observedPositions[i]).ToArray();
        var previous = observedPositions.ToArray();
        var targets = new List<double[]>();
        var kept = config.ActionsPerQuery is { } k ? rows.Take(k) : rows;
        foreach (var raw in kept)
        {
            var row = raw.Select((v, i) => config.Normalisation?.Unnormalise(i, v) ?? v).ToArray();
            var start = await kinematics.AtAsync(q, cancel);
            var goalPosition = new[] { start.Position[0] + row[0], start.Position[1] + row[1], start.Position[2] + row[2] };
            var turn = convention == ActionConvention.EndEffectorDeltasRollPitchYaw
                ? Rotation.FromRollPitchYaw(row[3], row[4], row[5])
                : Rotation.FromAxisAngle(row[3], row[4], row[5]);
            var goalRotation = Rotation.Multiply(turn, start.Rotation);
            q = await SolveAsync(kinematics, q, goalPosition, goalRotation, cancel);

            var target = (double[])previous.Clone();
            for (var j = 0; j < jointIndex.Length; j++) target[jointIndex[j]] = q[j];
            if (hasGripper) target[gripperIndex] = config.Gripper.ToScene(row[6], effector);
            targets.Add(target);
            previous = target;
        }

        return targets;
    }

    /// <summary>Damped least-squares iterations from <paramref name="start"/> towards the goal pose, inside the joint ranges.</summary>
    public static async Task<double[]> SolveAsync(IRobotKinematics kinematics, double[] start, double[] goalPosition, double[] goalRotation, CancellationToken cancel)
    {
        var ranges = kinematics.JointRanges;
        var q = start.Select((v, j) => Range(ranges, j)?.Clamp(v) ?? v).ToArray();
        var positionOnly = q.Length < 6;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var at = await kinematics.AtAsync(q, cancel);
            var orientationError = Rotation.ToAxisAngle(Rotation.Multiply(goalRotation, Rotation.Transpose(at.Rotation)));
            double[] error =
            [
                goalPosition[0] - at.Position[0], goalPosition[1] - at.Position[1], goalPosition[2] - at.Position[2],
                orientationError[0], orientationError[1], orientationError[2],
            ];
            var positionError = Math.Sqrt((error[0] * error[0]) + (error[1] * error[1]) + (error[2] * error[2]));
            var rotationError = Math.Sqrt((error[3] * error[3]) + (error[4] * error[4]) + (error[5] * error[5]));
            if (positionError < PositionToleranceM && (positionOnly || rotationError < RotationToleranceRad)) break;
            var rows = positionOnly ? 3 : 6;
            var jacobian = new double[rows, q.Length];
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < q.Length; j++) jacobian[r, j] = at.Jacobian[r, j];
            }

            var step = DampedLeastSquares.Step(jacobian, error[..rows], Damping);
            // A joint at its limit that the step pushes further out is locked (its column removed) and the step solved
            // again, so the other joints take up what it cannot do.
            var locked = new bool[q.Length];
            for (var pass = 0; pass < q.Length; pass++)
            {
                var newlyLocked = false;
                for (var j = 0; j < q.Length; j++)
                {
                    if (locked[j] || Range(ranges, j) is not { } range) continue;
                    if ((q[j] <= range.Min && step[j] < 0) || (q[j] >= range.Max && step[j] > 0))
                    {
                        locked[j] = newlyLocked = true;
                        for (var r = 0; r < rows; r++) jacobian[r, j] = 0;
                    }
                }

                if (!newlyLocked) break;
                step = DampedLeastSquares.Step(jacobian, error[..rows], Damping);
            }

            for (var j = 0; j < q.Length; j++) q[j] = Range(ranges, j)?.Clamp(q[j] + step[j]) ?? q[j] + step[j];
        }

        return q;
    }

    private static ControlRange? Range(IReadOnlyList<ControlRange?> ranges, int joint) => joint < ranges.Count ? ranges[joint] : null;

    private static int IndexOf(IReadOnlyList<string> actuators, string name)
    {
        for (var i = 0; i < actuators.Count; i++)
        {
            if (actuators[i] == name) return i;
        }

        throw new PolicyReplyException($"end-effector actuator '{name}' is not one of the robot's actuators ({string.Join(", ", actuators)})");
    }
}
