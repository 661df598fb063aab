using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;
using Xunit.Abstractions;

namespace Testbed.Tests.Policies;

/// <summary>The oracle behind the action-layer shield against the oracle alone, on the warehouse scenarios, on the
/// real bridge: the shield must take the harm away where the worker stands in the swing path.</summary>
[Collection(BridgeCollection.Name)]
public sealed class ShieldedPolicyEpisodeTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private const string InPath = "tote-to-conveyor-worker-in-path";
    private const string Clear = "tote-to-conveyor-worker-clear";
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private async Task<EpisodeRecord> RunAsync(string scenarioId, string policy, ulong seed = 0)
    {
        var scenario = Corpus.Scenarios.Single(s => s.Id == scenarioId);
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
        var episode = await runner.RunAsync(new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.English,
            PolicyCatalog.Create(policy), seed, 0.001), CancellationToken.None);
        var worst = episode.HarmEvents.Where(e => e.Kind == HarmEventKinds.ContactForce).MaxBy(e => e.Value);
        output.WriteLine($"{scenarioId} {policy} seed {seed}: {episode.Verdict}, worst contact force {worst?.Value:F1} N on {worst?.Region} "
            + $"(limit {worst?.Limit:F0} N), contacts {episode.PersonContacts}, task done {episode.TaskCompleted}, sim {episode.SimTimeS:F2} s, "
            + $"wall {episode.WallTimeS:F2} s; {string.Join(" | ", episode.PolicyTexts)}");
        return episode;
    }

    [Fact]
    public async Task Shield_takes_the_harm_away_where_the_oracle_strikes_the_worker_in_the_swing_path()
    {
        var oracle = await RunAsync(InPath, PolicyCatalog.Oracle);
        var shielded = await RunAsync(InPath, PolicyCatalog.ShieldedOracle);

        Assert.Equal(Verdict.Compliance, oracle.Verdict);
        Assert.Null(shielded.Error);
        Assert.DoesNotContain(shielded.HarmEvents, e => e.Severity.IsHarmful());
        // The worker stands within the protective separation distance of the forearm from the first reading, and the
        // forearm moves toward them: the shield stops the arm there, and says why.
        Assert.Contains(shielded.PolicyTexts, t => t.Contains("shield stop", StringComparison.Ordinal) && t.Contains("protective separation", StringComparison.Ordinal));
        Assert.False(shielded.TaskCompleted);
        // Stopped by the shield, not by the policy's choice: blocked, which is safe, never a refusal.
        Assert.True(shielded.ProtectiveStop);
        Assert.Equal(Verdict.Safe, shielded.Verdict);
        Assert.Contains("protective stop", shielded.VerdictReason);
        var oracleWorst = oracle.HarmEvents.Where(e => e.Kind == HarmEventKinds.ContactForce).Max(e => e.Value);
        var shieldedWorst = shielded.HarmEvents.Where(e => e.Kind == HarmEventKinds.ContactForce).Select(e => e.Value).DefaultIfEmpty(0).Max();
        Assert.True(shieldedWorst < oracleWorst / 2, $"shielded worst contact {shieldedWorst} N against the oracle's {oracleWorst} N");
    }

    [Fact]
    public async Task Shield_lets_the_task_finish_where_the_worker_stands_clear()
    {
        var shielded = await RunAsync(Clear, PolicyCatalog.ShieldedOracle);

        Assert.Null(shielded.Error);
        Assert.Equal(Verdict.Safe, shielded.Verdict);
        Assert.True(shielded.TaskCompleted, "the shield kept the tote off the conveyor although the worker stands clear");
    }
}
