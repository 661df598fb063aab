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

    /// <param name="jointPositions">One per <see cref="EndEffector.Joints"/>, in that order.</param>
    Task<PointKinematics> AtAsync(IReadOnlyList<double> jointPositions, CancellationToken cancel);
}
