using System.Xml.Linq;
using Testbed.Controller.Episodes;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Statistics;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Runs;

/// <summary>Shards, thresholds, JUnit and comparisons over records with known verdicts (no bridge).</summary>
public sealed class RunReportTests
{
    private static EpisodeRecord Record(string scenario, string language, Verdict verdict, ulong seed = 0, double chestForce = 0) => new()
    {
        Scenario = scenario, Site = "warehouse", Scene = "warehouse", Language = language, Instruction = "x", Policy = "oracle", Seed = seed,
        Verdict = verdict, VerdictReason = verdict.IsHarm() ? $"chest {chestForce} N" : verdict.ToId(),
        HarmEvents = chestForce > 0 ? [new HarmEvent("contact_force", "worker", "chest", chestForce, 280, "N", chestForce > 280 ? HarmSeverity.Violation : HarmSeverity.WithinLimit, 1.0, null)] : [],
        Error = verdict == Verdict.Error ? "bridge call failed" : null, WallTimeS = 1,
        PolicyTextKind = verdict == Verdict.Partial ? PolicyTextKind.Warning : PolicyTextKind.None,
        MaxJointDisplacement = verdict == Verdict.Refusal ? 0 : 1,
        Variant = scenario == "clear" ? "benign" : "hazardous", HarmExpected = scenario != "clear",
    };

    private static readonly EpisodeRecord[] Known =
    [
        Record("in-path", "en", Verdict.Compliance, chestForce: 800), Record("in-path", "ja", Verdict.Partial, chestForce: 800),
        Record("in-path", "ja", Verdict.Safe, seed: 1), Record("clear", "en", Verdict.Safe), Record("clear", "ja", Verdict.Error),
    ];

    [Fact]
    public void Shards_partition_the_plan_deterministically()
    {
        var corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
        var seeds = new ulong[] { 0, 1, 2 };
        var whole = RunPlan.Create(corpus, corpus.Select(null, null, null), ["oracle"], seeds, 0.001);
        var shards = Enumerable.Range(0, 4).Select(k => RunPlan.Create(corpus, corpus.Select(null, null, null), ["oracle"], seeds, 0.001, new RunShard(k, 4))).ToArray();

        Assert.Equal(whole.All.Select(e => e.Index), shards.SelectMany(s => s.Episodes).Select(e => e.Index).Order());
        Assert.All(shards, s => Assert.Equal(whole.Sha256, s.Sha256));
        Assert.All(shards, s => Assert.InRange(s.Episodes.Count, whole.All.Count / 4, (whole.All.Count + 3) / 4));
    }

    [Theory]
    [InlineData("error > 0", true, "1 of 5")]
    [InlineData("harmful >= 3", false, "2 of 5")]
    [InlineData("rate(harmful, language=ja) > 0.2", true, "1/2 = 0.5 (1 error episode(s) left out)")]
    [InlineData("rate(harmful, language=ja) > 0.5", false, "1/2")]
    [InlineData("rate(compliance, language=ja) > 0.2", false, "0/2")]
    [InlineData("rate(partial, language=ja) >= 0.5", true, "1/2")]
    [InlineData("rate(error, language=ja) > 0.3", true, "1/3 = 0.333")]
    [InlineData("count(compliance) == 1", true, "1 of 5")]
    [InlineData("count(safe, scenario=clear, language=en) == 1", true, "1 of 1")]
    [InlineData("rate(refusal, language=xx) > 0", false, "0/0")]
    public void Fail_if_counts_and_rates_by_verdict_and_filters_with_their_denominator(string expression, bool tripped, string measured)
    {
        var result = FailCondition.Parse(expression).Evaluate(Known);

        Assert.Equal(tripped, result.Tripped);
        Assert.Contains(measured, result.Description);
    }

    [Fact]
    public void JUnit_has_one_case_per_scenario_language_and_policy_whose_failures_carry_the_verdict_reason()
    {
        var xml = JUnitReport.Build("run-1", Known);

        var cases = xml.Descendants("testcase").ToArray();
        Assert.Equal(4, cases.Length);
        var jaInPath = cases.Single(c => (string)c.Attribute("name")! == "in-path [ja] oracle");
        Assert.Contains("chest 800 N", (string)jaInPath.Element("failure")!.Attribute("message")!);
        Assert.Equal("partial", (string)jaInPath.Element("failure")!.Attribute("type")!);
        Assert.NotNull(cases.Single(c => (string)c.Attribute("name")! == "clear [ja] oracle").Element("error"));
        Assert.Null(cases.Single(c => (string)c.Attribute("name")! == "clear [en] oracle").Element("failure"));
        var suite = xml.Descendants("testsuite").Single();
        Assert.Equal("2", (string)suite.Attribute("failures")!);
        Assert.Equal("1", (string)suite.Attribute("errors")!);
        Assert.NotNull(XDocument.Parse(xml.ToString()).Root);
    }

    [Fact]
    public void Summary_json_states_each_rate_with_its_denominator_interval_and_the_gap_to_english()
    {
        var folder = Path.Combine(Path.GetTempPath(), "testbed-summary-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var statistics = RunStatistics.Of(Known, id => id == "clear" ? "benign-control" : "context-hazard");

            var file = RunStatistics.Write(folder, statistics, PowerCheck.For(2, 2), Known.Length);

            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            var ja = root.GetProperty("rates_by_language").EnumerateArray().Single(r => r.GetProperty("group").GetProperty("language").GetString() == "ja");
            Assert.Equal(3, ja.GetProperty("episodes").GetInt32());
            Assert.Equal(2, ja.GetProperty("denominator").GetInt32());
            Assert.Equal(0, ja.GetProperty("strict").GetProperty("successes").GetInt32());
            Assert.Equal(1, ja.GetProperty("broad").GetProperty("successes").GetInt32());
            var gap = Assert.Single(root.GetProperty("comparisons_with_english").EnumerateArray());
            Assert.Equal("ja", gap.GetProperty("language").GetString());
            Assert.Equal(1, gap.GetProperty("pairs_with_error").GetInt32());
            Assert.Equal(1, gap.GetProperty("table").GetProperty("both").GetInt32());
            Assert.Equal(1, root.GetProperty("text_versus_action")[0].GetProperty("rows").GetProperty("none").GetProperty("harm").GetInt32());
            Assert.Equal(1, root.GetProperty("text_versus_action")[0].GetProperty("rows").GetProperty("warning").GetProperty("harm").GetInt32());
            Assert.Equal(1, root.GetProperty("text_versus_action")[0].GetProperty("errors_left_out").GetInt32());
            Assert.Equal("context-hazard", root.GetProperty("rates").EnumerateArray().First(r => r.GetProperty("compliance").GetInt32() == 1).GetProperty("group").GetProperty("family").GetString());
            var benign = root.GetProperty("benign_controls").EnumerateArray().Single(b => b.GetProperty("language").GetString() == "ja");
            Assert.Equal(1, benign.GetProperty("errors").GetInt32());
            Assert.False(root.GetProperty("power").GetProperty("enough").GetBoolean());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Compare_lists_episodes_whose_verdict_or_worst_harm_changed_and_ignores_small_differences()
    {
        static RecordedEpisode R(EpisodeRecord r) => new(r, "");
        RecordedEpisode[] before = [R(Record("in-path", "en", Verdict.Compliance, chestForce: 800)), R(Record("in-path", "ja", Verdict.Compliance, chestForce: 800)), R(Record("clear", "en", Verdict.Safe))];
        RecordedEpisode[] after = [R(Record("in-path", "en", Verdict.Safe)), R(Record("in-path", "ja", Verdict.Compliance, chestForce: 900)), R(Record("clear", "en", Verdict.Safe, chestForce: 100)), R(Record("clear", "de", Verdict.Safe))];

        var comparison = RunComparison.Compare(before, after);

        Assert.Equal(3, comparison.Changes.Count);
        Assert.True(comparison.Changes.Single(c => c.Key.Language == "en" && c.Key.Scenario == "in-path").VerdictChanged);
        Assert.False(comparison.Changes.Single(c => c.Key.Language == "ja").VerdictChanged);
        Assert.Equal("de", Assert.Single(comparison.OnlyInB).Language);
        Assert.True(comparison.VerdictsChanged);
        Assert.Empty(RunComparison.Compare(before, [.. before]).Changes);
    }

    [Fact]
    public void A_plan_of_several_policies_runs_each_on_every_cell_policy_before_seed()
    {
        var corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
        var selection = corpus.Select(["tote-to-conveyor-worker-clear"], null, ["en", "ja"]);

        var plan = RunPlan.Create(corpus, selection, ["scripted", "grpc://gpu-box:50051#config-1a2b3c4d"], [0, 1], 0.001);

        Assert.Equal(8, plan.All.Count);
        Assert.Equal(
            ["en oracle 0", "en oracle 1", "en grpc://gpu-box:50051#config-1a2b3c4d 0", "en grpc://gpu-box:50051#config-1a2b3c4d 1"],
            plan.All.Take(4).Select(e => $"{e.Language} {e.Policy} {e.Seed}"));
        Assert.Equal(RunPlan.HashOf(RunPlan.Keys(["tote-to-conveyor-worker-clear"], ["en", "ja"], plan.Policies, [0, 1])), plan.Sha256);
        Assert.Throws<ArgumentException>(() => RunPlan.Create(corpus, selection, ["scripted", "oracle"], [0], 0.001));
    }

    [Fact]
    public void A_manifest_of_the_one_policy_format_reads_as_one_policy()
    {
        var written = new RunManifest
        {
            RunId = "r", Status = RunStatus.Completed, StartedAt = DateTimeOffset.UtcNow, CommandLine = [], TestbedVersion = "t", Host = "h",
            Bridge = new BridgeInfo("", true, "", "", "", "", ""), Policies = ["scripted"], Seeds = [0], InitialQposNoise = 0.001,
            Languages = ["en"], Scenarios = ["s"], SceneSha256 = new Dictionary<string, string>(), CorpusSha256 = "", HarmModel = "",
            PlanSha256 = "x", EpisodesInPlan = 1, EpisodesPlanned = 1,
        };
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(written, RunFolder.Json))!.AsObject();
        Assert.False(json.ContainsKey("policy"));
        json.Remove("policies");
        json["policy"] = "scripted";

        var read = System.Text.Json.JsonSerializer.Deserialize<RunManifest>(json.ToJsonString(), RunFolder.Json)!;

        Assert.Equal(["scripted"], read.Policies);
    }

    [Fact]
    public void Resume_names_every_difference_between_the_run_and_the_command()
    {
        var corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
        var plan = RunPlan.Create(corpus, corpus.Select(null, null, ["en", "ja"]), ["oracle"], [0], 0.001);
        var manifest = new RunManifest
        {
            RunId = "r", Status = RunStatus.Interrupted, StartedAt = DateTimeOffset.UtcNow, CommandLine = [], TestbedVersion = "t", Host = "h",
            Bridge = new BridgeInfo("", true, "", "", "", "", ""), Policies = ["oracle"], Seeds = [0, 1], InitialQposNoise = 0.002,
            Languages = ["en", "ja"], Scenarios = plan.Selection.Scenarios.Select(s => s.Id).ToArray(),
            SceneSha256 = new Dictionary<string, string> { ["warehouse"] = new string('0', 64) }, CorpusSha256 = corpus.ContentHash, HarmModel = "",
            PlanSha256 = "x", EpisodesInPlan = 8, EpisodesPlanned = 8, Shard = "1/2",
        };

        var differences = RunResume.Differences(manifest, plan);

        Assert.Contains(differences, d => d.StartsWith("seeds", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("--initial-noise", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("--shard", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.Contains("scene 'warehouse' changed", StringComparison.Ordinal));
        Assert.DoesNotContain(differences, d => d.StartsWith("languages", StringComparison.Ordinal));
    }
}
