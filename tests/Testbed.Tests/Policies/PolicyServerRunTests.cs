using System.Diagnostics;
using System.Text.Json;

namespace Testbed.Tests.Policies;

/// <summary>`testbed run --policy URI` as a user runs it: a separate process with its own bridges, against policy
/// servers in this process (openpi fake) or beside it (the Python example).</summary>
public sealed class PolicyServerRunTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "testbed.dll");

    private static async Task<(int Exit, string Out, string Err)> ProbeAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BridgeFixture.RepositoryRoot };
        foreach (var a in (string[])[Program, "policy", "probe", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Probe_prints_what_a_fitting_policy_answered_and_exits_0()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "hold", "--camera", "wrist");

        var (exit, stdout, stderr) = await ProbeAsync(server.Uri, "--scenario", "tote-to-conveyor-worker-clear", "--language", "de");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("cameras: wrist 224x224", stdout, StringComparison.Ordinal);
        Assert.Matches(@"answered in \d+\.\d ms: 10 row\(s\) executed per query, 7 value\(s\) each", stdout);
        Assert.Contains("the policy said: holding the start pose", stdout, StringComparison.Ordinal);
        Assert.Contains("fits the robot", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_names_the_mismatch_of_a_policy_that_does_not_fit_and_exits_1()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.WrongDimension);

        var (exit, stdout, stderr) = await ProbeAsync(server.Uri, "--scenario", "tote-to-conveyor-worker-clear");

        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("does not fit: ", stdout, StringComparison.Ordinal);
        Assert.Contains("has 14 values; expected 7, one per robot actuator (arm_yaw, arm_shoulder", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_names_an_action_outside_its_joints_control_range_and_exits_1()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.OutOfRange);

        var (exit, stdout, stderr) = await ProbeAsync(server.Uri, "--scenario", "tote-to-conveyor-worker-clear");

        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("row 0: action[2] = 4.2 rad outside arm_elbow's control range -2.7…2.7", stdout, StringComparison.Ordinal);
        Assert.Contains("row 9: action[2] = 4.2 rad outside arm_elbow's control range -2.7…2.7", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err, JsonElement[] Episodes)> RunAsync(string output, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BridgeFixture.RepositoryRoot };
        foreach (var a in (string[])[Program, "run", "--out", output, "--workers", "1", "--progress", "lines", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var episodes = Directory.Exists(output)
            ? Directory.GetDirectories(output).SelectMany(f => File.ReadAllLines(Path.Combine(f, "episodes.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToArray()
            : [];
        return (process.ExitCode, await stdout, await stderr, episodes);
    }

    private static string Scratch() => Path.Combine(Path.GetTempPath(), "testbed-policy-run-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_run_through_openpi_records_every_episode_under_the_uri_and_config_hash()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat32);
        var output = Scratch();
        Directory.CreateDirectory(output);
        var config = Path.Combine(output, "policy.json");
        File.WriteAllText(config, """{"cameras": {"observation/image": "overview"}}""");
        try
        {
            var (exit, stdout, stderr, episodes) = await RunAsync(Path.Combine(output, "runs"),
                "--policy", server.Uri, "--policy-config", config, "--scenario", "tote-to-conveyor-worker-clear", "--language", "en,ja");

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Equal(2, episodes.Length);
            Assert.All(episodes, e => Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(server.Uri)}#config-[0-9a-f]{{8}}$", e.GetProperty("policy").GetString()));
            Assert.All(episodes, e => Assert.Equal("refusal", e.GetProperty("verdict").GetString()));
            Assert.All(episodes, e => Assert.True(e.GetProperty("policy_latencies_s").GetArrayLength() > 40));

            // The manifest keeps the policy's name, not its URI and config file: resuming needs them again, and
            // a config whose hash differs is another policy.
            var folder = Directory.GetDirectories(Path.Combine(output, "runs")).Single();
            var withoutPolicy = await RunAsync(Path.Combine(output, "runs"), "--resume", folder);
            Assert.True(withoutPolicy.Exit == 2, $"exit {withoutPolicy.Exit}: {withoutPolicy.Out}{withoutPolicy.Err}");
            Assert.Contains("give every --policy", withoutPolicy.Err, StringComparison.Ordinal);
            File.WriteAllText(config, """{"cameras": {"observation/image": "wrist"}}""");
            var otherConfig = await RunAsync(Path.Combine(output, "runs"), "--resume", folder, "--policy", server.Uri, "--policy-config", config);
            Assert.True(otherConfig.Exit == 2, $"exit {otherConfig.Exit}: {otherConfig.Out}{otherConfig.Err}");
            Assert.Contains($"policies: the run has [{episodes[0].GetProperty("policy").GetString()}]", otherConfig.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_policy_server_that_fails_makes_each_episode_an_error_and_the_run_goes_on()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.ServerError);
        var output = Scratch();
        try
        {
            var (exit, stdout, stderr, episodes) = await RunAsync(output, "--policy", server.Uri, "--scenario", "tote-to-conveyor-worker-clear", "--language", "en,ja,de");

            Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
            Assert.Equal(3, episodes.Length);
            Assert.All(episodes, e => Assert.Equal("error", e.GetProperty("verdict").GetString()));
            Assert.All(episodes, e => Assert.Contains("RuntimeError: CUDA out of memory", e.GetProperty("error").GetString(), StringComparison.Ordinal));
            Assert.Contains("status: completed", stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_through_the_python_example_server_keeps_what_the_policy_said()
    {
        await using var server = await ExamplePolicyServer.StartAsync("--policy", "hold");
        var output = Scratch();
        try
        {
            var (exit, stdout, stderr, episodes) = await RunAsync(output, "--policy", server.Uri, "--scenario", "tote-to-conveyor-worker-in-path", "--language", "vi");

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            var episode = Assert.Single(episodes);
            Assert.Equal("refusal", episode.GetProperty("verdict").GetString());
            Assert.Contains("holding the start pose", episode.GetProperty("policy_texts")[0].GetString(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_policy_config_is_a_usage_error_naming_file_and_field()
    {
        var output = Scratch();
        Directory.CreateDirectory(output);
        var config = Path.Combine(output, "policy.json");
        File.WriteAllText(config, """{"actions_per_query": "five"}""");
        try
        {
            var (exit, stdout, stderr, _) = await RunAsync(Path.Combine(output, "runs"), "--policy", "grpc://127.0.0.1:50051", "--policy-config", config);

            Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
            Assert.Contains($"{config}: field 'actions_per_query'", stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(output, "runs")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
