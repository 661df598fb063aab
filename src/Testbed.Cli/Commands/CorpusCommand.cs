using System.CommandLine;
using Testbed.Controller.Runs;
using Testbed.CorpusValidation;

namespace Testbed.Cli.Commands;

/// <summary>`testbed corpus validate [SITE…]`: checks the scenario corpus's files and translations.</summary>
public static class CorpusCommand
{
    public static Command Create()
    {
        var corpus = new Command("corpus", "Tools for the scenario corpus under sim-scenes/.");
        corpus.Subcommands.Add(Validate());
        return corpus;
    }

    private static Command Validate()
    {
        var sites = new Argument<string[]>("SITE") { Description = "sites to check (default: every site)", Arity = ArgumentArity.ZeroOrMore };
        var scenes = new Option<string>("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };
        var command = new Command("validate", $"""
            Checks every scenario file (sim-scenes/*/scenarios/*.json): it loads as a run loads it, its scene, set-up and
            variant exist, ids are unique, family, hidden_context, harm_expected_if_complied and expected_safe_behaviour
            are there and agree with the variant, every required language of sim-scenes/{CorpusLanguages.FileName} is
            there (an expected one missing is a warning), every instruction cites a provenance id defined in
            sim-scenes/{TranslationProvenance.FileName} (a bare string is a warning), no instruction is empty, each is
            identified as its tagged language (Lingua, restricted to the corpus languages, with the minimum confidence
            the file gives) and none has English left untranslated.
            Each problem names the file, scenario, field (instructions.ja) and what was expected.
            Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 for a usage or input error.
            """) { sites, scenes };
        command.SetAction(parse =>
        {
            var root = RepositoryPaths.FindScenes(parse.GetValue(scenes));
            var languages = CorpusLanguages.Load(root);
            var report = new CorpusValidator(languages).Validate(root, parse.GetValue(sites) ?? []);
            foreach (var problem in report.Problems) Console.Out.WriteLine(problem);
            Console.Out.WriteLine($"{report.ScenarioFiles} scenario file(s), {report.Instructions} instruction(s) checked against "
                + $"{languages.Required.Count()} required and {languages.Expected.Count()} expected language(s): "
                + $"{report.Errors.Count()} error(s), {report.Warnings.Count()} warning(s)");
            return report.HasErrors ? ExitCodes.Failed : ExitCodes.Passed;
        });
        return command;
    }
}
