using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Testbed.Tests.Policies;

/// <summary>A policy server that is down, as `testbed run` reports it: once, clearly, without a timeout per episode.
/// The program runs as a separate process with its own bridge; the servers are real sockets (a closed port; a
/// Kestrel server in this process stopped mid-run).</summary>
public sealed class PolicyServerDownTests(ITestOutputHelper output)
{
    private static string Scratch() => Path.Combine(Path.GetTempPath(), "testbed-policy-down-" + Guid.NewGuid().ToString("N"));

    private static JsonElement[] Episodes(string runs) => Directory.Exists(runs)
        ? Directory.GetDirectories(runs).SelectMany(f => File.ReadAllLines(Path.Combine(f, "episodes.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToArray()
        : [];

    [Theory]
    [InlineData("grpc")]
    [InlineData("gr00t+tcp")]
    [InlineData("openpi+ws")]
    public async Task A_policy_server_down_at_the_start_aborts_the_run_in_one_line_and_runs_no_episode(string scheme)
    {
        var port = FakePolicyService.FreePort();
        var uri = $"{scheme}://127.0.0.1:{port}";
        var runs = Scratch();
        var clock = Stopwatch.StartNew();

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("run", "--out", runs, "--workers", "1", "--progress", "lines",
            "--policy", uri, "--scenario", "tote-to-conveyor-worker-clear", "--language", "en", "--seed", "0..9");
        output.WriteLine($"{uri} down, 10 episodes planned: exit {exit} after {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(exit == 3, $"exit {exit}: {stdout}{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"policy server {uri} is down: nothing listens at 127.0.0.1:{port} (connection refused); no episode was run", line, StringComparison.Ordinal);
        Assert.Empty(Episodes(runs));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed.TotalSeconds:F1} s to report a closed port");
    }

    [Fact]
    public async Task A_policy_server_killed_mid_run_is_reported_once_its_later_episodes_fail_fast_and_other_policies_go_on()
    {
        // About 45 answers per 9 s episode of 0.2 s chunks: the server stops in its second episode.
        await using var server = await FakePolicyService.StartAsync(stopAfterActs: 60);
        var runs = Scratch();
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await TestbedProgram.RunAsync("run", "--out", runs, "--workers", "1", "--progress", "lines",
                "--policy", server.Uri, "--policy", "oracle", "--scenario", "tote-to-conveyor-worker-clear", "--language", "en", "--seed", "0..4");
            output.WriteLine($"run of 10 episodes, the server stopped in its 2nd: exit {exit} after {clock.Elapsed.TotalSeconds:F1} s");
            output.WriteLine(stdout);

            Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
            var episodes = Episodes(runs);
            Assert.Equal(10, episodes.Length);
            var served = episodes.Where(e => e.GetProperty("policy").GetString()!.StartsWith(server.Uri, StringComparison.Ordinal)).OrderBy(e => e.GetProperty("seed").GetUInt64()).ToArray();
            Assert.Null(served[0].GetProperty("error").GetString());
            Assert.Contains("failed to answer", served[1].GetProperty("error").GetString(), StringComparison.Ordinal);
            foreach (var later in served.Skip(2))
            {
                Assert.Equal("error", later.GetProperty("verdict").GetString());
                Assert.Contains($"policy server {server.Uri} is down: nothing listens at 127.0.0.1:{server.Port} (connection refused)", later.GetProperty("error").GetString(), StringComparison.Ordinal);
                Assert.True(later.GetProperty("wall_time_s").GetDouble() < 1, $"a down server's episode took {later.GetProperty("wall_time_s").GetDouble()} s");
            }
            var down = stdout.Split('\n').Where(l => l.StartsWith("note: ", StringComparison.Ordinal) && l.Contains(" is down: ", StringComparison.Ordinal)).ToArray();
            Assert.Single(down);
            Assert.All(episodes.Where(e => e.GetProperty("policy").GetString() == "oracle"), e => Assert.Null(e.GetProperty("error").GetString()));
            output.WriteLine(string.Join("\n", served.Select(e => $"seed {e.GetProperty("seed")}: {e.GetProperty("wall_time_s").GetDouble():F2} s, {e.GetProperty("error")}")));
        }
        finally
        {
            if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public async Task A_gr00t_server_killed_mid_run_costs_one_call_timeout_not_one_per_episode()
    {
        var runs = Scratch();
        Directory.CreateDirectory(runs);
        var config = Path.Combine(runs, "gr00t.json");
        File.WriteAllText(config, """
            {
              "cameras": { "ego_view": "overview" },
              "state_map": { "single_arm": ["arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist_pitch", "arm_wrist_roll", "arm_wrist_yaw"], "gripper": ["suction"] },
              "action_map": { "single_arm": ["arm_yaw", "arm_shoulder", "arm_elbow", "arm_wrist_pitch", "arm_wrist_roll", "arm_wrist_yaw"], "gripper": ["suction"] },
              "call_timeout_s": 5
            }
            """);
        var server = FakeGr00tServer.Start(FakeGr00tBehaviour.Turn);
        // ZeroMQ never reports a closed port: a REQ socket waits, so each call to a dead server costs the call timeout.
        using var stop = new CancellationTokenSource();
        var killer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && server.Endpoints.Count(e => e == "get_action") < 10) await Task.Delay(20);
            server.Dispose();
        });
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await TestbedProgram.RunAsync("run", "--out", Path.Combine(runs, "runs"), "--workers", "1", "--progress", "lines",
                "--policy", server.Uri, "--policy-config", config, "--scenario", "tote-to-conveyor-worker-clear", "--language", "en", "--seed", "0..5");
            var wall = clock.Elapsed.TotalSeconds;
            output.WriteLine(stdout);

            Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
            var episodes = Episodes(Path.Combine(runs, "runs")).OrderBy(e => e.GetProperty("seed").GetUInt64()).ToArray();
            Assert.Equal(6, episodes.Length);
            var times = episodes.Select(e => e.GetProperty("wall_time_s").GetDouble()).ToArray();
            output.WriteLine($"6 episodes, the server killed in the first: {wall:F1} s in all; per episode {string.Join(", ", times.Select(t => t.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s");
            Assert.Contains("did not answer within 5 s", episodes[0].GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.All(episodes.Skip(1), e => Assert.Contains($"policy server {server.Uri} is down: nothing listens", e.GetProperty("error").GetString(), StringComparison.Ordinal));
            Assert.All(times.Skip(1), t => Assert.True(t < 1, $"{t} s for an episode of a server known to be down"));
        }
        finally
        {
            await stop.CancelAsync();
            await killer;
            Directory.Delete(runs, recursive: true);
        }
    }
}
