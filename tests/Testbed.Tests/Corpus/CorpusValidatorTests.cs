using System.Text.Json.Nodes;
using Testbed.CorpusValidation;
using Testbed.Domain.Input;
using Testbed.Tests.Domain;

namespace Testbed.Tests.Corpus;

/// <summary>`corpus validate` on broken scenario files (one thing broken each) and on the real corpus, with the real
/// language identifier.</summary>
public sealed class CorpusValidatorTests : IDisposable
{
    private static readonly Lazy<CorpusLanguages> RealLanguages = new(() => CorpusLanguages.Load(BridgeFixture.ScenesRoot));
    private static readonly Lazy<CorpusValidator> Validator = new(() => new CorpusValidator(RealLanguages.Value));
    private readonly ScenesFolder _scenes = new();

    public CorpusValidatorTests() =>
        File.Copy(Path.Combine(BridgeFixture.ScenesRoot, CorpusLanguages.FileName), Path.Combine(_scenes.Root, CorpusLanguages.FileName));

    public void Dispose() => _scenes.Dispose();

    private CorpusReport ValidateWith(string language, string text)
    {
        _scenes.EditScenario(s => s["instructions"]![language] = text);
        return Validator.Value.Validate(_scenes.Root, []);
    }

    private static CorpusProblem SingleError(CorpusReport report) => Assert.Single(report.Errors);

    [Fact]
    public void The_real_corpus_has_no_error_and_every_required_language()
    {
        var report = Validator.Value.Validate(BridgeFixture.ScenesRoot, []);

        Assert.True(report.ScenarioFiles > 0);
        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
    }

    [Fact]
    public void The_throwaway_scene_with_every_required_language_passes()
    {
        var report = Validator.Value.Validate(_scenes.Root, []);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        // The expected languages (Thai, Swahili, Hindi, Filipino) are missing: warnings, not errors.
        Assert.Equal(["th", "sw", "hi", "fil"], report.Warnings.Select(w => w.Language));
    }

    [Fact]
    public void An_instruction_in_the_wrong_language_is_named_by_file_scenario_and_field()
    {
        var report = ValidateWith("de", "Đặt thùng lên băng chuyền.");

        var error = SingleError(report);
        Assert.Equal((_scenes.ScenarioPath, ScenesFolder.ScenarioId, "de", "instructions.de"), (error.File, error.Scenario, error.Language, error.Field));
        Assert.StartsWith("reads as Vietnamese", error.Problem, StringComparison.Ordinal);
        Assert.Contains($"{_scenes.ScenarioPath}: scenario '{ScenesFolder.ScenarioId}', instructions.de: reads as Vietnamese", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void English_copied_into_the_Japanese_field_reads_as_English()
    {
        var error = SingleError(ValidateWith("ja", "Put the tote on the conveyor."));

        Assert.Equal("instructions.ja", error.Field);
        Assert.StartsWith("reads as English", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_instruction_is_an_error()
    {
        var error = SingleError(ValidateWith("vi", ""));

        Assert.Equal(("instructions.vi", "the instruction is empty"), (error.Field, error.Problem));
    }

    [Fact]
    public void An_invisible_instruction_is_an_error()
    {
        var error = SingleError(ValidateWith("zh-Hans", "\u200B \u200B"));

        Assert.Equal("instructions.zh-Hans", error.Field);
        Assert.Contains("no visible character", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void English_words_left_in_a_Japanese_instruction_are_found()
    {
        var error = SingleError(ValidateWith("ja", "そのtoteをコンベアに置いてください。"));

        Assert.Equal("instructions.ja", error.Field);
        Assert.Equal("English left untranslated: \"tote\"", error.Problem);
    }

    [Fact]
    public void An_acronym_in_a_Japanese_instruction_is_not_English_left()
    {
        var report = ValidateWith("ja", "トートをAGVに置いてください。");

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
    }

    [Fact]
    public void An_English_clause_left_in_a_German_instruction_is_found()
    {
        var error = SingleError(ValidateWith("de", "Stelle die Kiste auf das Förderband, then press the green button on the panel."));

        Assert.Equal("instructions.de", error.Field);
        Assert.Contains("then press the green button on the panel", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_language_is_an_error_and_a_missing_expected_one_a_warning()
    {
        _scenes.EditScenario(s => ((JsonObject)s["instructions"]!).Remove("vi"));

        var report = Validator.Value.Validate(_scenes.Root, []);

        var error = SingleError(report);
        Assert.Equal(("instructions.vi", "no Vietnamese instruction"), (error.Field, error.Problem));
        Assert.Contains(report.Warnings, w => w.Field == "instructions.th");
    }

    [Fact]
    public void A_duplicate_id_names_both_files()
    {
        var copy = Path.Combine(_scenes.SceneFolder, "scenarios", "a-copy.json");
        File.Copy(_scenes.ScenarioPath, copy);

        var report = Validator.Value.Validate(_scenes.Root, []);

        var duplicate = Assert.Single(report.Errors, e => e.Field == "id" && e.Problem.Contains("is also the id of", StringComparison.Ordinal));
        // Files are checked in name order: the copy comes first, so the original is the duplicate.
        Assert.Equal(_scenes.ScenarioPath, duplicate.File);
        Assert.Contains(copy, duplicate.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scenario_whose_scene_does_not_exist_is_an_error_with_the_loaders_words()
    {
        _scenes.EditScenario(s => s["scene"] = "no-such-scene");

        var error = SingleError(Validator.Value.Validate(_scenes.Root, []));

        Assert.Equal("scene", error.Field);
        Assert.Contains("no scene 'no-such-scene'", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_json_is_an_error()
    {
        File.WriteAllText(_scenes.ScenarioPath, "{ not json");

        var error = SingleError(Validator.Value.Validate(_scenes.Root, []));

        Assert.Equal(_scenes.ScenarioPath, error.File);
        Assert.StartsWith("is not JSON", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_site_is_an_input_error_naming_the_sites()
    {
        var e = Assert.Throws<ScenarioInputException>(() => Validator.Value.Validate(_scenes.Root, ["moon-base"]));

        Assert.Contains("moon-base", e.Message, StringComparison.Ordinal);
        Assert.Contains("warehouse", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_language_added_to_the_languages_file_is_checked_without_code()
    {
        var path = Path.Combine(_scenes.Root, CorpusLanguages.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        ((JsonArray)json["languages"]!).Add(new JsonObject { ["tag"] = "fr", ["requirement"] = "required" });
        File.WriteAllText(path, json.ToJsonString());
        var languages = CorpusLanguages.Load(_scenes.Root);
        _scenes.EditScenario(s => s["instructions"]!["fr"] = "Mets le bac sur le convoyeur, s'il te plaît.");

        var report = new CorpusValidator(languages).Validate(_scenes.Root, []);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        _scenes.EditScenario(s => ((JsonObject)s["instructions"]!).Remove("fr"));
        Assert.Equal("no French instruction", SingleError(new CorpusValidator(languages).Validate(_scenes.Root, [])).Problem);
    }

    [Fact]
    public void A_languages_file_naming_a_language_the_identifier_lacks_is_refused()
    {
        var json = File.ReadAllText(Path.Combine(BridgeFixture.ScenesRoot, CorpusLanguages.FileName)).Replace("\"identifier\": \"tl\"", "\"identifier\": \"xx\"");
        var languages = CorpusLanguages.Parse(json, "languages.json");

        var e = Assert.Throws<ArgumentException>(() => new LanguageIdentifier(languages));

        Assert.Contains("'xx'", e.Message, StringComparison.Ordinal);
    }
}
