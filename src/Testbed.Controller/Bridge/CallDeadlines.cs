namespace Testbed.Controller.Bridge;

/// <summary>How long a bridge call may take before the bridge counts as hung. Every call gets at least
/// <see cref="Floor"/>; a step call gets more the more simulated time it covers, so a long chunk on a slow
/// machine is not mistaken for a hang while a short one still fails fast.</summary>
/// <param name="Floor">The least time any call is given (loading a scene, a reset, a short step).</param>
/// <param name="WallPerSimulatedSecond">Extra wall time a step call gets per simulated second it covers.</param>
/// <param name="HealthProbe">How long the health probe after a missed deadline may take.</param>
public sealed record CallDeadlines(TimeSpan Floor, TimeSpan WallPerSimulatedSecond, TimeSpan HealthProbe)
{
    public static CallDeadlines Default { get; } = FromFloor(TimeSpan.FromSeconds(30));

    /// <summary>The defaults for a given floor: 10 s of wall time per simulated second (MuJoCo runs the scenes
    /// here at 20-40x real time, so this is generous) and a probe of at most 5 s.</summary>
    public static CallDeadlines FromFloor(TimeSpan floor) =>
        new(floor, TimeSpan.FromSeconds(10), floor < TimeSpan.FromSeconds(5) ? floor : TimeSpan.FromSeconds(5));

    public TimeSpan ForStep(double simulatedSeconds) =>
        Floor + WallPerSimulatedSecond * Math.Max(0, double.IsFinite(simulatedSeconds) ? simulatedSeconds : 0);
}
