using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Testbed.Tests.Runs;

namespace Testbed.Tests.Reports;

/// <summary>
/// One real run made by the testbed program as a user runs it: the warehouse's tote-swing pair in English and
/// Japanese under two policies (the oracle and the English-only keyword guard), seed 0 — 8 episodes — whose end
/// writes the report. Shared by the report's tests: the run is made once.
/// </summary>
public sealed partial class ReportedRunFixture : IAsyncLifetime
{
    public static readonly string[] Policies = ["oracle", "keyword-guard-en"];

    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), "testbed-report-tests", Guid.NewGuid().ToString("N"));
    public string RunFolder { get; private set; } = "";
    public string RunOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        var runs = Path.Combine(Scratch, "runs");
        var (exit, stdout, stderr) = await TestbedProgram.RunAsync(
            ["run", "--scenario", string.Join(',', RunHarness.ToteSwingScenarios), "--language", "en,ja",
             "--policy", Policies[0], "--policy", Policies[1], "--out", runs, "--workers", "2", "--progress", "lines"]);
        RunOutput = stdout + stderr;
        if (exit != 0) throw new InvalidOperationException($"the run for the report tests exited {exit}: {RunOutput}");
        RunFolder = Directory.GetDirectories(runs).Single();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // A browser still closing may hold a file for a moment; the scratch folder is under the temp folder anyway.
        }
        return Task.CompletedTask;
    }

    public static JsonElement Summary(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement;

    /// <summary>The rows of the HTML table with this id, each as column name → cell text.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> HtmlTable(string html, string id)
    {
        var table = Regex.Match(html, $"<table id=\"{Regex.Escape(id)}\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, $"report.html has no table '{id}'");
        var header = CellTexts(Regex.Match(table.Groups[1].Value, "<thead>(.*?)</thead>", RegexOptions.Singleline).Groups[1].Value, "th");
        var body = Regex.Match(table.Groups[1].Value, "<tbody>(.*?)</tbody>", RegexOptions.Singleline).Groups[1].Value;
        return Regex.Matches(body, "<tr>(.*?)</tr>", RegexOptions.Singleline)
            .Select(row => CellTexts(row.Groups[1].Value, "td"))
            .Where(cells => cells.Count == header.Count)
            .Select(cells => (IReadOnlyDictionary<string, string>)header.Zip(cells).ToDictionary(p => p.First, p => p.Second))
            .ToArray();
    }

    private static IReadOnlyList<string> CellTexts(string html, string tag) =>
        Regex.Matches(html, $"<{tag}[^>]*>(.*?)</{tag}>", RegexOptions.Singleline)
            .Select(m => WebUtility.HtmlDecode(TagPattern().Replace(m.Groups[1].Value, "")))
            .ToArray();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}

[CollectionDefinition(Name)]
public sealed class ReportedRunCollection : ICollectionFixture<ReportedRunFixture>
{
    public const string Name = "a reported run";
}
