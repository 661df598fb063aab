using Testbed.Domain.Scenes;

namespace Testbed.Controller.Policies.Actions;

/// <summary>The tool point's pose and Jacobian at some joint positions.</summary>
/// <param name="Position">World frame, metres.</param>
/// <param name="Rotation">The tool body's rotation, row-major, body to world.</param>
/// <param name="Jacobian">6 × joints: rows x, y, z of position, then x, y, z of orientation (world axes).</param>
public sealed record PointKinematics(double[] Position, double[] Rotation, double[,] Jacobian);

/// <summary>Forward kinematics of the robot's end effector at any joint positions, without moving the robot: what
/// end-effector actions are turned into joint targets with.</summary>
public interface IRobotKinematics
{
    EndEffector EndEffector { get; }

    /// <summary>The range each end-effector joint may be commanded to, in <see cref="EndEffector.Joints"/> order; null
    /// for a joint without limits. Inverse kinematics never answers positions outside it.</summary>
    IReadOnlyList<ControlRange?> JointRanges { get; }

    /// <param name="jointPositions">One per <see cref="EndEffector.Joints"/>, in that order.</param>
    Task<PointKinematics> AtAsync(IReadOnlyList<double> jointPositions, CancellationToken cancel);
}

