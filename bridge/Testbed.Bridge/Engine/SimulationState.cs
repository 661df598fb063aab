namespace Testbed.Bridge.Engine;

/// <summary>Everything needed to continue a simulation bit-identically: the MuJoCo MPC state layout plus
/// ctrl, the constraint solver's warm start and each compliant geom's spring compression (per geom).</summary>
public sealed record SimulationState(
    double Time, double[] Qpos, double[] Qvel, double[] Act, double[] Ctrl,
    double[] MocapPos, double[] MocapQuat, double[] QaccWarmstart, double[] ContactCompression);

public sealed record BodyKinematics(string Name, double[] Position, double[] Quaternion, double[] LinearVelocity, double[] AngularVelocity);

/// <param name="ContactsLost">The engine dropped contacts or the telemetry was truncated: harm may be unmeasured.</param>
/// <param name="BodyTraces">One per traced body, in the order asked.</param>
/// <param name="ActuatorForces">What each actuator applied at the chunk's last step (N or N m), in model order.</param>
/// <param name="PeriodStates">The state after every control period, when asked for; empty otherwise.</param>
public sealed record StepOutcome(double Time, long Substeps, IReadOnlyList<TrackedContact> Contacts, IReadOnlyList<string> Warnings, bool ContactsLost,
    IReadOnlyList<TracedMotion> BodyTraces, double[] ActuatorForces, IReadOnlyList<SimulationState> PeriodStates);
