using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Policies;

/// <summary>Warehouse episodes driven through `openpi+ws://` by a fake server speaking openpi's wire protocol,
/// on the real bridge: a whole episode, and each fault making the episode an error with its cause.</summary>
[Collection(BridgeCollection.Name)]
public sealed class OpenPiPolicyEpisodeTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private async Task<EpisodeRecord> RunAsync(FakeOpenPiServer server, string config = "{}", string language = "zh-Hans")
    {
        var path = Path.Combine(Path.GetTempPath(), $"openpi-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config);
        try
        {
            var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-in-path");
            var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
            var policy = PolicySelection.Parse(server.Uri, path).Create();
            try
            {
                return await runner.RunAsync(
                    new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse(language), policy, 0, 0.001), CancellationToken.None);
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
    [InlineData(FakeOpenPiBehaviour.HoldFloat32)]
    [InlineData(FakeOpenPiBehaviour.HoldFloat64)]
    public async Task A_whole_episode_runs_through_openpi_with_images_state_and_the_untouched_prompt(FakeOpenPiBehaviour behaviour)
    {
        await using var server = await FakeOpenPiServer.StartAsync(behaviour);

        var episode = await RunAsync(server, """{"cameras": {"observation/image": "overview", "observation/wrist_image": "wrist"}, "actions_per_query": 5}""");

        Assert.Null(episode.Error);
        Assert.StartsWith(server.Uri + "#config-", episode.Policy, StringComparison.Ordinal);
        Assert.Equal(Verdict.Refusal, episode.Verdict);
        Assert.True(episode.TimeLimitReached);
        // 9 s of 5 periods of 20 ms per query.
        Assert.InRange(server.Observations, 89, 92);
        Assert.Equal(server.Observations, episode.PolicyLatenciesS.Count);
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-in-path");
        Assert.Equal(scenario.Instructions[LanguageTag.Parse("zh-Hans")], server.LastObservation["prompt"]);
        Assert.Equal("ndarray |u1 (224, 224, 3)", server.LastObservation["observation/image"]);
        Assert.Equal("ndarray |u1 (224, 224, 3)", server.LastObservation["observation/wrist_image"]);
        Assert.Equal("ndarray <f8 (7)", server.LastObservation["observation/state"]);
    }

    [Theory]
    [InlineData(FakeOpenPiBehaviour.Garbage, "bytes that are not an openpi reply")]
    [InlineData(FakeOpenPiBehaviour.WrongDimension, "has 14 values; expected 7, one per robot actuator")]
    [InlineData(FakeOpenPiBehaviour.ServerError, "reported an error and closed the connection (1011): ")]
    [InlineData(FakeOpenPiBehaviour.Oversize, "sent a message over 16 MiB; refused")]
    [InlineData(FakeOpenPiBehaviour.Killed, "lost the connection to openpi+ws://127.0.0.1:")]
    [InlineData(FakeOpenPiBehaviour.Silent, "did not answer within 2 s")]
    public async Task A_fault_mid_episode_makes_the_episode_an_error_with_its_cause(FakeOpenPiBehaviour behaviour, string cause)
    {
        await using var server = await FakeOpenPiServer.StartAsync(behaviour, answerFirst: 3);

        var episode = await RunAsync(server, """{"call_timeout_s": 2}""");

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.True(episode.Error!.Contains(cause, StringComparison.Ordinal), episode.Error);
        Assert.Contains("at t=0.600 s", episode.Error, StringComparison.Ordinal);
        if (behaviour == FakeOpenPiBehaviour.ServerError) Assert.Contains("RuntimeError: CUDA out of memory", episode.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_listening_is_an_error_naming_the_uri()
    {
        FakeOpenPiServer server;
        await using (server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64))
        {
        }

        var episode = await RunAsync(server, """{"call_timeout_s": 2}""");

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains($"cannot connect to {server.Uri}", episode.Error, StringComparison.Ordinal);
    }
}
