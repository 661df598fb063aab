using Testbed.Domain.Input;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// All scenes, set-ups and scenarios under a scenes root (<c>sim-scenes/*/scene.json</c>, <c>sim-scenes/*/setups/*.json</c>
/// and <c>sim-scenes/*/scenarios/*.json</c>), validated together, with content hashes for the run manifest.
/// </summary>
public sealed class ScenarioCorpus
{
    /// <summary>Where a selection's errors say they came from (the selection is not a file).</summary>
    public const string SelectionOrigin = "scenario selection";

    private ScenarioCorpus(
        string root,
        IReadOnlyDictionary<string, SceneManifest> scenes,
        IReadOnlyList<Setup> setups,
        IReadOnlyList<Scenario> scenarios,
        IReadOnlyDictionary<string, string> sceneHashes)
    {
        Root = root;
        Scenes = scenes;
        Setups = setups;
        Scenarios = scenarios;
        SceneHashes = sceneHashes;
        ContentHash = SceneContentHash.OfCorpus(sceneHashes);
    }

    /// <summary>The scenes root (absolute).</summary>
    public string Root { get; }

    /// <summary>Scene manifests by scene id, sorted by id.</summary>
    public IReadOnlyDictionary<string, SceneManifest> Scenes { get; }

    /// <summary>Every set-up of every scene, sorted by scene then id.</summary>
    public IReadOnlyList<Setup> Setups { get; }

    /// <summary>Every scenario, sorted by id.</summary>
    public IReadOnlyList<Scenario> Scenarios { get; }

    /// <summary>SHA-256 (hex) of each scene (scene.json, scenarios, every file its MJCF loads), by scene id.</summary>
    public IReadOnlyDictionary<string, string> SceneHashes { get; }

    /// <summary>SHA-256 (hex) over all scene hashes.</summary>
    public string ContentHash { get; }

    /// <summary>Every language some scenario has, sorted.</summary>
    public IReadOnlyList<LanguageTag> Languages => Scenarios.SelectMany(s => s.Languages).Distinct().Order().ToList();

    public IReadOnlyList<string> Sites => Scenarios.Select(s => s.Site).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Loads every folder of <paramref name="scenesRoot"/> that holds a scene.json, and every scenario in its
    /// scenarios/ folder. A folder with scenarios but no scene.json is an error (its scenarios would silently vanish).
    /// </summary>
    public static ScenarioCorpus Load(string scenesRoot)
    {
        var root = Path.GetFullPath(scenesRoot);
        if (!Directory.Exists(root))
        {
            throw new ScenarioInputException(root, "", "scenes folder not found", "a folder holding one sub-folder per scene");
        }

        var scenes = new SortedDictionary<string, SceneManifest>(StringComparer.Ordinal);
        var scenarioFiles = new List<(string SceneId, string File)>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var sceneId = Path.GetFileName(folder);
            var scenariosFolder = Path.Combine(folder, "scenarios");
            var files = Directory.Exists(scenariosFolder)
                ? Directory.EnumerateFiles(scenariosFolder, "*.json").Order(StringComparer.Ordinal).ToList()
                : [];
            if (!File.Exists(Path.Combine(folder, SceneManifest.FileName)))
            {
                if (files.Count > 0)
                {
                    throw new ScenarioInputException(Path.Combine(folder, SceneManifest.FileName), "", "file not found", "a scene manifest beside the scenarios/ folder");
                }

                continue;
            }

            scenes[sceneId] = SceneManifestLoader.LoadFolder(folder);
            scenarioFiles.AddRange(files.Select(file => (sceneId, file)));
        }

        if (scenes.Count == 0)
        {
            throw new ScenarioInputException(root, "", "holds no scene", $"at least one <scene>/{SceneManifest.FileName}");
        }

        var setups = scenes.Values.SelectMany(scene => SetupLoader.FilesOf(scene).Select(file => SetupLoader.Load(file, scene))).ToList();
        var scenarios = new SortedDictionary<string, Scenario>(StringComparer.Ordinal);
        foreach (var (sceneId, file) in scenarioFiles)
        {
            var scenario = ScenarioLoader.Load(file, scenes, setups);
            if (scenario.SceneId != sceneId)
            {
                // Each scene's hash covers its own scenarios; a scenario filed under another scene would be hashed with the wrong one.
                throw new ScenarioInputException(file, "scene", $"'{scenario.SceneId}' differs from the scene folder the file is in", $"\"{sceneId}\"");
            }

            if (scenarios.TryGetValue(scenario.Id, out var other))
            {
                throw new ScenarioInputException(file, "id", $"scenario '{scenario.Id}' is also defined in {other.FilePath}", "unique scenario ids across all scenes");
            }

            scenarios[scenario.Id] = scenario;
        }

        var hashes = scenes.Keys.ToDictionary(
            id => id,
            id => SceneContentHash.OfScene(
                scenes[id], setups.Where(s => s.SceneId == id).Select(s => s.FilePath).Concat(scenarioFiles.Where(f => f.SceneId == id).Select(f => f.File))),
            StringComparer.Ordinal);
        return new ScenarioCorpus(root, scenes, setups, scenarios.Values.ToList(), hashes);
    }

    /// <summary>
    /// Narrows the corpus. A null filter selects everything. Unknown scenario ids, sites, families or languages fail
    /// with a message listing what exists; so does a selected scenario that lacks a selected language, because the
    /// comparison between languages is paired and a missing cell would break the pairing. A family filter leaves out
    /// scenarios written before families (they have none).
    /// </summary>
    public ScenarioSelection Select(
        IReadOnlyCollection<string>? scenarioIds = null,
        IReadOnlyCollection<string>? sites = null,
        IReadOnlyCollection<string>? languages = null,
        IReadOnlyCollection<string>? families = null)
    {
        IEnumerable<Scenario> selected = Scenarios;

        if (scenarioIds is not null)
        {
            var unknown = scenarioIds.Where(id => Scenarios.All(s => s.Id != id)).ToList();
            if (unknown.Count > 0)
            {
                throw new ScenarioInputException(SelectionOrigin, "scenarios", $"unknown scenario(s) {string.Join(", ", unknown)}", $"one of: {string.Join(", ", Scenarios.Select(s => s.Id))}");
            }

            selected = selected.Where(s => scenarioIds.Contains(s.Id));
        }

        if (sites is not null)
        {
            var unknown = sites.Where(site => !Sites.Contains(site)).ToList();
            if (unknown.Count > 0)
            {
                throw new ScenarioInputException(SelectionOrigin, "sites", $"unknown site(s) {string.Join(", ", unknown)}", $"one of: {string.Join(", ", Sites)}");
            }

            selected = selected.Where(s => sites.Contains(s.Site));
        }

        if (families is not null)
        {
            var chosen = ParseFamilies(families);
            selected = selected.Where(s => s.Family is { } family && chosen.Contains(family));
        }

        var scenarios = selected.ToList();
        if (scenarios.Count == 0)
        {
            throw new ScenarioInputException(SelectionOrigin, "", "the filters select no scenario", "filters that leave at least one scenario");
        }

        var tags = languages is null
            ? scenarios.SelectMany(s => s.Languages).Distinct().Order().ToList()
            : ParseLanguages(languages);

        foreach (var tag in tags)
        {
            var lacking = scenarios.Where(s => !s.HasLanguage(tag)).Select(s => s.Id).ToList();
            if (lacking.Count == scenarios.Count && languages is not null)
            {
                throw new ScenarioInputException(SelectionOrigin, "languages", $"no selected scenario has language {tag}", $"one of: {string.Join(", ", Languages)}");
            }

            if (lacking.Count > 0)
            {
                throw new ScenarioInputException(SelectionOrigin, "languages", $"scenario(s) {string.Join(", ", lacking)} have no {tag} instruction", "every selected scenario to have every selected language (or select fewer languages)");
            }
        }

        return new ScenarioSelection(scenarios, tags);
    }

    private static HashSet<ScenarioFamily> ParseFamilies(IReadOnlyCollection<string> families)
    {
        var unknown = families.Where(f => !ScenarioFamilies.TryParse(f, out _)).ToList();
        if (unknown.Count > 0)
        {
            throw new ScenarioInputException(SelectionOrigin, "families", $"unknown famil{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown)}", $"one of: {ScenarioFamilies.KnownIds}");
        }

        return families.Select(f => ScenarioFamilies.TryParse(f, out var family) ? family : default).ToHashSet();
    }

    private static List<LanguageTag> ParseLanguages(IReadOnlyCollection<string> languages)
    {
        var tags = new List<LanguageTag>();
        foreach (var text in languages)
        {
            if (!LanguageTag.TryParse(text, out var tag, out var problem))
            {
                throw new ScenarioInputException(SelectionOrigin, "languages", problem, $"a BCP 47 tag of the form {LanguageTag.ExpectedShape}");
            }

            if (!tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        return tags;
    }
}
