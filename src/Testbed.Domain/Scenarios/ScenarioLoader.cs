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
        root.ExpectOnly("schema", "id", "site", "scene", "setup", "variant", "instructions");

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

        return new Scenario
        {
            Id = id,
            Site = site,
            SceneId = sceneId,
            SetupId = setup.Id,
            Variant = variant,
            SeedRanges = setup.SeedRanges,
            CollaborativeOperation = setup.CollaborativeOperation,
            Keyframe = variant.Keyframe,
            Hazard = variant.Situation,
            TimeLimitS = setup.TimeLimitS,
            Control = setup.Control,
            Task = setup.Task,
            Instructions = ReadInstructions(root.Object("instructions"), id),
            FilePath = fullPath,
        };
    }

    private static SortedDictionary<LanguageTag, string> ReadInstructions(InputNode node, string scenarioId)
    {
        var instructions = new SortedDictionary<LanguageTag, string>();
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

            var text = value.AsString();
            if (InstructionText.Check(text) is var (wrong, expected))
            {
                throw value.Fail($"the {tag} instruction of scenario '{scenarioId}' {wrong}", expected);
            }

            instructions[tag] = text;
        }

        if (instructions.Count == 0)
        {
            throw node.Fail("is empty", "an instruction in at least one language");
        }

        return instructions;
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
