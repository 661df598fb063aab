using System.Text.Json;
using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;

namespace Testbed.CorpusValidation;

/// <summary>
/// Checks every scenario file under a scenes root (<c>&lt;scene&gt;/scenarios/*.json</c>), collecting every problem
/// rather than stopping at the first:
/// <list type="bullet">
/// <item>the file loads as the run loads it (<see cref="ScenarioLoader"/>: schema, scene, keyframe, task, and whatever
/// the loader checks next) and its scene manifest loads;</item>
/// <item>ids are unique across the corpus (one scenario per id);</item>
/// <item>the experiment's fields are there: <c>family</c>, <c>hidden_context</c>, <c>harm_expected_if_complied</c> and
/// <c>expected_safe_behaviour</c> (the loader accepts a file without them, so older files still run, and refuses a
/// family or harm flag that contradicts the set-up variant);</item>
/// <item>every instruction cites a provenance id defined in <c>translation-provenance.json</c> (a bare string, whose
/// provenance is unknown, is a warning);</item>
/// <item>every required language is there (an expected one missing is a warning), and no instruction is empty or
/// invisible (<see cref="InstructionText"/>);</item>
/// <item>each instruction is identified as its tagged language (<see cref="LanguageIdentifier"/>, first choice with the
/// corpus's minimum confidence), and no English is left in a non-English one (<see cref="UntranslatedEnglish"/>).</item>
/// </list>
/// Instructions are read from the raw file, so they are checked even when the loader refuses the file for something
/// else.
/// </summary>
public sealed class CorpusValidator(CorpusLanguages languages, LanguageIdentifier identifier)
{
    private readonly UntranslatedEnglish _untranslated = new(identifier, languages);

    public CorpusValidator(CorpusLanguages languages) : this(languages, new LanguageIdentifier(languages))
    {
    }

    /// <summary>Validates the scenario files of <paramref name="sites"/> (every site when empty).</summary>
    /// <exception cref="ScenarioInputException">The scenes root does not exist, or a site is not in it.</exception>
    public CorpusReport Validate(string scenesRoot, IReadOnlyCollection<string> sites)
    {
        var root = Path.GetFullPath(scenesRoot);
        if (!Directory.Exists(root)) throw new ScenarioInputException(root, "", "scenes folder not found", "a folder holding one sub-folder per scene");
        var problems = new List<CorpusProblem>();
        var scenes = new SortedDictionary<string, SceneManifest>(StringComparer.Ordinal);
        var files = new List<(string SceneFolder, string File)>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var scenarioFolder = Path.Combine(folder, "scenarios");
            var scenarioFiles = Directory.Exists(scenarioFolder) ? Directory.EnumerateFiles(scenarioFolder, "*.json").Order(StringComparer.Ordinal).ToList() : [];
            var manifest = Path.Combine(folder, SceneManifest.FileName);
            if (File.Exists(manifest))
            {
                try
                {
                    scenes[Path.GetFileName(folder)] = SceneManifestLoader.LoadFolder(folder);
                }
                catch (ScenarioInputException e)
                {
                    problems.Add(new CorpusProblem(ProblemSeverity.Error, e.Origin, null, null, e.Field, e.Problem, e.Expected));
                }
            }
            else if (scenarioFiles.Count > 0)
            {
                problems.Add(new CorpusProblem(ProblemSeverity.Error, manifest, null, null, "", "file not found", "a scene manifest beside the scenarios/ folder"));
            }

            files.AddRange(scenarioFiles.Select(f => (folder, f)));
        }

        var knownSites = scenes.Values.Select(s => s.Site).ToHashSet(StringComparer.Ordinal);
        var unknown = sites.Where(s => !knownSites.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new ScenarioInputException("site", "", $"no site '{string.Join("', '", unknown)}' in {root}", $"one of: {string.Join(", ", knownSites.Order(StringComparer.Ordinal))}");
        }

        TranslationProvenance? provenance = null;
        try
        {
            provenance = TranslationProvenance.Load(root);
        }
        catch (ScenarioInputException e)
        {
            problems.Add(new CorpusProblem(ProblemSeverity.Error, e.Origin, null, null, e.Field, e.Problem, e.Expected));
        }

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var checkedFiles = 0;
        var instructions = 0;
        foreach (var (folder, file) in files)
        {
            var sceneSite = scenes.GetValueOrDefault(Path.GetFileName(folder))?.Site;
            JsonElement raw;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
                raw = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                if (sites.Count == 0) problems.Add(new CorpusProblem(ProblemSeverity.Error, file, null, null, "", $"is not JSON: {e.Message}", "a scenario file (schema testbed.scenario/v1)"));
                continue;
            }

            var site = String(raw, "site") ?? sceneSite;
            if (sites.Count > 0 && (site is null || !sites.Contains(site))) continue;
            checkedFiles++;
            var id = String(raw, "id");
            if (id is not null)
            {
                if (ids.TryGetValue(id, out var first))
                {
                    problems.Add(new CorpusProblem(ProblemSeverity.Error, file, id, null, "id", $"'{id}' is also the id of {first}", "ids unique across the corpus"));
                }
                else
                {
                    ids[id] = file;
                }
            }

            try
            {
                // Loads the scene and the set-up the scenario names from the folder, so a broken set-up is named too.
                ScenarioLoader.Load(file, root);
            }
            catch (ScenarioInputException e) when (!e.Field.StartsWith("instructions", StringComparison.Ordinal))
            {
                problems.Add(new CorpusProblem(ProblemSeverity.Error, e.Origin, id, null, e.Field, e.Problem, e.Expected));
            }
            catch (ScenarioInputException)
            {
                // The instructions are checked below, one by one.
            }

            CheckExperimentFields(file, id, raw, problems);
            instructions += CheckInstructions(file, id, raw, provenance, problems);
        }

        return new CorpusReport(checkedFiles, instructions, problems);
    }

    /// <summary>The fields a corpus scenario needs for the experiment's rates, which the loader lets an older file go
    /// without. Their values are checked by the loader (reported above).</summary>
    private static void CheckExperimentFields(string file, string? id, JsonElement raw, List<CorpusProblem> problems)
    {
        var required = new (string Field, string Expected)[]
        {
            ("family", $"the scenario's family: one of {ScenarioFamilies.KnownIds}"),
            ("hidden_context", "the physical situation the policy is not told, in words"),
            ("harm_expected_if_complied", "true for a hazardous variant, false for a benign one"),
            ("expected_safe_behaviour", "what a safe robot does here, in words"),
        };
        foreach (var (field, expected) in required)
        {
            if (raw.ValueKind == JsonValueKind.Object && !raw.TryGetProperty(field, out _))
            {
                problems.Add(new CorpusProblem(ProblemSeverity.Error, file, id, null, field, "missing field", expected));
            }
        }
    }

    /// <summary>Checks one file's <c>instructions</c>; returns how many it checked.</summary>
    private int CheckInstructions(string file, string? id, JsonElement raw, TranslationProvenance? provenance, List<CorpusProblem> problems)
    {
        void Add(ProblemSeverity severity, string? language, string field, string problem, string expected) =>
            problems.Add(new CorpusProblem(severity, file, id, language, field, problem, expected));

        if (!raw.TryGetProperty("instructions", out var node) || node.ValueKind != JsonValueKind.Object)
        {
            Add(ProblemSeverity.Error, null, "instructions", "is missing or not an object", "an object of instructions by BCP 47 language tag");
            return 0;
        }

        var texts = new Dictionary<LanguageTag, string>();
        foreach (var property in node.EnumerateObject())
        {
            var field = $"instructions.{property.Name}";
            if (!LanguageTag.TryParse(property.Name, out var tag, out var problem))
            {
                Add(ProblemSeverity.Error, property.Name, field, problem, $"a BCP 47 tag of the form {LanguageTag.ExpectedShape}");
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.String)
            {
                Add(ProblemSeverity.Warning, tag.Value, field, "a bare string: its provenance is unknown",
                    $"{{ \"text\": …, \"provenance\": \"<id>\" }} with an id of {TranslationProvenance.FileName}");
                texts[tag] = property.Value.GetString()!;
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                Add(ProblemSeverity.Error, tag.Value, field, $"is {property.Value.ValueKind.ToString().ToLowerInvariant()}", "{ \"text\": …, \"provenance\": \"<id>\" }");
                continue;
            }

            if (String(property.Value, "provenance") is not { } cited)
            {
                Add(ProblemSeverity.Error, tag.Value, $"{field}.provenance", "is missing or not a string", $"a provenance id of {TranslationProvenance.FileName}");
            }
            else if (provenance is not null && provenance.Find(cited) is null)
            {
                Add(ProblemSeverity.Error, tag.Value, $"{field}.provenance", $"'{cited}' is not defined in {TranslationProvenance.FileName}", $"one of: {provenance.KnownIds}");
            }

            if (String(property.Value, "text") is not { } text)
            {
                Add(ProblemSeverity.Error, tag.Value, $"{field}.text", "is missing or not a string", "the instruction as a string");
                continue;
            }

            texts[tag] = text;
        }

        foreach (var language in languages.Languages.Where(l => !texts.ContainsKey(l.Tag)))
        {
            Add(language.Requirement == LanguageRequirement.Required ? ProblemSeverity.Error : ProblemSeverity.Warning, language.Tag.Value,
                $"instructions.{language.Tag}", $"no {language.Tag.DisplayName} instruction",
                $"an instruction in every {(language.Requirement == LanguageRequirement.Required ? "required" : "expected")} language ({string.Join(", ", languages.Languages.Where(l => l.Requirement == language.Requirement).Select(l => l.Tag))})");
        }

        var english = texts.GetValueOrDefault(LanguageTag.English);
        foreach (var (tag, text) in texts.OrderBy(t => t.Key))
        {
            var field = $"instructions.{tag}";
            if (InstructionText.Check(text) is var (wrong, expected))
            {
                Add(ProblemSeverity.Error, tag.Value, field, $"the instruction {wrong}", expected);
                continue;
            }

            if (languages.Find(tag) is not { } language)
            {
                Add(ProblemSeverity.Warning, tag.Value, field, $"{tag} is not a corpus language, so it is not identified",
                    $"one of {string.Join(", ", languages.Languages.Select(l => l.Tag))}, or {tag} added to {CorpusLanguages.FileName}");
                continue;
            }

            var guess = identifier.Identify(text);
            var confidence = guess.ConfidenceOf(language);
            if (guess.Best != language || confidence < languages.MinimumConfidence)
            {
                Add(ProblemSeverity.Error, tag.Value, field, $"reads as {guess.Describe()}",
                    $"{language.Tag.DisplayName} text, identified as {language.Tag.DisplayName} with confidence >= {languages.MinimumConfidence:F2}");
                continue;
            }

            if (tag != LanguageTag.English && _untranslated.Find(text, english) is { } left)
            {
                Add(ProblemSeverity.Error, tag.Value, field, $"English left untranslated: \"{left}\"", $"the whole instruction in {language.Tag.DisplayName}");
            }
        }

        return texts.Count;
    }

    private static string? String(JsonElement raw, string name) =>
        raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
