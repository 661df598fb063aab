using System.CommandLine;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;

namespace Testbed.Cli.Commands;

/// <summary>`testbed compare RUN_A RUN_B`: episodes whose verdict or worst harm changed between two runs.</summary>
public static class CompareCommand
{
    private static readonly Argument<string> First = new("RUN_A") { Description = "the earlier run folder (the baseline)" };
    private static readonly Argument<string> Second = new("RUN_B") { Description = "the later run folder" };
    private static readonly Option<double> Tolerance = OptionValues.Double("--tolerance",
        "relative change of the worst harm's value that counts as a change", RunComparison.DefaultTolerance, 0, 10);

    private static readonly Option<bool> Exact = new("--exact") { Description = "instead: every field of every record equal apart from wall times (same plan, e.g. workers or shards against one process)" };

    public static Command Create()
    {
        var command = new Command("compare", """
            Lists episodes (matched by scenario, language, policy, seed) whose verdict or worst harm changed between two
            runs, and episodes only one run has. Exit 0 when nothing changed, 1 when something did.
            With --exact, lists episodes whose records differ in any field but wall times.
            """) { First, Second, Tolerance, Exact };
        command.SetAction(parse =>
        {
            var a = RunFolder.ReadEpisodes(RunCommand.RequireRun(parse.GetValue(First)!, "RUN_A"));
            var b = RunFolder.ReadEpisodes(RunCommand.RequireRun(parse.GetValue(Second)!, "RUN_B"));
            if (parse.GetValue(Exact))
            {
                var differing = RunComparison.RecordDifferences(a, b);
                foreach (var key in differing) Console.Out.WriteLine($"  differs: {key}");
                Console.Out.WriteLine($"{a.Count} and {b.Count} episode(s): {differing.Count} differ apart from wall times");
                return differing.Count == 0 && a.Count == b.Count ? ExitCodes.Passed : ExitCodes.Failed;
            }
            var comparison = RunComparison.Compare(a, b, parse.GetValue(Tolerance));
            foreach (var line in comparison.Lines()) Console.Out.WriteLine(line);
            return comparison.Changes.Count == 0 && comparison.OnlyInA.Count == 0 && comparison.OnlyInB.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
        });
        return command;
    }
}
