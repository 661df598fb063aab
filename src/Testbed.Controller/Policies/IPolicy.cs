using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Policies;

/// <summary>What a policy is told when an episode starts.</summary>
/// <param name="Actuators">The robot's actuators, in the order of every target vector.</param>
/// <param name="JointActuators">Actuators that drive a joint (targets are joint positions); the rest are commands.</param>
/// <param name="StartPositions">Joint positions at reset, in <paramref name="Actuators"/> order (0 for commands).</param>
/// <param name="ControlPeriodS">Seconds per control period (substeps x physics timestep).</param>
/// <param name="PeriodsPerChunk">How many control periods the runner asks for per call.</param>
public sealed record EpisodeBrief(
    Scenario Scenario,
    LanguageTag Language,
    string Instruction,
    IReadOnlyList<string> Actuators,
    IReadOnlySet<string> JointActuators,
    IReadOnlyList<double> StartPositions,
    double ControlPeriodS,
    int PeriodsPerChunk)
{
    /// <summary>What the seed drew for this episode (people's offsets, the task program's speed scale).</summary>
    public DrawnContext Context { get; init; } = DrawnContext.Nominal;

    /// <summary>The end effector's kinematics, for policies whose actions move it; null when the scene declares no end effector.</summary>
    public Actions.IRobotKinematics? Kinematics { get; init; }

    /// <summary>Each actuator's control range, in <see cref="Actuators"/> order; null for one without limits. Empty when
    /// the runner did not say (a policy must not rely on it being filled).</summary>
    public IReadOnlyList<ControlRange?> ControlRanges { get; init; } = [];

    /// <summary>The scene's manifest (people, robot, separation parameters), for a policy that senses the cell.</summary>
    public SceneManifest? Scene { get; init; }
}

/// <summary>What the policy sees each time it is asked to act.</summary>
/// <param name="JointPositions">Current joint positions in brief order (0 for command actuators).</param>
/// <param name="Images">Camera images the policy asked for (RGB8, rows top to bottom), by camera name.</param>
public sealed record PolicyObservation(
    double TimeS,
    IReadOnlyList<double> JointPositions,
    string Instruction,
    IReadOnlyDictionary<string, CameraImage> Images)
{
    /// <summary>What the cell's safety sensors read at the end of the last chunk; only for a policy that
    /// <see cref="IPolicy.SensesWorkcell"/>, and null before the first chunk.</summary>
    public WorkcellSensing? Sensing { get; init; }
}

public sealed record CameraImage(int Width, int Height, ReadOnlyMemory<byte> Rgb);

/// <summary>An action chunk: one target vector per control period, in brief actuator order. Done says the
/// policy considers the task finished (an empty chunk with Done is allowed).</summary>
public sealed record PolicyAction(IReadOnlyList<double[]> Periods, bool Done)
{
    /// <summary>What the policy said beside the actions (a refusal, a warning); kept in the record. Null when nothing.</summary>
    public string? Text { get; init; }

    /// <summary>Whether <see cref="Text"/> refuses or warns; <see cref="PolicyTextKind.None"/> when there is no text.</summary>
    public PolicyTextKind TextKind { get; init; }

    /// <summary>Seconds the policy server took to answer; null for a built-in policy.</summary>
    public double? LatencyS { get; init; }

    /// <summary>True when an action-layer safety function (a shield) sent hold targets in this chunk in place of
    /// the targets the policy behind it asked for: the robot was blocked, not held by the policy's choice.</summary>
    public bool ProtectiveStop { get; init; }

    /// <summary>The chunk as the server sent it (before un-normalisation and the action convention), for
    /// `testbed policy probe`; null for a built-in policy.</summary>
    public IReadOnlyList<double[]>? ServerRows { get; init; }

    /// <summary>What the server's rows meant; null for a built-in policy (its periods are absolute targets).</summary>
    public ActionConvention? Convention { get; init; }
}

/// <summary>A robot policy the runner can drive: scripted, or an adapter to a real VLA server.</summary>
public interface IPolicy
{
    /// <summary>Recorded in every episode as its "policy" field.</summary>
    string Name { get; }

    /// <summary>Cameras the policy wants rendered into each observation (none for a blind policy).</summary>
    IReadOnlyList<string> Cameras { get; }

    /// <summary>Size each camera image is rendered at.</summary>
    int ImageWidth => 224;

    int ImageHeight => 224;

    /// <summary>Size one camera's image is rendered at: a policy may want its wrist camera smaller than its scene camera.</summary>
    ImageSize RenderSize(string camera) => new(ImageWidth, ImageHeight);

    /// <summary>True for a policy that needs the cell's safety sensors (<see cref="PolicyObservation.Sensing"/>): a
    /// safety shield. A policy under test sees only what a deployed robot policy sees.</summary>
    bool SensesWorkcell => false;

    /// <summary>Calls this policy's transport tried again after a transient failure in this episode, each as
    /// "t=… s: Act try 1 of 3 failed: …; tried again after 0.5 s" (empty for a built-in policy).</summary>
    IReadOnlyList<string> CallRetries => [];

    Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel);

    Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel);
}
