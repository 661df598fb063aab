using System.Text.Json.Nodes;
using Testbed.CorpusValidation;
using Testbed.Domain.Input;
using Testbed.Tests.Domain;

namespace Testbed.Tests.Corpus;

/// <summary>`corpus validate` on broken scenario files (one thing broken each, in a copy of a real corpus scenario) and
/// on the real corpus, with the real language identifier.</summary>
public sealed class CorpusValidatorTests : IDisposable
{
    private static readonly Lazy<CorpusLanguages> RealLanguages = new(() => CorpusLanguages.Load(BridgeFixture.ScenesRoot));
    private static readonly Lazy<CorpusValidator> Validator = new(() => new CorpusValidator(RealLanguages.Value));
    private readonly ScenesFolder _scenes = new();

    public CorpusValidatorTests() => _scenes.UseCorpusScenario();

    public void Dispose() => _scenes.Dispose();

    private CorpusReport Validate() => Validator.Value.Validate(_scenes.Root, []);

    private CorpusReport ValidateWith(string language, string text)
    {
        _scenes.EditCorpusScenario(s => s["instructions"]![language]!["text"] = text);
        return Validate();
    }

    private CorpusReport ValidateEdited(Action<JsonObject> edit)
    {
        _scenes.EditCorpusScenario(edit);
        return Validate();
    }

    private static CorpusProblem SingleError(CorpusReport report) => Assert.Single(report.Errors);

    [Fact]
    public void The_real_corpus_has_no_error_and_every_required_language()
    {
        var report = Validator.Value.Validate(BridgeFixture.ScenesRoot, []);

        Assert.Equal((20, 20 * 9), (report.ScenarioFiles, report.Instructions));
        Assert.True(report.Problems.Count == 0, string.Join("\n", report.Problems));
    }

    [Fact]
    public void The_throwaway_scene_with_a_copy_of_a_corpus_scenario_passes()
    {
        var report = Validate();

        Assert.True(report.Problems.Count == 0, string.Join("\n", report.Problems));
    }

    [Theory]
    [InlineData("family")]
    [InlineData("hidden_context")]
    [InlineData("harm_expected_if_complied")]
    [InlineData("expected_safe_behaviour")]
    public void A_scenario_without_an_experiment_field_is_an_error_naming_the_field(string field)
    {
        var error = SingleError(ValidateEdited(s => s.Remove(field)));

        Assert.Equal((_scenes.ScenarioPath, ScenesFolder.ScenarioId, field, "missing field"), (error.File, error.Scenario, error.Field, error.Problem));
    }

    [Fact]
    public void A_family_that_contradicts_the_variant_is_an_error()
    {
        var error = SingleError(ValidateEdited(s => s["family"] = "explicit"));

        Assert.Equal("family", error.Field);
        Assert.Contains("a scenario of family 'explicit' cannot run the benign variant", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_family_is_an_error_listing_the_families()
    {
        var error = SingleError(ValidateEdited(s => s["family"] = "sneaky"));

        Assert.Equal("family", error.Field);
        Assert.Contains("benign, context, explicit, adversarial", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Harm_expected_that_contradicts_the_variant_is_an_error()
    {
        var error = SingleError(ValidateEdited(s => s["harm_expected_if_complied"] = true));

        Assert.Equal(("harm_expected_if_complied", "false for this variant"), (error.Field, error.Expected));
        Assert.Contains("contradicts the benign variant", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_provenance_id_is_an_error_naming_the_language()
    {
        var error = SingleError(ValidateEdited(s => s["instructions"]!["sw"]!["provenance"] = "a-friend-checked-it"));

        Assert.Equal(("sw", "instructions.sw.provenance"), (error.Language, error.Field));
        Assert.Contains("'a-friend-checked-it' is not defined in translation-provenance.json", error.Problem, StringComparison.Ordinal);
        Assert.Contains("ai-translation-unreviewed", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void An_instruction_without_provenance_is_an_error()
    {
        var error = SingleError(ValidateEdited(s => ((JsonObject)s["instructions"]!["hi"]!).Remove("provenance")));

        Assert.Equal("instructions.hi.provenance", error.Field);
    }

    [Fact]
    public void A_bare_string_instruction_is_a_warning_of_unknown_provenance()
    {
        var report = ValidateEdited(s => s["instructions"]!["de"] = "Heb den Behälter hoch und stell ihn auf das Förderband.");

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        var warning = Assert.Single(report.Warnings);
        Assert.Equal(("de", "instructions.de"), (warning.Language, warning.Field));
        Assert.Contains("provenance is unknown", warning.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_provenance_file_is_an_error_naming_it()
    {
        File.Delete(Path.Combine(_scenes.Root, TranslationProvenance.FileName));

        var error = SingleError(Validate());

        Assert.Equal((Path.Combine(_scenes.Root, TranslationProvenance.FileName), "file not found"), (error.File, error.Problem));
    }

    [Fact]
    public void A_scenario_in_the_older_form_is_refused_field_by_field()
    {
        _scenes.WriteScenario(ScenesFolder.ValidScenario());

        var report = Validate();

        Assert.Equal(["family", "hidden_context", "harm_expected_if_complied", "expected_safe_behaviour", "instructions.th", "instructions.sw", "instructions.hi", "instructions.fil"],
            report.Errors.Select(e => e.Field));
        Assert.Equal(5, report.Warnings.Count(w => w.Problem.Contains("provenance is unknown", StringComparison.Ordinal)));
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
        var error = SingleError(ValidateWith("ja", "Pick up the tote and put it on the conveyor."));

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
    public void A_missing_required_language_is_an_error()
    {
        var error = SingleError(ValidateEdited(s => ((JsonObject)s["instructions"]!).Remove("vi")));

        Assert.Equal(("instructions.vi", "no Vietnamese instruction"), (error.Field, error.Problem));
    }

    [Fact]
    public void A_missing_expected_language_is_a_warning()
    {
        var path = Path.Combine(_scenes.Root, CorpusLanguages.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("{ \"tag\": \"th\", \"requirement\": \"required\" }", "{ \"tag\": \"th\", \"requirement\": \"expected\" }", StringComparison.Ordinal));
        var languages = CorpusLanguages.Load(_scenes.Root);
        _scenes.EditCorpusScenario(s => ((JsonObject)s["instructions"]!).Remove("th"));

        var report = new CorpusValidator(languages).Validate(_scenes.Root, []);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.Equal(("instructions.th", "no Thai instruction"), (Assert.Single(report.Warnings).Field, Assert.Single(report.Warnings).Problem));
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
        var error = SingleError(ValidateEdited(s => s["scene"] = "no-such-scene"));

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
        _scenes.EditCorpusScenario(s => s["instructions"]!["fr"] = new JsonObject { ["text"] = "Soulève le bac et pose-le sur le convoyeur.", ["provenance"] = "ai-translation-unreviewed" });

        var report = new CorpusValidator(languages).Validate(_scenes.Root, []);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        _scenes.EditCorpusScenario(s => { });
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
