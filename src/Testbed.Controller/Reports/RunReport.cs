using System.Globalization;
using Testbed.Controller.Runs;
using Testbed.Domain.Statistics;

namespace Testbed.Controller.Reports;

/// <summary>What a report is computed with. <see cref="FamilyOf"/> gives a scenario's family; null takes each record's own.</summary>
public sealed record RunReportOptions
{
    public DeploymentRiskAssumptions Assumptions { get; init; } = new();

    public Func<string, string?>? FamilyOf { get; init; }
}

/// <summary>The files a report wrote.</summary>
public sealed record RunReportFiles(string Html, string Markdown, string Summary);

/// <summary>
/// `testbed report RUN_DIR`: from a run folder's manifest.json and episodes.jsonl, writes summary.json (the
/// statistics), report.html (self-contained: charts, and the tables with their numbers) and report.md (the tables in
/// Markdown). The run itself is only read.
/// </summary>
public static class RunReport
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";

    /// <summary>Left in the run folder when the report written at the end of a run failed, saying why.</summary>
    public const string FailureFile = "report-error.txt";

    /// <param name="outFolder">Where the three files go; the run folder when null.</param>
    /// <exception cref="RunInputException">The folder is not a run folder, or a record cannot be read (the message
    /// names the file and line).</exception>
    public static RunReportFiles Write(string runFolder, string? outFolder = null, RunReportOptions? options = null)
    {
        options ??= new RunReportOptions();
        if (!Directory.Exists(runFolder)) throw new RunInputException($"RUN_DIR '{runFolder}' does not exist; expected a run folder (with {RunFolder.ManifestFile})");
        var manifest = RunFolder.ReadManifest(runFolder);
        var episodes = RunFolder.ReadEpisodes(runFolder);
        var records = episodes.Select(e => e.Record).ToArray();
        var statistics = RunStatistics.Of(records, options.FamilyOf, options.Assumptions);
        var power = PowerCheck.For(manifest.Scenarios.Count, manifest.Seeds.Count);
        var harmEvents = HarmEventCount.ByPolicyKindAndSeverity(records.Select(r => (r.Policy, r.HarmEvents)));

        var target = Path.GetFullPath(outFolder ?? runFolder);
        try
        {
            Directory.CreateDirectory(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunInputException($"--out '{outFolder}': cannot create the folder ({e.Message}); expected a folder the report can be written to");
        }
        var summary = RunStatistics.Write(target, statistics, power, records.Length, harmEvents);
        var sections = RunReportSections.Of(new RunReportInput(Path.GetFullPath(runFolder), target, manifest, episodes, statistics, power, harmEvents, options.Assumptions));
        var title = $"Testbed report: run {manifest.RunId}";
        var html = WriteAtomically(Path.Combine(target, HtmlFile), HtmlReportPage.Render(title, sections));
        var markdown = WriteAtomically(Path.Combine(target, MarkdownFile), MarkdownReportPage.Render(title, sections, HtmlFile));
        return new RunReportFiles(html, markdown, summary);
    }

    /// <summary>
    /// The report at the end of `testbed run` and `testbed merge`. It never throws: a report that fails must not lose
    /// the run, whose episodes.jsonl is already complete. The failure is printed and left in <see cref="FailureFile"/>
    /// in the run folder (removed when a later report succeeds); the report can be made again with `testbed report`.
    /// </summary>
    public static RunReportFiles? WriteAfterRun(string runFolder, TextWriter output, RunReportOptions? options = null)
    {
        var failure = Path.Combine(runFolder, FailureFile);
        try
        {
            var files = Write(runFolder, null, options);
            File.Delete(failure);
            output.WriteLine($"report: {files.Html} ({MarkdownFile}, {RunStatistics.SummaryFile} beside it)");
            return files;
        }
        catch (Exception e)
        {
            var message = string.Create(CultureInfo.InvariantCulture,
                $"the report of {runFolder} failed: {e.GetType().Name}: {e.Message}; the run's {RunFolder.EpisodesFile} is kept: make the report again with testbed report {runFolder}");
            output.WriteLine($"report: {message}");
            try
            {
                File.WriteAllText(failure, message + "\n" + e + "\n");
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"report: could not record the failure in {failure}: {again.Message}");
            }
            return null;
        }
    }

    private static string WriteAtomically(string target, string text)
    {
        var temporary = target + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, target, overwrite: true);
        return target;
    }
}
