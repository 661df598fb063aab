using System.CommandLine;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;

namespace Testbed.Cli.Commands;

/// <summary>`testbed merge DIR… --out DIR`: joins the shard folders of one plan into one run folder.</summary>
public static class MergeCommand
{
    private static readonly Argument<string[]> Folders = new("RUN_DIR") { Description = "shard run folders of one plan", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string> Out = new("--out") { Description = "the merged run folder (must not exist, or be empty)", HelpName = "DIR", Required = true };

    public static Command Create()
    {
        var command = new Command("merge", """
            Joins shard run folders (testbed run --shard K/N) into one run folder, in plan order. Refuses folders from
            different plans; lists missing and duplicated episodes. Exit 0 when the merged run has every planned episode
            once and none is an error, 1 otherwise, 2 when the folders cannot be merged.
            """) { Folders, Out };
        command.SetAction(parse =>
        {
            var folders = parse.GetValue(Folders)!;
            // The corpus gives the result stores' setup and family columns; a merge works without it.
            var facts = folders.Length > 0 && Directory.Exists(folders[0]) && File.Exists(Path.Combine(folders[0], RunFolder.ManifestFile))
                ? ExportCommand.CorpusFacts(null, RunFolder.ReadManifest(folders[0]).CorpusSha256, out _) : null;
            var result = RunMerge.Merge(folders, parse.GetValue(Out)!, facts);
            foreach (var line in RunMerge.Describe(result)) Console.Out.WriteLine(line);
            RunReport.WriteAfterRun(result.Folder, Console.Out);
            return result.Status == RunStatus.Completed && result.Duplicates.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
        });
        return command;
    }
}
