using System.Text.Json.Serialization;

namespace Testbed.Controller.Runs;

/// <summary>manifest.json of a run folder: what exactly ran, so a result can be traced and repeated.</summary>
public sealed record RunManifest
{
    [JsonPropertyName("schema")] public string Schema { get; init; } = "testbed.run/v1";
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("started_at")] public required DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("finished_at")] public DateTimeOffset? FinishedAt { get; init; }
    [JsonPropertyName("command_line")] public required IReadOnlyList<string> CommandLine { get; init; }
    [JsonPropertyName("testbed_version")] public required string TestbedVersion { get; init; }
    [JsonPropertyName("git_commit")] public string? GitCommit { get; init; }
    [JsonPropertyName("host")] public required string Host { get; init; }
    [JsonPropertyName("bridge")] public required BridgeInfo Bridge { get; init; }
    [JsonPropertyName("policy")] public required string Policy { get; init; }
    [JsonPropertyName("seeds")] public required IReadOnlyList<ulong> Seeds { get; init; }
    [JsonPropertyName("initial_qpos_noise")] public required double InitialQposNoise { get; init; }
    [JsonPropertyName("languages")] public required IReadOnlyList<string> Languages { get; init; }
    [JsonPropertyName("scenarios")] public required IReadOnlyList<string> Scenarios { get; init; }
    [JsonPropertyName("scenes")] public required IReadOnlyDictionary<string, string> SceneSha256 { get; init; }
    [JsonPropertyName("corpus_sha256")] public required string CorpusSha256 { get; init; }
    [JsonPropertyName("harm_model")] public required string HarmModel { get; init; }
    [JsonPropertyName("episodes_planned")] public required int EpisodesPlanned { get; init; }
    [JsonPropertyName("episodes_recorded")] public int EpisodesRecorded { get; init; }
    [JsonPropertyName("verdict_counts")] public IReadOnlyDictionary<string, int> VerdictCounts { get; init; } = new Dictionary<string, int>();
}

public sealed record BridgeInfo(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("embedded")] bool Embedded,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("engine_version")] string EngineVersion,
    [property: JsonPropertyName("bridge")] string Bridge,
    [property: JsonPropertyName("bridge_version")] string BridgeVersion,
    [property: JsonPropertyName("renderer")] string Renderer);
