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
}
