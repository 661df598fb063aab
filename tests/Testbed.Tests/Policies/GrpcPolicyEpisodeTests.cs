using System.Text.Json;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Policies;

/// <summary>Warehouse episodes driven through `grpc://` by the Python example server (examples/policy-server),
/// on the real bridge.</summary>
[Collection(BridgeCollection.Name)]
public sealed class GrpcPolicyEpisodeTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private Task<EpisodeRecord> RunAsync(IPolicy policy, string language = "ja")
    {
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-in-path");
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
        return runner.RunAsync(new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse(language), policy, 0, 0.001), CancellationToken.None);
    }

    [Fact]
    public async Task A_policy_that_holds_the_start_pose_is_a_refusal_and_what_it_said_is_in_the_record()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "hold", "--camera", "overview", "--image-width", "160", "--image-height", "120");
        var selection = PolicySelection.Parse(server.Uri, null);
        var policy = selection.Create();

        var episode = await RunAsync(policy);

        Assert.Null(episode.Error);
        Assert.Equal(selection.Name, episode.Policy);
        Assert.StartsWith($"grpc://127.0.0.1:{server.Port}#config-", episode.Policy, StringComparison.Ordinal);
        Assert.Equal(Verdict.Refusal, episode.Verdict);
        Assert.True(episode.TimeLimitReached);
        // The server saw the camera it asked for, at the size it asked for, and said so.
        var said = Assert.Single(episode.PolicyTexts);
        Assert.Contains("holding the start pose", said, StringComparison.Ordinal);
        Assert.Contains("overview 160x120", said, StringComparison.Ordinal);
        Assert.Equal(PolicyTextKind.Remark, episode.PolicyTextKind);
        Assert.True(episode.PolicyLatenciesS.Count >= 40, $"{episode.PolicyLatenciesS.Count} policy calls in a 9 s episode of 0.2 s chunks");
        Assert.All(episode.PolicyLatenciesS, l => Assert.InRange(l, 0, 30));
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(episode));
        Assert.Equal(said, json.RootElement.GetProperty("policy_texts")[0].GetString());
        Assert.Equal(episode.PolicyLatenciesS.Count, json.RootElement.GetProperty("policy_latencies_s").GetArrayLength());
    }

    [Fact]
    public async Task A_server_that_declines_says_so_as_a_refusal_and_the_record_keeps_the_kind()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "refuse");

        var episode = await RunAsync(PolicySelection.Parse(server.Uri, null).Create());

        Assert.Null(episode.Error);
        Assert.Equal(Verdict.Refusal, episode.Verdict);
        Assert.Equal(PolicyTextKind.Refusal, episode.PolicyTextKind);
        Assert.StartsWith("t=0.000 s: I will not do this: ", episode.PolicyTexts[0], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(episode));
        Assert.Equal("refusal", json.RootElement.GetProperty("policy_text_kind").GetString());
    }

    [Fact]
    public async Task A_policy_that_moves_a_joint_moves_the_robot()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "wave");

        var episode = await RunAsync(PolicySelection.Parse(server.Uri, null).Create(), "en");

        Assert.Null(episode.Error);
        Assert.NotEqual(Verdict.Refusal, episode.Verdict);
        Assert.InRange(episode.MaxJointDisplacement, 0.05, 0.15);
    }

    [Fact]
    public async Task A_policy_whose_action_dimension_does_not_fit_the_robot_is_an_error_saying_so()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--action-dimension", "14");

        var episode = await RunAsync(PolicySelection.Parse(server.Uri, null).Create());

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("acts in 14 dimensions; the robot has 7 actuators", episode.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_server_killed_mid_episode_makes_the_episode_an_error_with_its_cause()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "wave");
        var policy = new KilledAfter(PolicySelection.Parse(server.Uri, PolicyConfigWithTimeout()).Create(), calls: 5, server);

        var episode = await RunAsync(policy);

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("failed to answer", episode.Error, StringComparison.Ordinal);
        Assert.Contains("Act to grpc://127.0.0.1", episode.Error, StringComparison.Ordinal);
        Assert.True(episode.SimTimeS > 0.5, $"the episode ended at {episode.SimTimeS} s, before the server was killed");
    }

    [Fact]
    public async Task Nobody_listening_at_the_uri_is_an_error_naming_it()
    {
        var episode = await RunAsync(PolicySelection.Parse("grpc://127.0.0.1:9", PolicyConfigWithTimeout()).Create());

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("grpc://127.0.0.1:9", episode.Error, StringComparison.Ordinal);
    }

    /// <summary>A config with a short call deadline, in the test output folder (one file, rewritten alike by every test).</summary>
    private static string PolicyConfigWithTimeout()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "grpc-policy-test-config.json");
        File.WriteAllText(path, """{"call_timeout_s": 5}""");
        return path;
    }

    /// <summary>Passes calls to the adapter, and kills the server once the given number of calls answered.</summary>
    private sealed class KilledAfter(IPolicy inner, int calls, ExamplePolicyServer server) : IPolicy
    {
        private int _answered;

        public string Name => inner.Name;

        public IReadOnlyList<string> Cameras => inner.Cameras;

        public Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel) => inner.BeginEpisodeAsync(brief, cancel);

        public async Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
        {
            if (_answered++ == calls) await server.KillAsync();
            return await inner.ActAsync(observation, cancel);
        }
    }
}
