namespace Testbed.Controller.Policies;

/// <summary>The values an actuator may be commanded to: its control range (for a position servo, the joint positions
/// it can be sent to; the engine clamps a target outside it).</summary>
public sealed record ControlRange(double Min, double Max)
{
    /// <summary>The actuator's control range; null when it is not limited.</summary>
    public static ControlRange? Of(Testbed.Sim.V1.ActuatorDescription actuator) =>
        actuator.CtrlLimited ? new ControlRange(actuator.CtrlMin, actuator.CtrlMax) : null;

    public double Clamp(double value) => Math.Clamp(value, Min, Max);

    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Min:0.###}…{Max:0.###}");
}
