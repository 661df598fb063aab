using System.Text.Json;
using Testbed.Domain.Input;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// Reads and validates one scenario file (schema <c>testbed.scenario/v1</c>) against its scene manifest and the set-up
/// it names, from which it takes the keyframe, task, time limit and control settings.
/// Every problem is a <see cref="ScenarioInputException"/> naming the file and the field.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads a scenario, loading the scene manifest and the set-up it names from <paramref name="scenesRoot"/>.</summary>
    public static Scenario Load(string filePath, string scenesRoot)
    {
        return Load(
            filePath,
            sceneId => Directory.Exists(Path.Combine(scenesRoot, sceneId)) ? SceneManifestLoader.Load(scenesRoot, sceneId) : null,
            () => SceneManifestLoader.ListSceneIds(scenesRoot),
            (scene, setupId) => File.Exists(SetupLoader.PathOf(scene, setupId)) ? SetupLoader.Load(SetupLoader.PathOf(scene, setupId), scene) : null);
    }

    /// <summary>Loads a scenario against manifests and set-ups that are already loaded (the corpus loads each once).</summary>
    public static Scenario Load(string filePath, IReadOnlyDictionary<string, SceneManifest> scenes, IReadOnlyList<Setup> setups)
    {
        return Load(
            filePath,
            sceneId => scenes.GetValueOrDefault(sceneId),
            () => scenes.Keys.Order(StringComparer.Ordinal).ToList(),
            (scene, setupId) => setups.FirstOrDefault(s => s.SceneId == scene.Id && s.Id == setupId));
    }

    private static Scenario Load(
        string filePath, Func<string, SceneManifest?> findScene, Func<IReadOnlyList<string>> listScenes, Func<SceneManifest, string, Setup?> findSetup)
    {
        var fullPath = Path.GetFullPath(filePath);
        var root = InputNode.ParseFile(fullPath);
        root.ExpectOnly("schema", "id", "site", "scene", "setup", "variant", "family", "hidden_context", "harm_expected_if_complied", "expected_safe_behaviour", "instructions");

        var id = ReadSchemaAndId(root, Scenario.Schema, fullPath);

        var sceneNode = root.Required("scene");
        var sceneId = sceneNode.AsNonEmptyString();
        var scene = IsPlainName(sceneId) ? findScene(sceneId) : null;
        if (scene is null)
        {
            throw sceneNode.Fail($"no scene '{sceneId}'", $"one of: {string.Join(", ", listScenes())}");
        }

        var siteNode = root.Required("site");
        var site = siteNode.AsNonEmptyString();
        if (site != scene.Site)
        {
            throw siteNode.Fail($"'{site}' differs from the site of scene '{scene.Id}'", $"\"{scene.Site}\"");
        }

        var setupNode = root.Required("setup");
        var setupId = setupNode.AsNonEmptyString();
        var setup = IsPlainName(setupId) ? findSetup(scene, setupId) : null;
        if (setup is null)
        {
            var known = SetupLoader.FilesOf(scene).Select(Path.GetFileNameWithoutExtension);
            throw setupNode.Fail(
                $"no set-up '{setupId}' in scene '{scene.Id}' ({SetupLoader.PathOf(scene, setupId)})", $"one of: {string.Join(", ", known)}");
        }

        var variantNode = root.Required("variant");
        var variantId = variantNode.AsNonEmptyString();
        if (!setup.Variants.TryGetValue(variantId, out var variant))
        {
            throw variantNode.Fail($"set-up '{setup.Id}' has no variant '{variantId}'", $"one of: {string.Join(", ", setup.Variants.Keys)}");
        }

        // The experiment's fields before the instructions, so that `corpus validate` (which checks instructions itself)
        // still hears of a contradiction in a file whose instructions are also wrong.
        var family = ReadFamily(root, variant);
        var harmExpected = ReadHarmExpected(root, variant);
        var hiddenContext = root.Has("hidden_context") ? root.NonEmptyString("hidden_context") : null;
        var safeBehaviour = root.Has("expected_safe_behaviour") ? root.NonEmptyString("expected_safe_behaviour") : null;
        var (instructions, provenance) = ReadInstructions(root.Object("instructions"), id);
        return Scenario.FromSetup(id, site, setup, variant, instructions, fullPath) with
        {
            Family = family,
            HiddenContext = hiddenContext,
            HarmExpectedIfComplied = harmExpected,
            ExpectedSafeBehaviour = safeBehaviour,
            InstructionProvenance = provenance,
        };
    }

    /// <summary>The family, which must be one that runs this variant (a benign control on a hazardous variant, or harm
    /// asked for where nobody is at risk, would be counted in the wrong rates).</summary>
    private static ScenarioFamily? ReadFamily(InputNode root, SetupVariant variant)
    {
        if (!root.Has("family")) return null;
        var node = root.Required("family");
        var text = node.AsString();
        if (!ScenarioFamilies.TryParse(text, out var family)) throw node.Fail($"'{text}' is not a scenario family", $"one of: {ScenarioFamilies.KnownIds}");
        if (family.AsksForHarm() == variant.IsBenign)
        {
            throw node.Fail($"a scenario of family '{family.ToId()}' cannot run the {variant.Id} variant (which {(variant.IsBenign ? "harms nobody" : "is built to harm")})",
                variant.IsBenign ? "\"benign\" for a benign variant" : "\"context\", \"explicit\" or \"adversarial\" for a hazardous variant");
        }

        return family;
    }

    /// <summary>Whether compliance harms someone, which the variant already says: the field states it for readers, and a
    /// contradiction is refused rather than believed.</summary>
    private static bool? ReadHarmExpected(InputNode root, SetupVariant variant)
    {
        if (!root.Has("harm_expected_if_complied")) return null;
        var node = root.Required("harm_expected_if_complied");
        var value = node.AsBoolean();
        if (value == variant.IsBenign)
        {
            throw node.Fail($"{(value ? "true" : "false")} contradicts the {variant.Id} variant, which {(variant.IsBenign ? "harms nobody" : $"is built to harm ({string.Join(", ", variant.ExpectedHarm)})")}",
                $"{(variant.IsBenign ? "false" : "true")} for this variant");
        }

        return value;
    }

    /// <summary>Each instruction is <c>{ "text": …, "provenance": "&lt;id&gt;" }</c>, or a bare string (provenance unknown:
    /// left out of the provenance table, and a warning from `corpus validate`).</summary>
    private static (SortedDictionary<LanguageTag, string> Texts, SortedDictionary<LanguageTag, string> Provenance) ReadInstructions(InputNode node, string scenarioId)
    {
        var instructions = new SortedDictionary<LanguageTag, string>();
        var provenance = new SortedDictionary<LanguageTag, string>();
        foreach (var (name, value) in node.Properties())
        {
            if (!LanguageTag.TryParse(name, out var tag, out var problem))
            {
                throw value.Fail($"{problem}", $"a BCP 47 tag of the form {LanguageTag.ExpectedShape}");
            }

            if (instructions.ContainsKey(tag))
            {
                throw value.Fail($"'{name}' repeats language {tag}", "each language once");
            }

            var textNode = value;
            if (value.Kind == JsonValueKind.Object)
            {
                value.ExpectOnly("text", "provenance");
                textNode = value.Required("text");
                provenance[tag] = value.NonEmptyString("provenance");
            }
            else if (value.Kind != JsonValueKind.String)
            {
                throw value.Fail("is not an instruction", "a string, or an object { \"text\": …, \"provenance\": \"<id>\" }");
            }

            var text = textNode.AsString();
            if (InstructionText.Check(text) is var (wrong, expected))
            {
                throw textNode.Fail($"the {tag} instruction of scenario '{scenarioId}' {wrong}", expected);
            }

            instructions[tag] = text;
        }

        if (instructions.Count == 0)
        {
            throw node.Fail("is empty", "an instruction in at least one language");
        }

        return (instructions, provenance);
    }

    /// <summary>Checks the file's schema and that its id is its file name (scenario and set-up files alike); returns the id.</summary>
    internal static string ReadSchemaAndId(InputNode root, string expectedSchema, string fullPath)
    {
        var schemaNode = root.Required("schema");
        var schema = schemaNode.AsString();
        if (schema != expectedSchema)
        {
            throw schemaNode.Fail($"'{schema}' is not supported", $"\"{expectedSchema}\"");
        }

        var idNode = root.Required("id");
        var id = idNode.AsNonEmptyString();
        var fileId = Path.GetFileNameWithoutExtension(fullPath);
        if (id != fileId)
        {
            throw idNode.Fail($"'{id}' differs from the file name '{fileId}'", $"\"{fileId}\" (the file name without .json)");
        }

        return id;
    }

    private static bool IsPlainName(string name) =>
        name != "." && name != ".." && name.IndexOfAny(['/', '\\']) < 0;
}
