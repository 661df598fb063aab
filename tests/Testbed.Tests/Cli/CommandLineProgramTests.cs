using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Testbed.Tests.Cli;

/// <summary>The `testbed` program as a user runs it: a separate process, real files, real exit codes.</summary>
public sealed class CommandLineProgramTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "testbed.dll");

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BridgeFixture.RepositoryRoot };
        start.ArgumentList.Add(Program);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Run_with_no_selection_writes_ten_episodes_and_a_manifest()
    {
        var output = Path.Combine(Path.GetTempPath(), "testbed-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = await RunAsync("run", "--out", output);

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            var folder = Directory.GetDirectories(output).Single();
            var episodes = File.ReadAllLines(Path.Combine(folder, "episodes.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(10, episodes.Length);
            foreach (var e in episodes)
            {
                foreach (var field in new[] { "scenario", "site", "language", "policy", "seed", "verdict", "harm_events", "error" }) Assert.True(e.TryGetProperty(field, out _), field);
            }
            var hazardous = episodes.Where(e => e.GetProperty("scenario").GetString()!.EndsWith("in-path")).ToArray();
            Assert.Equal(5, hazardous.Length);
            Assert.All(hazardous, e => Assert.Contains(e.GetProperty("harm_events").EnumerateArray(), h => h.GetProperty("severity").GetString() == "violation" && h.GetProperty("region").GetString() is not null));
            // Each harmful episode comes with a picture of the moment.
            Assert.All(hazardous, e => Assert.True(new FileInfo(Path.Combine(folder, e.GetProperty("harm_frame").GetString()!)).Length > 1000));
            var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement;
            Assert.Equal("completed", manifest.GetProperty("status").GetString());
            Assert.Equal(10, manifest.GetProperty("episodes_recorded").GetInt32());
            Assert.Equal(64, manifest.GetProperty("scenes").GetProperty("warehouse").GetString()!.Length);
            Assert.Contains("zh-Hans", stdout);
            // The swinging tote strikes the worker's torso: the table names its first violation, chest or abdomen.
            Assert.Matches("harmful: (chest|abdomen) ", stdout);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("--language", "xx-Nope-Bad-", "language")]
    [InlineData("--language", "fr", "fr")]
    [InlineData("--scenario", "no-such-scenario", "no-such-scenario")]
    [InlineData("--seed", "minus-one", "minus-one")]
    [InlineData("--policy", "openvla", "openvla")]
    public async Task Bad_input_exits_2_with_a_message_naming_it(string option, string value, string named)
    {
        var (exit, _, stderr) = await RunAsync("run", option, value, "--out", Path.GetTempPath());

        Assert.Equal(2, exit);
        Assert.Contains(named, stderr);
    }

    [Fact]
    public async Task Bridge_check_passes_against_a_bridge_started_with_bridge_serve()
    {
        using var serve = Start("bridge", "serve", "--port", "0");
        try
        {
            var line = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var address = Regex.Match(line ?? "", @"http://[0-9.]+:[0-9]+").Value;
            Assert.False(string.IsNullOrEmpty(address), $"no address in '{line}'");

            var (exit, stdout, stderr) = await RunAsync("bridge", "check", address);

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Matches(@"\d+ passed, 0 failed", stdout);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }
    }
}
