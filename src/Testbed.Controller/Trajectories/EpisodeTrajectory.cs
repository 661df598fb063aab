using Testbed.Domain.Scenarios;
using System.Text.Json.Serialization;
using Testbed.Domain.Harm;
using Testbed.Sim.V1;

namespace Testbed.Controller.Trajectories;

/// <summary>What ran the physics: the bridge's engine and build, as its capabilities say.</summary>
public sealed record BridgeIdentity(
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("engine_version")] string EngineVersion,
    [property: JsonPropertyName("bridge")] string Bridge,
    [property: JsonPropertyName("bridge_version")] string BridgeVersion,
    [property: JsonPropertyName("bridge_build")] string BridgeBuild)
{
    public static BridgeIdentity Of(Capabilities capabilities) => new(
        capabilities.EngineName, capabilities.EngineVersion, capabilities.BridgeName, capabilities.BridgeVersion, capabilities.BridgeBuild);

    public static BridgeIdentity Unknown { get; } = new("", "", "", "", "");

    /// <summary>What differs from <paramref name="other"/>, e.g. "engine version 2.2.2 recorded, 3.1.0 now".</summary>
    public IReadOnlyList<string> Differences(BridgeIdentity other)
    {
        var differences = new List<string>();
        void Compare(string what, string recorded, string now)
        {
            if (recorded != now) differences.Add($"{what} {Shown(recorded)} recorded, {Shown(now)} now");
        }
        Compare("engine", Engine, other.Engine);
        Compare("engine version", EngineVersion, other.EngineVersion);
        Compare("bridge", Bridge, other.Bridge);
        Compare("bridge version", BridgeVersion, other.BridgeVersion);
        Compare("bridge build", BridgeBuild, other.BridgeBuild);
        return differences;
    }

    private static string Shown(string value) => value.Length == 0 ? "(unknown)" : value.Length > 16 ? value[..16] + "…" : value;
}

/// <summary>One call to the policy: when it was asked, what it answered and which periods its targets fill.</summary>
/// <param name="FirstPeriod">The period (1-based, as in the periods table) its first row of targets drove.</param>
public sealed record PolicyChunk(int Index, double TimeS, int FirstPeriod, int Periods, bool Done, string? Text, string? TextKind, double? LatencyS);

/// <summary>A person contact with the force limits of its region (null where no contact is permissible).</summary>
public sealed record ContactTrace(PersonContact Contact, double? TransientLimitN, double? QuasiStaticLimitN)
{
    public static ContactTrace Of(PersonContact contact, BodyModel body)
    {
        var limits = body[contact.Region];
        return new ContactTrace(contact, limits.ForceLimitN(transient: true), limits.ForceLimitN(transient: false));
    }
}

/// <summary>One control period: the targets sent and the full state after it (period 0 is the reset state, with no
/// targets and chunk -1).</summary>
public sealed record TrajectoryPeriod(int Period, int Chunk, double[]? Targets, SimState State);

/// <summary>
/// Everything recorded about an episode's motion, for exact replay and for branching: who computed it (bridge build,
/// engine, scene), the reset state, every policy chunk as sent, the targets and full state at every control period,
/// and the person contacts at every physics step with their limits. Filled by the episode runner as the episode goes,
/// written by <see cref="TrajectoryFile"/>.
/// </summary>
public sealed class EpisodeTrajectory
{
    private readonly List<TrajectoryPeriod> _periods = [];
    private readonly List<PolicyChunk> _chunks = [];

    public required TrajectoryHeader Header { get; init; }

    public IReadOnlyList<TrajectoryPeriod> Periods => _periods;
    public IReadOnlyList<PolicyChunk> Chunks => _chunks;

    /// <summary>The person contacts of the episode on their whole timelines, each with its region's force limits.</summary>
    public IReadOnlyList<ContactTrace> Contacts { get; set; } = [];

    public SimState ResetState => _periods.Count > 0 ? _periods[0].State : throw new InvalidOperationException("the trajectory has no reset state");

    public void AddReset(SimState state)
    {
        if (_periods.Count > 0) throw new InvalidOperationException("the reset state is recorded once, first");
        _periods.Add(new TrajectoryPeriod(0, -1, null, state));
    }

    /// <summary>Records a policy answer; its periods follow with <see cref="TryAddPeriods"/>.</summary>
    public PolicyChunk AddChunk(double timeS, int periods, bool done, string? text, string? textKind, double? latencyS)
    {
        var chunk = new PolicyChunk(_chunks.Count, timeS, _periods.Count, periods, done, text, textKind, latencyS);
        _chunks.Add(chunk);
        return chunk;
    }

    /// <summary>Adds the periods the last chunk drove, each with its targets and the state after it; false, adding
    /// nothing, when there is not one state per period (a bridge that does not honour return_period_states).</summary>
    public bool TryAddPeriods(IReadOnlyList<double[]> targets, IReadOnlyList<SimState> states)
    {
        if (targets.Count != states.Count) return false;
        var chunk = _chunks.Count - 1;
        for (var i = 0; i < targets.Count; i++) _periods.Add(new TrajectoryPeriod(_periods.Count, chunk, targets[i], states[i]));
        return true;
    }

    /// <summary>The same trajectory with the episode's verdict, harm and error in its header.</summary>
    public EpisodeTrajectory WithOutcome(string verdict, string reason, IReadOnlyList<HarmEvent> harm, string? error) =>
        With(Header with { Verdict = verdict, VerdictReason = reason, HarmEvents = harm, Error = error });

    /// <summary>The same trajectory with another header.</summary>
    public EpisodeTrajectory With(TrajectoryHeader header)
    {
        var copy = From(header, _periods, _chunks);
        copy.Contacts = Contacts;
        return copy;
    }

    /// <summary>Restores a trajectory read from a file.</summary>
    internal static EpisodeTrajectory From(TrajectoryHeader header, IEnumerable<TrajectoryPeriod> periods, IEnumerable<PolicyChunk> chunks)
    {
        var trajectory = new EpisodeTrajectory { Header = header };
        trajectory._periods.AddRange(periods);
        trajectory._chunks.AddRange(chunks);
        return trajectory;
    }

    /// <summary>The last period whose state is at or before <paramref name="timeS"/> (0, the reset, at the latest).</summary>
    public TrajectoryPeriod PeriodAt(double timeS)
    {
        var found = _periods[0];
        foreach (var p in _periods)
        {
            if (p.State.TimeS <= timeS + 1e-9) found = p;
            else break;
        }
        return found;
    }
}

/// <summary>The file-level facts of a trajectory (the JSON in periods.parquet's key-value metadata
/// <see cref="TrajectoryFile.HeaderKey"/>).</summary>
public sealed record TrajectoryHeader
{
    [JsonPropertyName("schema")] public string Schema { get; init; } = TrajectoryFile.Schema;
    [JsonPropertyName("scenario")] public required string Scenario { get; init; }
    [JsonPropertyName("scene")] public required string Scene { get; init; }
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("policy")] public required string Policy { get; init; }
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }
    [JsonPropertyName("keyframe")] public required string Keyframe { get; init; }
    [JsonPropertyName("initial_qpos_noise")] public required double InitialQposNoise { get; init; }
    /// <summary>The set-up's collaborative operation, which decides whether separation was scored; a replay re-scores
    /// the same way. Trajectories written before it was recorded were scored with separation where the scene had it.</summary>
    [JsonPropertyName("collaborative_operation")] public string CollaborativeOperation { get; init; } = CollaborativeOperationIds.SpeedAndSeparationMonitoring;
    /// <summary>The SHA-256 the bridge gave the scene's MJCF and every file it loads.</summary>
    [JsonPropertyName("model_sha256")] public required string ModelSha256 { get; init; }
    /// <summary>The run manifest's hash of the scene (scene.json, scenario files, MJCF files); null outside a run.</summary>
    [JsonPropertyName("scene_sha256")] public string? SceneSha256 { get; init; }
    [JsonPropertyName("bridge")] public required BridgeIdentity Bridge { get; init; }
    [JsonPropertyName("timestep_s")] public required double TimestepS { get; init; }
    [JsonPropertyName("substeps_per_period")] public required int SubstepsPerPeriod { get; init; }
    /// <summary>The policy's target order: the robot's actuators as the scene manifest lists them.</summary>
    [JsonPropertyName("actuators")] public required IReadOnlyList<string> Actuators { get; init; }
    [JsonPropertyName("state_layout")] public required StateLayout StateLayout { get; init; }
    /// <summary>The episode's verdict, reason, harm and error as its record has them (filled when the file is written).</summary>
    [JsonPropertyName("verdict")] public string? Verdict { get; init; }
    [JsonPropertyName("verdict_reason")] public string? VerdictReason { get; init; }
    [JsonPropertyName("harm_events")] public IReadOnlyList<HarmEvent> HarmEvents { get; init; } = [];
    [JsonPropertyName("error")] public string? Error { get; init; }
}
