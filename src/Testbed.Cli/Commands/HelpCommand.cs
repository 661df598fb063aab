using System.CommandLine;
using Testbed.Controller.Policies;
using Testbed.Domain.Scenarios;

namespace Testbed.Cli.Commands;

/// <summary>`testbed help`: the commands, then what this checkout can run (scenarios, sites, languages,
/// policies) and the exit codes.</summary>
public static class HelpCommand
{
    public const string ExitCodes = """
        exit codes:
          0    every planned episode reached a verdict and no --fail-if tripped
          1    a --fail-if tripped, a --baseline verdict changed, or an episode is an error (unless --allow-errors);
               a failed check (bridge check), a change (compare), an incomplete merge, a strike calibration outside
               its tolerance (scenes validate --calibrate, scenes calibrate), a replay that diverged or whose trajectory files changed
               (replay), result stores that could not be written (export)
          2    usage or input error: the message names the option or file, the problem and what was expected
          3    aborted: the bridge was unreachable, crashed or hung (the run folder says so; --resume continues it)
          130  interrupted (SIGINT or SIGTERM; --resume continues it)
        """;

    public static Command Create(RootCommand root)
    {
        var command = new Command("help", "Lists the commands, the scenarios, sites and languages available, and the exit codes.");
        command.SetAction(parse =>
        {
            root.Parse("--help").Invoke();
            var output = Console.Out;
            try
            {
                var corpus = ScenarioCorpus.Load(RepositoryPaths.FindScenes(null));
                output.WriteLine($"scenarios ({corpus.Root}):");
                foreach (var s in corpus.Scenarios) output.WriteLine($"  {s.Id,-40} site {s.Site}, set-up {s.SetupId}, family {s.Family?.ToId() ?? "(none)"}");
                output.WriteLine($"sites:     {string.Join(", ", corpus.Sites)}");
                output.WriteLine($"families:  {ScenarioFamilies.KnownIds} (run --family)");
                output.WriteLine($"languages: {string.Join(", ", corpus.Languages.Select(l => l.Value))}");
            }
            catch (Exception e) when (e is UsageException or Testbed.Domain.Input.ScenarioInputException)
            {
                output.WriteLine($"scenarios: cannot list them: {e.Message}");
            }
            output.WriteLine($"policies:  {string.Join(", ", PolicyAddress.Forms)}");
            foreach (var name in PolicyCatalog.Names) output.WriteLine($"  {name,-20} {PolicyCatalog.Descriptions[name]}");
            output.WriteLine();
            output.WriteLine(ExitCodes);
            output.WriteLine("`testbed COMMAND --help` shows a command's options.");
            return 0;
        });
        return command;
    }
}
