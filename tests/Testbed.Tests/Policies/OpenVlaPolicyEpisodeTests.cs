using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Policies;

/// <summary>Warehouse episodes driven through `openvla+http://` by a fake server speaking OpenVLA's REST protocol, on
/// the real bridge: its end-effector deltas become joint targets through the arm's own Jacobian.</summary>
[Collection(BridgeCollection.Name)]
public sealed class OpenVlaPolicyEpisodeTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private async Task<EpisodeRecord> RunAsync(FakeOpenVlaServer server, string config)
    {
        var path = Path.Combine(Path.GetTempPath(), $"openvla-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config);
        try
        {
            // 1.5 s are enough for the fake's ten rises and keep the suite quick: one HTTP call and render per 20 ms period.
            var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear") with { TimeLimitS = 1.5 };
            var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
            var policy = PolicySelection.Parse(server.Uri, path).Create();
            try
            {
                return await runner.RunAsync(
                    new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse("ja"), policy, 0, 0.001), CancellationToken.None);
            }
            finally
            {
                await ((IAsyncDisposable)policy).DisposeAsync();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(FakeOpenVlaBehaviour.Bare, false)]
    [InlineData(FakeOpenVlaBehaviour.DoubleEncoded, true)]
    [InlineData(FakeOpenVlaBehaviour.Wrapped, false)]
    public async Task A_whole_episode_runs_through_openvla_with_the_image_the_untouched_instruction_and_the_unnorm_key(FakeOpenVlaBehaviour behaviour, bool doubleEncoded)
    {
        await using var server = FakeOpenVlaServer.Start(behaviour);

        var episode = await RunAsync(server, $$"""{"unnorm_key": "bridge_orig", "double_encoded": {{(doubleEncoded ? "true" : "false")}}}""");

        Assert.Null(episode.Error);
        Assert.StartsWith(server.Uri + "#config-", episode.Policy, StringComparison.Ordinal);
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        Assert.Equal(scenario.Instructions[LanguageTag.Parse("ja")], server.LastRequest["instruction"]);
        Assert.Equal("bridge_orig", server.LastRequest["unnorm_key"]);
        Assert.Equal($"|u1 (224, 224, 3) {224 * 224 * 3} bytes", server.LastRequest["image"]);
        Assert.StartsWith("application/json", server.LastContentType, StringComparison.Ordinal);
        // One step per query, each one control period (20 ms) of the 1.5 s episode.
        Assert.InRange(server.Calls, 75, 77);
        // Ten 1 cm rises of the tool move the arm's joints well past the refusal threshold; the worker is far away.
        Assert.True(episode.MaxJointDisplacement > 0.05, $"max joint displacement {episode.MaxJointDisplacement} rad");
        Assert.Equal(Verdict.Safe, episode.Verdict);
    }

    [Fact]
    public async Task The_servers_error_string_makes_the_episode_an_error_that_says_so()
    {
        await using var server = FakeOpenVlaServer.Start(FakeOpenVlaBehaviour.Error);

        var episode = await RunAsync(server, "{}");

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("answered \"error\"", episode.Error);
        Assert.Equal(1, server.Calls);
    }
}
