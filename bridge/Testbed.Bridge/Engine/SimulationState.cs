namespace Testbed.Bridge.Engine;

/// <summary>Everything needed to continue a simulation bit-identically: the MuJoCo MPC state layout plus
/// ctrl and the constraint solver's warm start.</summary>
public sealed record SimulationState(
    double Time, double[] Qpos, double[] Qvel, double[] Act, double[] Ctrl,
    double[] MocapPos, double[] MocapQuat, double[] QaccWarmstart);

public sealed record BodyKinematics(string Name, double[] Position, double[] Quaternion, double[] LinearVelocity, double[] AngularVelocity);

public sealed record StepOutcome(double Time, long Substeps, IReadOnlyList<ContactEpisode> Contacts, IReadOnlyList<string> Warnings);
