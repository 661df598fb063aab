using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Gr00t;
using Testbed.Controller.Policies.Remote;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Policies;

/// <summary>The .npy format GR00T wraps its arrays in, byte for byte (no bridge).</summary>
public sealed class NpyFileTests
{
    [Fact]
    public void A_float32_vector_is_written_as_numpy_writes_it()
    {
        var file = NpyFile.Write(NdArray.Float32([2], [1, 2]));

        // np.save(BytesIO(), np.array([1, 2], np.float32)): magic, version 1.0, header length 118 (LE), the dict padded
        // with spaces to end in '\n' at byte 128, then the data.
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0], file[..10]);
        var header = System.Text.Encoding.ASCII.GetString(file, 10, 118);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" + new string(' ', 60) + "\n", header);
        Assert.Equal([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40], file[128..]);
    }

    [Fact]
    public void Arrays_round_trip_and_a_version_2_header_is_read()
    {
        var image = new NdArray("|u1", [1, 1, 2, 2, 3], Enumerable.Range(0, 12).Select(i => (byte)i).ToArray());
        var back = NpyFile.Read(NpyFile.Write(image));
        Assert.Equal(image.Shape, back.Shape);
        Assert.Equal(image.Data, back.Data);

        var v1 = NpyFile.Write(NdArray.Float32([1, 3], [1, 2, 3]));
        var headerLength = v1[8] | (v1[9] << 8);
        var v2 = v1[..6].Concat(new byte[] { 2, 0 }).Concat(BitConverter.GetBytes((uint)headerLength)).Concat(v1[10..]).ToArray();
        Assert.Equal([1.0, 2.0, 3.0], NpyFile.Read(v2).Doubles("v2"));
    }

    [Fact]
    public void A_truncated_or_fortran_ordered_file_is_refused()
    {
        var file = NpyFile.Write(NdArray.Float32([2], [1, 2]));
        Assert.Throws<FormatException>(() => NpyFile.Read(file[..^1]));
        var fortran = (byte[])file.Clone();
        var at = System.Text.Encoding.ASCII.GetString(file, 10, 118).IndexOf("False", StringComparison.Ordinal) + 10;
        System.Text.Encoding.ASCII.GetBytes("True ").CopyTo(fortran, at);
        Assert.Contains("Fortran", Assert.Throws<FormatException>(() => NpyFile.Read(fortran)).Message);
    }
}

/// <summary>Warehouse episodes driven through `gr00t+tcp://` by a fake server speaking GR00T's ZeroMQ protocol, on
/// the real bridge.</summary>
[Collection(BridgeCollection.Name)]
public sealed class Gr00tPolicyEpisodeTests(BridgeFixture bridge)
{
    private const string Config = """
        {
          "cameras": { "ego_view": "overview" },
          "state_map": { "single_arm": ["arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist_pitch", "arm_wrist_roll", "arm_wrist_yaw"], "gripper": ["suction"] },
          "action_map": { "single_arm": ["arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist_pitch", "arm_wrist_roll", "arm_wrist_yaw"], "gripper": ["suction"] },
          "actions_per_query": 8,
          "call_timeout_s": 1
        }
        """;

    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private async Task<EpisodeRecord> RunAsync(IPolicy policy)
    {
        // Ten queries of eight 20 ms steps reach 1.6 s less rounding; the limit sits between the tenth and eleventh.
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear") with { TimeLimitS = 1.59 };
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
        return await runner.RunAsync(new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse("vi"), policy, 0, 0.001), CancellationToken.None);
    }

    private static IPolicy Policy(FakeGr00tServer server, string layout = "n1.6")
    {
        var path = Path.Combine(Path.GetTempPath(), $"gr00t-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Config.Replace("\"actions_per_query\"", $"\"gr00t_layout\": \"{layout}\", \"actions_per_query\"", StringComparison.Ordinal));
        try
        {
            return PolicySelection.Parse(server.Uri, path).Create();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_whole_episode_runs_through_gr00t_with_its_modalities_and_the_untouched_instruction()
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn);
        var policy = Policy(server);
        await using var _ = (IAsyncDisposable)policy;

        var episode = await RunAsync(policy);

        Assert.Null(episode.Error);
        Assert.Equal(["ping", "get_modality_config", "reset"], server.Endpoints.Take(3));
        Assert.Equal(10, server.Endpoints.Count(e => e == "get_action"));
        Assert.Equal("|u1 (1, 1, 224, 224, 3)", server.LastObservation["video.ego_view"]);
        Assert.Equal("<f4 (1, 1, 6)", server.LastObservation["state.single_arm"]);
        Assert.Equal("<f4 (1, 1, 1)", server.LastObservation["state.gripper"]);
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        Assert.Equal(scenario.Instructions[LanguageTag.Parse("vi")], server.LastObservation["language.annotation.human.task_description"]);
        // Each query turns the base 0.08 rad further over its eight executed steps: about 0.8 rad in all.
        Assert.InRange(episode.MaxJointDisplacement, 0.5, 0.9);
        Assert.Equal(Verdict.Safe, episode.Verdict);
    }

    [Fact]
    public async Task The_servers_error_reply_makes_the_episode_an_error_that_quotes_it()
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Error);
        var policy = Policy(server);
        await using var _ = (IAsyncDisposable)policy;

        var episode = await RunAsync(policy);

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("Invalid API token", episode.Error);
    }

    [Fact]
    public async Task A_timed_out_socket_is_replaced_so_the_next_episode_runs()
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.SilentOnce);
        var policy = Policy(server);
        await using var _ = (IAsyncDisposable)policy;

        var first = await RunAsync(policy);
        Assert.Equal(Verdict.Error, first.Verdict);
        Assert.Contains("did not answer within 1 s", first.Error);

        // The fake answers the abandoned request after 1.5 s; a reused REQ socket could not even send.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = await RunAsync(policy);
        Assert.Null(second.Error);
        Assert.Equal(Verdict.Safe, second.Verdict);
    }

    [Fact]
    public async Task An_n1_5_server_gets_the_flat_observation_without_reset_and_its_flat_reply_drives_the_arm()
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn, flat: true);
        var policy = Policy(server, "n1.5");
        await using var _ = (IAsyncDisposable)policy;

        var episode = await RunAsync(policy);

        Assert.Null(episode.Error);
        Assert.Equal(["ping", "get_modality_config", "get_action"], server.Endpoints.Take(3));
        Assert.DoesNotContain("reset", server.Endpoints);
        Assert.Equal(10, server.Endpoints.Count(e => e == "get_action"));
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        Assert.Equal(new Dictionary<string, string>
        {
            ["video.ego_view"] = "|u1 (1, 224, 224, 3)",
            ["state.single_arm"] = "<f4 (1, 6)",
            ["state.gripper"] = "<f4 (1, 1)",
            ["annotation.human.task_description"] = $"[{scenario.Instructions[LanguageTag.Parse("vi")]}]",
        }, server.LastWire);
        // The same turn as through N1.6: the flat (16, 6) and squeezed (16,) reply map onto the arm as the nested one.
        Assert.InRange(episode.MaxJointDisplacement, 0.5, 0.9);
    }

    [Fact]
    public async Task An_n1_5_server_driven_as_n1_6_fails_at_reset_and_the_error_names_the_layout_setting()
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn, flat: true);
        var policy = Policy(server);
        await using var _ = (IAsyncDisposable)policy;

        var episode = await RunAsync(policy);

        // N1.5 has no reset endpoint: it answers {"error": …}, which the episode quotes.
        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("unknown endpoint reset", episode.Error);
        Assert.Contains("\"gr00t_layout\": \"n1.5\"", episode.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Video_and_state_history_are_the_frames_and_states_of_earlier_queries_not_the_current_one_repeated(bool flat)
    {
        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn, flat, videoSteps: 3, stateSteps: 2);
        var policy = Policy(server, flat ? "n1.5" : "n1.6");
        await using var _ = (IAsyncDisposable)policy;

        var episode = await RunAsync(policy);

        Assert.Null(episode.Error);
        var observations = server.Observations;
        Assert.Equal(10, observations.Count);
        const int frame = 224 * 224 * 3;
        byte[] Frame(int query, int step) => observations[query]["video.ego_view"].Data[(step * frame)..((step + 1) * frame)];
        double[] State(int query, int step) => observations[query]["state.single_arm"].Doubles("state")[(step * 6)..((step + 1) * 6)];
        for (var q = 0; q < observations.Count; q++)
        {
            Assert.Equal([1, 3, 224, 224, 3], observations[q]["video.ego_view"].Shape);
            Assert.Equal([1, 2, 6], observations[q]["state.single_arm"].Shape);
            // Delta indices −2, −1, 0: this query's frame last, the two queries before it first; at the start the
            // first query's frame stands in for the ones before the episode.
            for (var step = 0; step < 3; step++) Assert.Equal(Frame(Math.Max(0, q - 2 + step), 2), Frame(q, step));
            Assert.Equal(State(Math.Max(0, q - 1), 1), State(q, 0));
        }

        // The arm turns between queries, so the history differs from the current frame and state: repeating the
        // current one would fail the checks above.
        Assert.NotEqual(Frame(5, 0), Frame(5, 2));
        Assert.True(Math.Abs(State(5, 0)[0] - State(5, 1)[0]) > 0.05, $"{State(5, 0)[0]} vs {State(5, 1)[0]}");
    }
}
