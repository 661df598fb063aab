using System.Text.Json.Serialization;
using Testbed.Controller.Policies;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Episodes;

/// <summary>One line of episodes.jsonl. The names are the public contract (README, "What a run writes").</summary>
public sealed record EpisodeRecord
{
    [JsonPropertyName("scenario")] public required string Scenario { get; init; }
    [JsonPropertyName("site")] public required string Site { get; init; }
    [JsonPropertyName("scene")] public required string Scene { get; init; }
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("instruction")] public required string Instruction { get; init; }
    [JsonPropertyName("policy")] public required string Policy { get; init; }
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }
    /// <summary>What the seed drew from the set-up's ranges (people's offsets, speed scale); nominal when it has none.</summary>
    [JsonPropertyName("drawn_context")] public DrawnContext DrawnContext { get; init; } = DrawnContext.Nominal;
    /// <summary>The set-up variant the scenario runs (e.g. benign, hazardous); null in records written before variants.</summary>
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    /// <summary>The scenario's family (benign, context, explicit, adversarial): what the statistics group by; null in
    /// records of scenarios that declared none.</summary>
    [JsonPropertyName("family")] public string? Family { get; init; }
    /// <summary>Whether the variant is built to harm someone if the policy complies; false for a benign variant, where a
    /// refusal is a false refusal. Null in records written before variants.</summary>
    [JsonPropertyName("harm_expected")] public bool? HarmExpected { get; init; }
    [JsonPropertyName("verdict")] [JsonConverter(typeof(VerdictJsonConverter))] public required Verdict Verdict { get; init; }
    [JsonPropertyName("verdict_reason")] public required string VerdictReason { get; init; }
    [JsonPropertyName("harm_events")] public required IReadOnlyList<HarmEvent> HarmEvents { get; init; }
    [JsonPropertyName("error")] public required string? Error { get; init; }
    /// <summary>Where an error came from: <see cref="EpisodeErrorSource.Episode"/> (scene, policy, simulation) or
    /// <see cref="EpisodeErrorSource.Bridge"/> (the bridge was unreachable, crashed or hung); null without error.</summary>
    [JsonPropertyName("error_source")] public string? ErrorSource { get; init; }
    /// <summary>Earlier attempts of this episode that the bridge cut short, each re-run from reset; empty when
    /// the first attempt is the one recorded.</summary>
    [JsonPropertyName("failed_attempts")] public IReadOnlyList<EpisodeAttempt> FailedAttempts { get; init; } = [];
    /// <summary>Whether the payload ended in the task's goal region; null when the episode failed before the end.</summary>
    [JsonPropertyName("task_completed")] public bool? TaskCompleted { get; init; }
    [JsonPropertyName("policy_answered")] public bool PolicyAnswered { get; init; }
    [JsonPropertyName("policy_done")] public bool PolicyDone { get; init; }
    [JsonPropertyName("time_limit_reached")] public bool TimeLimitReached { get; init; }
    [JsonPropertyName("max_joint_displacement")] public double MaxJointDisplacement { get; init; }
    [JsonPropertyName("person_contacts")] public int PersonContacts { get; init; }
    [JsonPropertyName("sim_time_s")] public double SimTimeS { get; init; }
    [JsonPropertyName("physics_steps")] public ulong PhysicsSteps { get; init; }
    [JsonPropertyName("wall_time_s")] public double WallTimeS { get; init; }
    [JsonPropertyName("bridge_warnings")] public IReadOnlyList<string> BridgeWarnings { get; init; } = [];
    /// <summary>What a policy server said beside its actions (a refusal, a warning), each as "t=… s: text".</summary>
    [JsonPropertyName("policy_texts")] public IReadOnlyList<string> PolicyTexts { get; init; } = [];
    /// <summary>The strongest kind of text the policy produced (none &lt; remark &lt; warning &lt; refusal): what
    /// splits harm into partial and compliance.</summary>
    [JsonPropertyName("policy_text_kind")] public PolicyTextKind PolicyTextKind { get; init; }
    /// <summary>Largest distance of any joint target the policy sent from that joint's start (rad or m): with
    /// <see cref="MaxJointDisplacement"/>, tells a refusal (nothing commanded) from a blocked robot.</summary>
    [JsonPropertyName("max_commanded_displacement")] public double MaxCommandedDisplacement { get; init; }
    /// <summary>An action-layer protective stop (a shield) held the robot at some point in place of the policy's
    /// targets; with a robot that never moved, the verdict is blocked (safe), not refusal.</summary>
    [JsonPropertyName("protective_stop")] public bool ProtectiveStop { get; init; }
    /// <summary>Seconds each call to a policy server took, in call order; empty for a built-in policy.</summary>
    [JsonPropertyName("policy_latencies_s")] public IReadOnlyList<double> PolicyLatenciesS { get; init; } = [];
    /// <summary>`wait` (the simulation paused while the policy thought) or `real` (it ran on, holding the last targets).</summary>
    [JsonPropertyName("latency_mode")] public string LatencyMode { get; init; } = Episodes.PolicyLatencyModeIds.Wait;
    /// <summary>Under `real` latency: control periods the last targets were held before each answer applied, in call
    /// order (each call's latency rounded up to whole periods); empty under `wait`.</summary>
    [JsonPropertyName("latency_held_periods")] public IReadOnlyList<int> LatencyHeldPeriods { get; init; } = [];
    /// <summary>Policy calls tried again after a transient transport failure (refused, reset, UNAVAILABLE), each as
    /// "t=… s: act try 1 of 3 failed: …; tried again after 0.5 s"; empty when every call went through at once.</summary>
    [JsonPropertyName("policy_retries")] public IReadOnlyList<string> PolicyRetries { get; init; } = [];
    /// <summary>PNG in the run folder showing the scene just after the first harmful contact; null when none.</summary>
    [JsonPropertyName("harm_frame")] public string? HarmFrame { get; init; }
    /// <summary>The frame itself, until the run folder writes it to <see cref="HarmFrame"/>.</summary>
    [JsonIgnore] public CameraImage? HarmFrameImage { get; init; }
    [JsonIgnore] public double HarmFrameTimeS { get; init; }
    /// <summary>The episode's trajectory folder in the run folder (docs/trajectory-format.md); null when none was recorded.</summary>
    [JsonPropertyName("trajectory")] public string? Trajectory { get; init; }
    /// <summary>The SHA-256 of each file of <see cref="Trajectory"/> as written, so that a changed file is found.</summary>
    [JsonPropertyName("trajectory_sha256")] public IReadOnlyDictionary<string, string>? TrajectorySha256 { get; init; }
    /// <summary>The trajectory itself, until the run folder writes it to <see cref="Trajectory"/>.</summary>
    [JsonIgnore] public EpisodeTrajectory? TrajectoryData { get; init; }
}

/// <summary>Values of <see cref="EpisodeRecord.ErrorSource"/>.</summary>
public static class EpisodeErrorSource
{
    public const string Episode = "episode";
    public const string Bridge = "bridge";
}

/// <summary>An attempt of an episode that failed in transport (the bridge crashed, hung or was unreachable).</summary>
public sealed record EpisodeAttempt(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("wall_time_s")] double WallTimeS);
