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

    private async Task<EpisodeRecord> RunAsync(FakeOpenPiServer server, string config = "{}", string language = "zh-Hans", double? timeLimitS = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"openpi-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config);
        try
        {
            var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-in-path");
            if (timeLimitS is { } limit) scenario = scenario with { TimeLimitS = limit };
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
    public async Task Each_camera_is_rendered_at_its_own_size_and_letterboxed_to_224_with_black_bars()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64);

        var episode = await RunAsync(server, """
            {"cameras": {"observation/image": {"scene": "overview", "width": 320, "height": 240},
                         "observation/wrist_image": {"scene": "wrist", "width": 96, "height": 128}}}
            """, timeLimitS: 0.5);

        Assert.Null(episode.Error);
        Assert.Equal(1, server.HealthChecks);
        var (shape, image) = server.LastArrays["observation/image"];
        Assert.Equal([224, 224, 3], shape);
        // 320x240 scales to 224x168: 28 black rows above and below, the scene between them.
        Assert.All(image[..(28 * 224 * 3)], b => Assert.Equal(0, b));
        Assert.All(image[^(28 * 224 * 3)..], b => Assert.Equal(0, b));
        Assert.Contains(image[(28 * 224 * 3)..^(28 * 224 * 3)], b => b != 0);
        var (wristShape, wrist) = server.LastArrays["observation/wrist_image"];
        Assert.Equal([224, 224, 3], wristShape);
        // 96x128 scales to 168x224: 28 black columns left and right of every row.
        for (var row = 0; row < 224; row++)
        {
            Assert.All(wrist.AsSpan(row * 224 * 3, 28 * 3).ToArray(), b => Assert.Equal(0, b));
            Assert.All(wrist.AsSpan(((row * 224) + 196) * 3, 28 * 3).ToArray(), b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public async Task Without_letterboxing_two_cameras_arrive_at_the_sizes_the_config_gives_each()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64);

        var episode = await RunAsync(server, """
            {"resize_with_pad": null,
             "cameras": {"observation/image": {"scene": "overview", "width": 320, "height": 240},
                         "observation/wrist_image": {"scene": "wrist", "width": 128, "height": 96}}}
            """, timeLimitS: 0.5);

        Assert.Null(episode.Error);
        Assert.Equal("ndarray |u1 (240, 320, 3)", server.LastObservation["observation/image"]);
        Assert.Equal("ndarray |u1 (96, 128, 3)", server.LastObservation["observation/wrist_image"]);
    }

    [Theory]
    [InlineData(503, "is not healthy: GET http://127.0.0.1:", "answered 503 Service Unavailable model still loading; expected 200 OK")]
    [InlineData(404, null, null)]
    public async Task An_unhealthy_server_is_reported_before_connecting_and_one_without_healthz_is_let_through(int healthz, string? cause, string? detail)
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64, healthz: healthz);

        var episode = await RunAsync(server, """{"call_timeout_s": 2}""", timeLimitS: 0.5);

        Assert.Equal(1, server.HealthChecks);
        if (cause is null)
        {
            Assert.Null(episode.Error);
            Assert.True(server.Observations > 0);
            return;
        }
        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains(cause, episode.Error, StringComparison.Ordinal);
        Assert.Contains(detail!, episode.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.Observations);
    }

    [Fact]
    public async Task Health_check_false_skips_healthz()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64, healthz: 503);

        var episode = await RunAsync(server, """{"health_check": false, "call_timeout_s": 2}""", timeLimitS: 0.5);

        Assert.Null(episode.Error);
        Assert.Equal(0, server.HealthChecks);
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
        Assert.Contains($"cannot connect to {server.Uri}: GET http://127.0.0.1:{server.Port}/healthz failed", episode.Error, StringComparison.Ordinal);
    }
}
