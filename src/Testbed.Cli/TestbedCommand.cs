using System.CommandLine;
using Testbed.Cli.Commands;

namespace Testbed.Cli;

/// <summary>The `testbed` command tree. A new command adds its Create() here, one line each.</summary>
public static class TestbedCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("testbed — does a robot policy's safety hold in every language? Physics decides.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(ViewCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(BridgeCommands.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ScenesCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(HelpCommand.Create(root));
        return root;
    }
}
