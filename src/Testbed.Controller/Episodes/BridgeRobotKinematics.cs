using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Actions;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>The end effector's kinematics from the bridge (GetPointJacobian): the episode's latest state with the
/// end-effector joints set to the positions asked about, evaluated without moving the simulation. The joints' ranges
/// are their position actuators' control ranges: what the engine clamps a target to, so a solution outside them would
/// never be reached.</summary>
public sealed class BridgeRobotKinematics(
    BridgeCalls bridge, string sessionId, EndEffector effector, IReadOnlyList<ActuatorDescription> actuators, Func<SimState> latestState)
    : IRobotKinematics
{
    private readonly ActuatorDescription[] _joints = effector.Joints
        .Select(name => actuators.FirstOrDefault(a => a.Name == name && a.JointQposAddress >= 0)
            ?? throw new InvalidOperationException($"end-effector joint actuator '{name}' drives no joint in the model"))
        .ToArray();

    public EndEffector EndEffector => effector;

    private ControlRange?[]? _ranges;

    public IReadOnlyList<ControlRange?> JointRanges => _ranges ??= _joints.Select(ControlRange.Of).ToArray();

    public async Task<PointKinematics> AtAsync(IReadOnlyList<double> jointPositions, CancellationToken cancel)
    {
        var qpos = latestState().Qpos.ToArray();
        for (var j = 0; j < _joints.Length; j++) qpos[_joints[j].JointQposAddress] = jointPositions[j];
        var request = new GetPointJacobianRequest
        {
            SessionId = sessionId, Body = effector.Body,
            Point = new Vec3 { X = effector.PointM[0], Y = effector.PointM[1], Z = effector.PointM[2] },
        };
        request.JointNames.AddRange(_joints.Select(a => a.Joint));
        request.Qpos.AddRange(qpos);
        var response = await bridge.GetPointJacobianAsync(request, cancel);
        var n = _joints.Length;
        var jacobian = new double[6, n];
        for (var c = 0; c < n; c++)
        {
            for (var r = 0; r < 3; r++)
            {
                jacobian[r, c] = response.Translational[(r * n) + c];
                jacobian[r + 3, c] = response.Rotational[(r * n) + c];
            }
        }

        return new PointKinematics([response.Position.X, response.Position.Y, response.Position.Z], response.Rotation.ToArray(), jacobian);
    }
}
