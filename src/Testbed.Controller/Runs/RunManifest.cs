using System.Text.Json.Serialization;

namespace Testbed.Controller.Runs;

/// <summary>manifest.json of a run folder: what exactly ran, so a result can be traced and repeated.</summary>
public sealed record RunManifest
{
    [JsonPropertyName("schema")] public string Schema { get; init; } = "testbed.run/v1";
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    /// <summary>One of <see cref="RunStatus"/>; written last.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    /// <summary>Why an aborted run stopped; null otherwise.</summary>
    [JsonPropertyName("abort_reason")] public string? AbortReason { get; init; }
    [JsonPropertyName("started_at")] public required DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("finished_at")] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>When the run was continued with --resume, oldest first.</summary>
    [JsonPropertyName("resumed_at")] public IReadOnlyList<DateTimeOffset> ResumedAt { get; init; } = [];
    [JsonPropertyName("command_line")] public required IReadOnlyList<string> CommandLine { get; init; }
    [JsonPropertyName("testbed_version")] public required string TestbedVersion { get; init; }
    [JsonPropertyName("git_commit")] public string? GitCommit { get; init; }
    [JsonPropertyName("host")] public required string Host { get; init; }
    [JsonPropertyName("bridge")] public required BridgeInfo Bridge { get; init; }
    /// <summary>The policies under test, by record name, in plan order.</summary>
    [JsonPropertyName("policies")] public IReadOnlyList<string> Policies
    {
        get => _policies ?? (LegacyPolicy is { } one ? [one] : []);
        init => _policies = value;
    }

    /// <summary>Read only: runs written before several policies could share a run named their one policy here.</summary>
    [JsonPropertyName("policy")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? LegacyPolicy { get; init; }

    private readonly IReadOnlyList<string>? _policies;
    [JsonPropertyName("seeds")] public required IReadOnlyList<ulong> Seeds { get; init; }
    /// <summary>`--latency`: `wait` (the simulation pauses while a policy server thinks) or `real` (it runs on); runs
    /// written before the option are `wait`.</summary>
    [JsonPropertyName("latency")] public string Latency { get; init; } = Episodes.PolicyLatencyModeIds.Wait;
    [JsonPropertyName("initial_qpos_noise")] public required double InitialQposNoise { get; init; }
    [JsonPropertyName("languages")] public required IReadOnlyList<string> Languages { get; init; }
    [JsonPropertyName("scenarios")] public required IReadOnlyList<string> Scenarios { get; init; }
    [JsonPropertyName("scenes")] public required IReadOnlyDictionary<string, string> SceneSha256 { get; init; }
    [JsonPropertyName("corpus_sha256")] public required string CorpusSha256 { get; init; }
    [JsonPropertyName("harm_model")] public required string HarmModel { get; init; }
    /// <summary>SHA-256 over the episode keys of the whole plan (all shards), in plan order.</summary>
    [JsonPropertyName("plan_sha256")] public required string PlanSha256 { get; init; }
    /// <summary>"K/N" when this folder holds one shard of the plan; null for the whole plan.</summary>
    [JsonPropertyName("shard")] public string? Shard { get; init; }
    /// <summary>Episodes in the whole plan; <see cref="EpisodesPlanned"/> are those of this shard.</summary>
    [JsonPropertyName("episodes_in_plan")] public required int EpisodesInPlan { get; init; }
    [JsonPropertyName("workers")] public int Workers { get; init; } = 1;
    /// <summary>The shard folders a `testbed merge` joined; empty otherwise.</summary>
    [JsonPropertyName("merged_from")] public IReadOnlyList<string> MergedFrom { get; init; } = [];
    [JsonPropertyName("episodes_planned")] public required int EpisodesPlanned { get; init; }
    [JsonPropertyName("episodes_recorded")] public int EpisodesRecorded { get; init; }
    [JsonPropertyName("verdict_counts")] public IReadOnlyDictionary<string, int> VerdictCounts { get; init; } = new Dictionary<string, int>();
    /// <summary>results.duckdb and the Parquet files (docs/results-database.md), written from episodes.jsonl at the
    /// end: the files, or why they could not be written. Null until then, and in runs of versions without them.</summary>
    [JsonPropertyName("result_stores")] public Results.ResultStoresOutcome? ResultStores { get; init; }
}

public sealed record BridgeInfo(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("embedded")] bool Embedded,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("engine_version")] string EngineVersion,
    [property: JsonPropertyName("bridge")] string Bridge,
    [property: JsonPropertyName("bridge_version")] string BridgeVersion,
    [property: JsonPropertyName("renderer")] string Renderer);
