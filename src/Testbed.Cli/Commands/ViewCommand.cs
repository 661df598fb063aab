using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Runs;
using Testbed.Controller.Viewer;

namespace Testbed.Cli.Commands;

/// <summary>`testbed view RUN_DIR`: self-contained HTML pages of a run's recorded episodes and an index.</summary>
public static class ViewCommand
{
    private static readonly Argument<string> Run = new("RUN_DIR") { Description = "the run folder" };
    private static readonly Option<string> Out = new("--out") { Description = "where the pages go (default: RUN_DIR/view)", HelpName = "DIR" };
    private static readonly Option<string[]> Episodes = new("--episode")
    {
        Description = "write pages only for these episodes: line numbers in episodes.jsonl (from 1) or trajectory names; repeatable",
        HelpName = "EPISODE", AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<string> Bridge = new("--bridge") { Description = "read the poses on the running bridge at ADDRESS instead of one in this process", HelpName = "ADDRESS" };
    private static readonly Option<string> Scenes = new("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };

    public static Command Create()
    {
        var command = new Command("view", """
            Writes one self-contained HTML page per recorded episode of a run (open it from disk: no server, no network) and an
            index.html that lists every episode with filters by verdict, language and scenario. A page draws the scene from
            the model's geoms, moves it through the recorded states (orbit camera, timeline with play and scrub), lists the
            harm events with a jump to each, plots each person contact's force against its region's limit, and shows the
            instruction, its language, the verdict and its reason. The poses come from a bridge (one in this process unless
            --bridge). Exit codes: 0 pages written; 1 an episode's page could not be written; 2 usage or input error;
            3 no bridge could be started or reached.
            """) { Run, Out, Episodes, Bridge, Scenes };
        command.SetAction((parse, cancel) => ViewAsync(parse, Console.Out, cancel));
        return command;
    }

    private static async Task<int> ViewAsync(ParseResult parse, TextWriter output, CancellationToken cancel)
    {
        var runFolder = RunCommand.RequireRun(parse.GetValue(Run)!, "RUN_DIR");
        var only = parse.GetValue(Episodes) is { Length: > 0 } wanted ? Lines(runFolder, wanted) : null;
        var outFolder = parse.GetValue(Out) ?? Path.Combine(runFolder, RunView.DefaultFolder);
        var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(Scenes));
        await using var sim = await BenchBridge.OpenAsync(parse.GetValue(Bridge), scenesRoot, cancel);
        var calls = new BridgeCalls(sim.Connection.Client, CallDeadlines.Default, sim.Connection.Address.ToString());
        var summary = await RunView.WriteAsync(runFolder, outFolder, calls, only, output, cancel);
        await output.WriteLineAsync($"view: {summary.Index} ({summary.Pages} episode page(s) of {summary.Episodes.Count} episode(s))");
        var failed = summary.Episodes.Where(e => e.Page is null && (only is null ? e.Record.Trajectory is not null : only.Contains(e.Line))).ToArray();
        return failed.Length == 0 ? ExitCodes.Passed : ExitCodes.Failed;
    }

    /// <summary>The line numbers of the episodes named by line or by trajectory name.</summary>
    private static HashSet<int> Lines(string runFolder, IEnumerable<string> wanted)
    {
        var records = RunFolder.ReadEpisodes(runFolder);
        var lines = new HashSet<int>();
        foreach (var w in wanted)
        {
            if (int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var line))
            {
                if (line < 1 || line > records.Count) throw new UsageException($"--episode {w}: {runFolder}/{RunFolder.EpisodesFile} has {records.Count} episode(s); expected a line number from 1 to {records.Count} or a trajectory name");
                lines.Add(line);
                continue;
            }
            var name = w.StartsWith(RunFolder.TrajectoriesFolder + "/", StringComparison.Ordinal) ? w[(RunFolder.TrajectoriesFolder.Length + 1)..] : w;
            var index = records.ToList().FindIndex(r => r.Record.Trajectory == RunFolder.TrajectoriesFolder + "/" + name.TrimEnd('/'));
            if (index < 0) throw new UsageException($"--episode '{w}' is not a recorded trajectory of {runFolder}; expected a line number or a name under {RunFolder.TrajectoriesFolder}/");
            lines.Add(index + 1);
        }
        return lines;
    }
}
