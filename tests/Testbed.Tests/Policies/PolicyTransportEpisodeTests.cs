using System.Diagnostics;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Transport;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Policies;

/// <summary>The neutral service's transport on real sockets: TLS with a lab CA, a certificate the client does not
/// trust, retries of what is transient and of nothing else, and the simulation running on while the policy thinks.
/// Episodes on the real bridge against <see cref="FakePolicyService"/> (Kestrel) in this process.</summary>
[Collection(BridgeCollection.Name)]
public sealed class PolicyTransportEpisodeTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private Task<EpisodeRecord> RunAsync(IPolicy policy, PolicyLatencyMode latency = PolicyLatencyMode.Wait, double timeLimitS = 2)
    {
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear") with { TimeLimitS = timeLimitS };
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
        var request = new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse("en"), policy, 0, 0.001) { Latency = latency };
        return runner.RunAsync(request, CancellationToken.None);
    }

    private static IPolicy Policy(string uri, string config = "{}") =>
        new PolicySelection(PolicyAddress.Parse(uri), PolicyConfig.Parse(config, Path.Combine(Path.GetTempPath(), "policy.json"))).Create();

    private static string TlsConfig(string caFile, string? serverName = null) => System.Text.Json.JsonSerializer.Serialize(new
    {
        tls = serverName is null ? new Dictionary<string, string> { ["ca_file"] = caFile } : new() { ["ca_file"] = caFile, ["server_name"] = serverName },
    });

    [Fact]
    public async Task A_grpcs_server_whose_certificate_the_configured_ca_file_vouches_for_drives_the_episode()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakePolicyService.StartAsync(certificate: certificates.Server);

        var episode = await RunAsync(Policy(server.Uri, TlsConfig(certificates.CaFile)));

        Assert.Null(episode.Error);
        Assert.StartsWith("grpcs://127.0.0.1:", episode.Policy, StringComparison.Ordinal);
        Assert.True(server.ActCalls >= 10, $"{server.ActCalls} Act calls over TLS in a 2 s episode of 0.2 s chunks");
        Assert.Empty(episode.PolicyRetries);
    }

    [Fact]
    public async Task Each_camera_the_handshake_asks_for_arrives_at_its_own_size()
    {
        await using var server = await FakePolicyService.StartAsync(cameras:
        [
            new PolicyContract.V1.CameraWanted { Name = "overview", WidthPx = 160, HeightPx = 120 },
            new PolicyContract.V1.CameraWanted { Name = "wrist", WidthPx = 64, HeightPx = 48 },
        ]);

        var episode = await RunAsync(Policy(server.Uri), timeLimitS: 0.4);

        Assert.Null(episode.Error);
        var sizes = server.ImagesReceived.Select(i => (i.Camera, i.Width, i.Height, i.Bytes)).Distinct().OrderBy(i => i.Camera, StringComparer.Ordinal).ToArray();
        Assert.Equal([("overview", 160u, 120u, 160 * 120 * 3), ("wrist", 64u, 48u, 64 * 48 * 3)], sizes);
    }

    [Fact]
    public async Task The_python_example_server_serves_tls_with_a_lab_certificate()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "hold", "--tls-cert", certificates.ServerCertificateFile, "--tls-key", certificates.ServerKeyFile);

        var episode = await RunAsync(Policy($"grpcs://127.0.0.1:{server.Port}", TlsConfig(certificates.CaFile)));

        Assert.Null(episode.Error);
        Assert.Contains("holding the start pose", Assert.Single(episode.PolicyTexts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grpcs_server_whose_certificate_the_client_does_not_trust_is_an_episode_error_naming_tls_at_once()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakePolicyService.StartAsync(certificate: certificates.Server);
        var clock = Stopwatch.StartNew();

        // No CA file: the system store, which does not hold the lab's CA.
        var episode = await RunAsync(Policy(server.Uri));

        Assert.NotNull(episode.Error);
        Assert.True(episode.Error?.Contains("TLS handshake failed", StringComparison.Ordinal) == true, episode.Error);
        Assert.True(episode.Error?.Contains("not trusted by the system store", StringComparison.Ordinal) == true, episode.Error);
        // The server sends its own certificate only: no chain leads from it to a root the system knows.
        Assert.True(episode.Error?.Contains("(PartialChain)", StringComparison.Ordinal) == true, episode.Error);
        Assert.Empty(episode.PolicyRetries);
        Assert.Equal(0, server.ActCalls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the refused certificate took {clock.Elapsed.TotalSeconds:F1} s to report");
    }

    [Fact]
    public async Task A_certificate_issued_to_another_name_is_refused_unless_server_name_names_it()
    {
        using var certificates = TestCertificates.Create("policy.lab", forLoopback: false);
        await using var server = await FakePolicyService.StartAsync(certificate: certificates.Server);

        var byAddress = (IPolicyServer)Policy(server.Uri, TlsConfig(certificates.CaFile));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => byAddress.CheckReachableAsync(CancellationToken.None));
        Assert.True(refused.Message?.Contains("not issued to '127.0.0.1'", StringComparison.Ordinal) == true, refused.Message);

        var byName = (IPolicyServer)Policy(server.Uri, TlsConfig(certificates.CaFile, "policy.lab"));
        await byName.CheckReachableAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_gr00t_port_that_accepts_connections_but_never_answers_ping_is_down_before_any_episode()
    {
        // Something listens and accepts, and says nothing: a TCP connection alone would call it up.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            var hung = (IPolicyServer)Policy($"gr00t+tcp://127.0.0.1:{port}", """{"call_timeout_s": 1}""");

            var down = await Assert.ThrowsAsync<PolicyUnreachableException>(() => hung.CheckReachableAsync(CancellationToken.None));

            Assert.Contains("ping", down.Message, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }

        using var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn);
        await ((IPolicyServer)Policy(server.Uri)).CheckReachableAsync(CancellationToken.None);
        lock (server.Endpoints) Assert.Equal(["ping"], server.Endpoints);
    }

    [Fact]
    public async Task A_refused_connection_is_tried_again_after_a_back_off_and_the_record_keeps_each_try()
    {
        var port = FakePolicyService.FreePort();
        // The server comes up 0.8 s after the episode starts: the first tries are refused.
        var late = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(0.8));
            return await FakePolicyService.StartAsync(port: port);
        });
        var clock = Stopwatch.StartNew();
        var episode = await RunAsync(Policy($"grpc://127.0.0.1:{port}", """{"retries": {"max_retries": 4, "first_delay_s": 0.4}}"""));
        await using var server = await late;

        Assert.Null(episode.Error);
        Assert.NotEmpty(episode.PolicyRetries);
        Assert.True(episode.PolicyRetries[0].StartsWith("t=0.000 s: the episode's start try 1 of 5 failed: ", StringComparison.Ordinal), episode.PolicyRetries[0]);
        Assert.True(episode.PolicyRetries[0].Contains("Connection refused", StringComparison.Ordinal), episode.PolicyRetries[0]);
        Assert.EndsWith("tried again after 0.4 s", episode.PolicyRetries[0], StringComparison.Ordinal);
        Assert.True(server.ActCalls >= 10);
    }

    [Fact]
    public async Task A_server_error_reply_is_not_tried_again()
    {
        await using var server = await FakePolicyService.StartAsync(FakePolicyServiceBehaviour.ServerError);

        var episode = await RunAsync(Policy(server.Uri));

        Assert.True(episode.Error?.Contains("Internal: RuntimeError: CUDA out of memory", StringComparison.Ordinal) == true, episode.Error);
        Assert.Equal(1, server.ActCalls);
        Assert.Empty(episode.PolicyRetries);
    }

    [Fact]
    public async Task An_act_call_that_timed_out_is_not_tried_again_since_the_server_may_have_acted_on_it()
    {
        await using var server = await FakePolicyService.StartAsync(actDelay: TimeSpan.FromSeconds(8));

        var episode = await RunAsync(Policy(server.Uri, """{"call_timeout_s": 3}"""));

        Assert.True(episode.Error?.Contains("did not answer within 3 s", StringComparison.Ordinal) == true, episode.Error);
        Assert.Equal(1, server.ActCalls);
        Assert.Empty(episode.PolicyRetries);
    }

    [Fact]
    public async Task Under_real_latency_the_last_targets_are_held_for_each_calls_latency_and_under_wait_they_are_not()
    {
        await using var server = await FakePolicyService.StartAsync(actDelay: TimeSpan.FromMilliseconds(100));

        var waited = await RunAsync(Policy(server.Uri));
        var real = await RunAsync(Policy(server.Uri), PolicyLatencyMode.Real);

        Assert.Null(waited.Error);
        Assert.Null(real.Error);
        Assert.Equal("wait", waited.LatencyMode);
        Assert.Equal("real", real.LatencyMode);
        Assert.Empty(waited.LatencyHeldPeriods);
        var period = real.TrajectoryData!.Header.SubstepsPerPeriod * real.TrajectoryData.Header.TimestepS;

        // Wait: every period follows a row the policy sent; consecutive targets always differ.
        var waitedTargets = waited.TrajectoryData!.Periods.Skip(1).Select(p => p.Targets![0]).ToArray();
        Assert.All(waitedTargets.Zip(waitedTargets.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // Real: each call's latency, rounded up to whole periods, of the previous targets before the chunk's rows.
        Assert.Equal(real.PolicyLatenciesS.Count, real.LatencyHeldPeriods.Count);
        var trajectory = real.TrajectoryData;
        var start = trajectory.Periods[1].Targets!;
        for (var k = 0; k < trajectory.Chunks.Count; k++)
        {
            var chunk = trajectory.Chunks[k];
            var held = real.LatencyHeldPeriods[k];
            Assert.Equal((int)Math.Ceiling((real.PolicyLatenciesS[k] / period) - 1e-6), held);
            Assert.True(held >= 5, $"call {k}: {held} period(s) held for 100 ms of thought at 20 ms periods"); // more on a loaded machine
            var previous = k == 0 ? null : trajectory.Periods[chunk.FirstPeriod - 1].Targets!;
            var periods = trajectory.Periods.Skip(chunk.FirstPeriod).Take(chunk.Periods).ToArray();
            Assert.Equal(held + 10, periods.Length);
            foreach (var heldPeriod in periods.Take(held))
            {
                if (previous is not null) Assert.Equal(previous, heldPeriod.Targets);
                else Assert.Equal(start, heldPeriod.Targets);
            }
            Assert.NotEqual(periods[held - 1].Targets![0], periods[held].Targets![0]);
            // Before the first answer the servos held the start pose, from which the server's first row is 0.001 rad on.
            if (k == 0) Assert.Equal(start[0] + 0.001, periods[held].Targets![0], 12);
        }
        Assert.True(real.SimTimeS >= 2);
    }
}
