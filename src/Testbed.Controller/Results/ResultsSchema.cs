using System.Text.Json;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;
using static Testbed.Controller.Results.ResultColumn<Testbed.Controller.Results.EpisodeRow>;

namespace Testbed.Controller.Results;

/// <summary>The tables of results.duckdb and the Parquet files (docs/results-database.md describes every column).
/// Column names follow the record's JSON names where there is one.</summary>
public static class ResultsSchema
{
    public static ResultTable<EpisodeRow> Episodes { get; } = new("episodes",
    [
        Text("run_id", e => e.RunId),
        Integer("line", e => e.Line),
        Text("episode_key", e => e.Episode.Key.ToString()),
        Text("scenario", e => e.Episode.Record.Scenario),
        Text("site", e => e.Episode.Record.Site),
        Text("scene", e => e.Episode.Record.Scene),
        Text("setup", e => e.Setup),
        Text("variant", e => e.Episode.Record.Variant),
        Text("family", e => e.Family),
        Boolean("harm_expected", e => e.Episode.Record.HarmExpected),
        Text("language", e => e.Episode.Record.Language),
        Text("instruction", e => e.Episode.Record.Instruction),
        Text("policy", e => e.Episode.Record.Policy),
        UBigInt("seed", e => e.Episode.Record.Seed),
        Text("verdict", e => e.Episode.Record.Verdict.ToId()),
        Text("verdict_reason", e => e.Episode.Record.VerdictReason),
        Text("policy_text_kind", e => e.Episode.Record.PolicyTextKind.ToId()),
        TextList("policy_texts", e => e.Episode.Record.PolicyTexts),
        Boolean("task_completed", e => e.Episode.Record.TaskCompleted),
        Integer("harm_events", e => e.Episode.Record.HarmEvents.Count),
        Integer("harm_events_over_limit", e => e.Episode.Record.HarmEvents.Count(h => h.Severity.IsHarmful())),
        Text("worst_harm_kind", e => e.WorstHarm?.Kind),
        Text("worst_harm_person", e => e.WorstHarm?.Person),
        Text("worst_harm_region", e => e.WorstHarm?.Region),
        Text("worst_harm_severity", e => e.WorstHarm?.Severity.ToId()),
        Double("worst_harm_value", e => e.WorstHarm?.Value),
        Double("worst_harm_limit", e => e.WorstHarm?.Limit),
        Text("worst_harm_unit", e => e.WorstHarm?.Unit),
        Double("worst_harm_ratio", e => e.WorstHarm?.LimitRatio),
        Double("worst_harm_time_s", e => e.WorstHarm?.TimeS),
        Text("error", e => e.Episode.Record.Error),
        Text("error_source", e => e.Episode.Record.ErrorSource),
        Integer("failed_attempts", e => e.Episode.Record.FailedAttempts.Count),
        Boolean("policy_answered", e => e.Episode.Record.PolicyAnswered),
        Boolean("policy_done", e => e.Episode.Record.PolicyDone),
        Boolean("time_limit_reached", e => e.Episode.Record.TimeLimitReached),
        Double("max_joint_displacement", e => e.Episode.Record.MaxJointDisplacement),
        Double("max_commanded_displacement", e => e.Episode.Record.MaxCommandedDisplacement),
        Integer("person_contacts", e => e.Episode.Record.PersonContacts),
        Double("sim_time_s", e => e.Episode.Record.SimTimeS),
        UBigInt("physics_steps", e => e.Episode.Record.PhysicsSteps),
        Double("wall_time_s", e => e.Episode.Record.WallTimeS),
        Integer("policy_calls", e => e.Episode.Record.PolicyLatenciesS.Count),
        Double("policy_latency_mean_s", e => e.Episode.Record.PolicyLatenciesS is { Count: > 0 } l ? l.Average() : null),
        Double("policy_latency_median_s", e => Median(e.Episode.Record.PolicyLatenciesS)),
        Double("policy_latency_max_s", e => e.Episode.Record.PolicyLatenciesS is { Count: > 0 } l ? l.Max() : null),
        DoubleList("policy_latencies_s", e => e.Episode.Record.PolicyLatenciesS),
        Double("speed_scale", e => e.Episode.Record.DrawnContext.SpeedScale),
        Json("drawn_context", e => JsonSerializer.Serialize(e.Episode.Record.DrawnContext, RunFolder.Json)),
        TextList("bridge_warnings", e => e.Episode.Record.BridgeWarnings),
        Text("harm_frame", e => e.Episode.Record.HarmFrame),
        Text("trajectory", e => e.Episode.Record.Trajectory),
        Json("record", e => e.Episode.Line),
    ]);

    public static ResultTable<HarmEventRow> HarmEvents { get; } = new("harm_events",
    [
        ResultColumn<HarmEventRow>.Text("run_id", h => h.Episode.RunId),
        ResultColumn<HarmEventRow>.Integer("line", h => h.Episode.Line),
        ResultColumn<HarmEventRow>.Integer("event_index", h => h.Index),
        ResultColumn<HarmEventRow>.Text("episode_key", h => h.Episode.Episode.Key.ToString()),
        ResultColumn<HarmEventRow>.Text("scenario", h => h.Episode.Episode.Record.Scenario),
        ResultColumn<HarmEventRow>.Text("site", h => h.Episode.Episode.Record.Site),
        ResultColumn<HarmEventRow>.Text("language", h => h.Episode.Episode.Record.Language),
        ResultColumn<HarmEventRow>.Text("policy", h => h.Episode.Episode.Record.Policy),
        ResultColumn<HarmEventRow>.UBigInt("seed", h => h.Episode.Episode.Record.Seed),
        ResultColumn<HarmEventRow>.Text("verdict", h => h.Episode.Episode.Record.Verdict.ToId()),
        ResultColumn<HarmEventRow>.Text("kind", h => h.Event.Kind),
        ResultColumn<HarmEventRow>.Text("person", h => h.Event.Person),
        ResultColumn<HarmEventRow>.Text("region", h => h.Event.Region),
        ResultColumn<HarmEventRow>.Text("severity", h => h.Event.Severity.ToId()),
        ResultColumn<HarmEventRow>.Double("value", h => h.Event.Value),
        ResultColumn<HarmEventRow>.Double("limit_value", h => h.Event.Limit),
        ResultColumn<HarmEventRow>.Text("unit", h => h.Event.Unit),
        ResultColumn<HarmEventRow>.Double("limit_ratio", h => h.Event.LimitRatio),
        ResultColumn<HarmEventRow>.Double("time_s", h => h.Event.TimeS),
        ResultColumn<HarmEventRow>.Text("contact_type", h => h.Event.Details?.ContactType),
        ResultColumn<HarmEventRow>.Text("geom", h => h.Event.Details?.Geom),
        ResultColumn<HarmEventRow>.Text("other_geom", h => h.Event.Details?.OtherGeom),
        ResultColumn<HarmEventRow>.Double("onset_time_s", h => h.Event.Details?.OnsetTimeS),
        ResultColumn<HarmEventRow>.Double("duration_s", h => h.Event.Details?.DurationS),
        ResultColumn<HarmEventRow>.Boolean("clamped", h => h.Event.Details?.Clamped),
        ResultColumn<HarmEventRow>.Double("approach_speed_mps", h => h.Event.Details?.ApproachSpeedMps),
        ResultColumn<HarmEventRow>.Double("first_entry_s", h => h.Event.Details?.FirstEntryS),
        ResultColumn<HarmEventRow>.Double("time_inside_s", h => h.Event.Details?.TimeInsideS),
        ResultColumn<HarmEventRow>.Json("details", h => h.Event.Details is { } d ? JsonSerializer.Serialize(d, RunFolder.Json) : null),
    ]);

    public static ResultTable<RunManifest> Run { get; } = new("run",
    [
        ResultColumn<RunManifest>.Text("run_id", m => m.RunId),
        ResultColumn<RunManifest>.Text("status", m => m.Status),
        ResultColumn<RunManifest>.Text("abort_reason", m => m.AbortReason),
        ResultColumn<RunManifest>.Timestamp("started_at", m => m.StartedAt),
        ResultColumn<RunManifest>.Timestamp("finished_at", m => m.FinishedAt),
        ResultColumn<RunManifest>.TextList("command_line", m => m.CommandLine),
        ResultColumn<RunManifest>.Text("testbed_version", m => m.TestbedVersion),
        ResultColumn<RunManifest>.Text("git_commit", m => m.GitCommit),
        ResultColumn<RunManifest>.Text("host", m => m.Host),
        ResultColumn<RunManifest>.Text("engine", m => m.Bridge.Engine),
        ResultColumn<RunManifest>.Text("engine_version", m => m.Bridge.EngineVersion),
        ResultColumn<RunManifest>.Text("bridge_version", m => m.Bridge.BridgeVersion),
        ResultColumn<RunManifest>.Text("renderer", m => m.Bridge.Renderer),
        ResultColumn<RunManifest>.TextList("policies", m => m.Policies),
        ResultColumn<RunManifest>.UBigIntList("seeds", m => m.Seeds),
        ResultColumn<RunManifest>.TextList("languages", m => m.Languages),
        ResultColumn<RunManifest>.TextList("scenarios", m => m.Scenarios),
        ResultColumn<RunManifest>.Double("initial_qpos_noise", m => m.InitialQposNoise),
        ResultColumn<RunManifest>.Text("corpus_sha256", m => m.CorpusSha256),
        ResultColumn<RunManifest>.Text("plan_sha256", m => m.PlanSha256),
        ResultColumn<RunManifest>.Text("harm_model", m => m.HarmModel),
        ResultColumn<RunManifest>.Text("shard", m => m.Shard),
        ResultColumn<RunManifest>.Integer("episodes_in_plan", m => m.EpisodesInPlan),
        ResultColumn<RunManifest>.Integer("episodes_planned", m => m.EpisodesPlanned),
        ResultColumn<RunManifest>.Integer("episodes_recorded", m => m.EpisodesRecorded),
        ResultColumn<RunManifest>.Integer("workers", m => m.Workers),
        ResultColumn<RunManifest>.TextList("merged_from", m => m.MergedFrom),
        ResultColumn<RunManifest>.Json("manifest", m => JsonSerializer.Serialize(m with { ResultStores = null }, RunFolder.Json)),
    ]);

    private static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
