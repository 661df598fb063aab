using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Results;
using Testbed.Controller.Runs;
using Testbed.Domain.Scenarios;

namespace Testbed.Cli.Commands;

/// <summary>`testbed export RUN_DIR`: rebuilds a run folder's results.duckdb and Parquet files from its episodes.jsonl.</summary>
public static class ExportCommand
{
    private static readonly Argument<string> Folder = new("RUN_DIR") { Description = "the run folder (with manifest.json and episodes.jsonl)" };
    private static readonly Option<string> Scenes = new("--scenes") { Description = "the scenes root, for the setup and family columns (default: sim-scenes/ of this repository)", HelpName = "DIR" };

    public static Command Create()
    {
        var command = new Command("export", """
            Rebuilds results.duckdb, episodes.parquet and harm_events.parquet of a run folder from its episodes.jsonl (a run of
            an older version, or one whose stores failed), and records the outcome in its manifest. Running it again gives the
            same stores. A line of episodes.jsonl that is not a record is an error naming the file and the line.
            Exit 0 written, 1 the stores could not be written, 2 not a run folder or an unreadable line.
            """) { Folder, Scenes };
        command.SetAction(parse =>
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(RunCommand.RequireRun(parse.GetValue(Folder)!, "RUN_DIR")));
            var manifest = RunFolder.ReadManifest(folder);
            var facts = CorpusFacts(parse.GetValue(Scenes), manifest.CorpusSha256, out var factsNote);
            if (factsNote is not null) Console.Out.WriteLine(factsNote);
            ResultStores.Written written;
            try
            {
                written = ResultStores.Write(folder, manifest, facts);
            }
            catch (Exception e) when (e is not RunInputException and not OperationCanceledException)
            {
                // An unreadable line (RunInputException) goes on to exit 2 with its file and line; anything else is the
                // stores' own failure, recorded in the manifest as a run records it.
                var error = $"{ResultStores.DatabaseFile} and the Parquet files could not be written ({e.GetType().Name}: {e.Message})";
                RunFolder.WriteManifest(folder, manifest with { ResultStores = new ResultStoresOutcome([], error) });
                Console.Error.WriteLine($"testbed: {folder}: {error}");
                return ExitCodes.Failed;
            }
            RunFolder.WriteManifest(folder, manifest with { ResultStores = written.Outcome });
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{written.Episodes} episode(s), {written.HarmEvents} harm event(s) -> {string.Join(", ", ResultStores.Files)} in {folder} ({written.Elapsed.TotalSeconds:0.00} s)"));
            return ExitCodes.Passed;
        });
        return command;
    }

    /// <summary>Set-up and family per scenario from the scene corpus, when it is the corpus the run used; none, with a
    /// note saying why, when it cannot be found, does not load, or has changed since.</summary>
    public static IReadOnlyDictionary<string, ScenarioFacts> CorpusFacts(string? scenes, string runCorpusSha256, out string? note)
    {
        const string consequence = "the setup and family columns stay null where the records do not carry them";
        try
        {
            var root = RepositoryPaths.FindScenes(scenes);
            var corpus = ScenarioCorpus.Load(root);
            var facts = ScenarioFacts.Of(corpus, runCorpusSha256);
            note = facts.Count == 0 ? $"note: the scenario corpus in {root} is not the one the run used (corpus_sha256 differs): {consequence}" : null;
            return facts;
        }
        catch (Exception e) when (e is UsageException or Testbed.Domain.Input.ScenarioInputException or IOException)
        {
            note = $"note: no scenario corpus to read ({e.Message}): {consequence}";
            return ScenarioFacts.None;
        }
    }
}
