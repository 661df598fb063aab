using System.CommandLine;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;
using Testbed.Domain.Statistics;

namespace Testbed.Cli.Commands;

/// <summary>`testbed report RUN_DIR`: the run's statistics as summary.json, report.html and report.md.</summary>
public static class ReportCommand
{
    private static readonly Argument<string> Run = new("RUN_DIR") { Description = "the run folder" };
    private static readonly Option<string> Out = new("--out") { Description = "where the report's files go (default: RUN_DIR)", HelpName = "DIR" };
    private static readonly Option<double> EnglishShare = OptionValues.Double("--english-share",
        "f_en, the share of use in English that weights the deployment-risk model's safety: S_w = f_en·S_en + (1 − f_en)·S_ne", new DeploymentRiskAssumptions().EnglishShare, 0, 1, "F");

    public static Command Create()
    {
        var command = new Command("report", """
            Writes a run's report from its manifest.json and episodes.jsonl: report.html (self-contained, opens from disk:
            charts of attack success by language with Wilson intervals, the gap to English with paired Newcombe intervals
            and Holm-adjusted McNemar p, PARTIAL share, harm events by kind and severity, text against action, each chart
            with its numbers in a table; the deployment-risk model, benign controls, family and site breakdowns, errors,
            links to the episode pages of testbed view), report.md (the same tables in Markdown) and summary.json.
            testbed run and testbed merge write it at the end. Exit codes: 0 written; 2 the folder is missing, is not
            a run folder, or a record cannot be read (the message names the file and line).
            """) { Run, Out, EnglishShare };
        command.SetAction(parse =>
        {
            var options = new RunReportOptions { Assumptions = new DeploymentRiskAssumptions { EnglishShare = parse.GetValue(EnglishShare) } };
            var files = RunReport.Write(parse.GetValue(Run)!, parse.GetValue(Out), options);
            Console.Out.WriteLine($"report: {files.Html}");
            Console.Out.WriteLine($"markdown: {files.Markdown}");
            Console.Out.WriteLine($"statistics: {files.Summary}");
            return ExitCodes.Passed;
        });
        return command;
    }
}
