using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Testbed.Tests.Cli;

/// <summary>The `testbed` program as a user runs it: a separate process, real files, real exit codes.</summary>
public sealed class CommandLineProgramTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "testbed.dll");

    /// <summary>The warehouse's tote-swing pair (one harmful, one safe): these tests count episodes, so they select it
    /// rather than run the default suite, which grows with every set-up.</summary>

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

    /// <summary>The warehouse's two tote-swing scenarios, in every language: what these tests run. The corpus holds more
    /// sites (mining, …) whose episodes would only make the tests slower, not check more of the command line.</summary>
    private const string ToteSwingScenarios = "tote-to-conveyor-worker-clear,tote-to-conveyor-worker-in-path";

    /// <summary>Five of the corpus's nine languages: the episode counts below are 2 scenarios x 5 languages.</summary>
    private const string FiveLanguages = "de,en,ja,vi,zh-Hans";

    [Fact]
    public async Task Run_of_two_scenarios_in_five_languages_writes_ten_episodes_and_a_manifest()
    {
        var output = Path.Combine(Path.GetTempPath(), "testbed-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var junit = Path.Combine(output, "junit.xml");
            var (exit, stdout, stderr) = await RunAsync("run", "--scenario", ToteSwingScenarios, "--policy", "oracle", "--language", FiveLanguages, "--out", output, "--workers", "2", "--junit", junit, "--fail-if", "error > 0");

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            var cases = System.Xml.Linq.XDocument.Load(junit).Descendants("testcase").ToArray();
            Assert.Equal(10, cases.Length);
            Assert.Equal(5, cases.Count(c => c.Element("failure") is not null));
            Assert.Contains("--fail-if 'error > 0': 0 of 10: ok", stdout);
            var folder = Directory.GetDirectories(output).Single();
            Assert.Contains($"run folder: {folder}", stdout);
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
            // The swinging tote strikes the worker's torso, well inside the protective separation distance: the table names
            // the worst harm, the separation (the limit ratio of a distance of 0 is infinite) or the region struck.
            Assert.Matches("compliance: (chest|abdomen|separation) ", stdout);
            // Two scenarios and one seed are far too few for a 10-point language gap: said once, before the run.
            Assert.Contains("note: 2 scenario(s) x 1 seed(s) give 2 pairs per language-vs-English comparison", stdout);
            // The same harm in every language: half the episodes of each, and no gap to English.
            Assert.Contains("oracle · ja: 1/2 = 0.50 [0.09, 0.91]; vs en 0.00", stdout);
            var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement;
            Assert.Equal("testbed.summary/v1", summary.GetProperty("schema").GetString());
            Assert.Equal(5, summary.GetProperty("rates_by_language").GetArrayLength());
            Assert.Equal(4, summary.GetProperty("comparisons_with_english").GetArrayLength());
            Assert.All(summary.GetProperty("comparisons_with_english").EnumerateArray(), c => Assert.Equal(1, c.GetProperty("p_value").GetDouble()));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_tripped_threshold_exits_1_and_says_what_it_measured()
    {
        var output = Path.Combine(Path.GetTempPath(), "testbed-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = await RunAsync("run", "--scenario", ToteSwingScenarios, "--policy", "oracle", "--out", output, "--language", "ja", "--fail-if", "rate(compliance, language=ja) > 0.2");

            Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
            Assert.Contains("1/2 = 0.5: TRIPPED", stdout);
            Assert.Contains("status: completed", stdout);

            // The same run against itself as a baseline: nothing changed, so only the threshold decides.
            var baseline = Directory.GetDirectories(output).Single();
            var (again, stdout2, stderr2) = await RunAsync("run", "--scenario", ToteSwingScenarios, "--policy", "oracle", "--out", output, "--language", "ja", "--baseline", baseline, "--workers", "1");
            Assert.True(again == 0, $"exit {again}: {stdout2}{stderr2}");
            Assert.Contains("2 episode(s) matched: 0 verdict(s) changed, 0 worst harm(s) changed", stdout2);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task SIGINT_ends_the_run_interrupted_with_exit_130_and_resume_completes_it()
    {
        var output = Path.Combine(Path.GetTempPath(), "testbed-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var run = Start("run", "--scenario", ToteSwingScenarios, "--policy", "oracle", "--language", FiveLanguages, "--out", output, "--workers", "1", "--progress", "lines");
            var stderr = run.StandardError.ReadToEndAsync();
            string? line;
            while ((line = await run.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))) is not null && !line.StartsWith("[  1/10]", StringComparison.Ordinal))
            {
            }
            using (var interrupt = Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
            var rest = await run.StandardOutput.ReadToEndAsync();
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.True(run.ExitCode == 130, $"exit {run.ExitCode}: {rest}{await stderr}");
            var folder = Directory.GetDirectories(output).Single();
            var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement;
            Assert.Equal("interrupted", manifest.GetProperty("status").GetString());
            Assert.Contains($"testbed run --resume {folder}", rest);

            var (exit, stdout, err) = await RunAsync("run", "--resume", folder, "--workers", "2");

            Assert.True(exit == 0, $"exit {exit}: {stdout}{err}");
            Assert.Equal(10, File.ReadAllLines(Path.Combine(folder, "episodes.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("scenario").GetString(), e.GetProperty("language").GetString())).Distinct().Count());
            Assert.Equal(10, File.ReadAllLines(Path.Combine(folder, "episodes.jsonl")).Length);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Out_naming_a_file_exits_2_and_says_so()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, _, stderr) = await RunAsync("run", "--out", file);

            Assert.Equal(2, exit);
            Assert.Contains("is a file", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--language", "xx-Nope-Bad-", "language")]
    [InlineData("--language", "fr", "fr")]
    [InlineData("--scenario", "no-such-scenario", "no-such-scenario")]
    [InlineData("--seed", "minus-one", "minus-one")]
    [InlineData("--policy", "openvla", "openvla")]
    [InlineData("--family", "sneaky", "sneaky")]
    [InlineData("--family", "sneaky", "benign, context, explicit, adversarial")]
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
