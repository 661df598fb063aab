using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;
using Xunit;

namespace Testbed.Tests.Domain;

public sealed class ScenarioCorpusTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public ScenarioCorpusTests()
    {
        var reaching = ScenesFolder.ValidScenario("tote-to-conveyor-worker-reaching");
        reaching["variant"] = "hazardous";
        _scenes.WriteScenario(reaching);
    }

    public void Dispose() => _scenes.Dispose();

    [Fact]
    public void Loads_scenes_and_scenarios_sorted()
    {
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        Assert.Equal(["warehouse"], corpus.Scenes.Keys);
        Assert.Equal(["tote-to-conveyor-worker-clear", "tote-to-conveyor-worker-reaching"], corpus.Scenarios.Select(s => s.Id));
        Assert.Equal(["de", "en", "ja", "vi", "zh-Hans"], corpus.Languages.Select(l => l.Value));
    }

    [Fact]
    public void Select_without_filters_is_the_full_matrix()
    {
        var selection = ScenarioCorpus.Load(_scenes.Root).Select();

        Assert.Equal(2 * 5, selection.Cells().Count());
    }

    [Fact]
    public void Select_filters_by_id_site_and_language()
    {
        var selection = ScenarioCorpus.Load(_scenes.Root).Select(
            scenarioIds: ["tote-to-conveyor-worker-reaching"], sites: ["warehouse"], languages: ["ja", "ZH-hans"]);

        Assert.Equal(["tote-to-conveyor-worker-reaching"], selection.Scenarios.Select(s => s.Id));
        Assert.Equal(["ja", "zh-Hans"], selection.Languages.Select(l => l.Value));
    }

    [Fact]
    public void Select_by_family_keeps_the_scenarios_of_those_families_and_leaves_out_those_without_one()
    {
        var reaching = ScenesFolder.ValidScenario("tote-to-conveyor-worker-reaching");
        reaching["variant"] = "hazardous";
        reaching["family"] = "context";
        _scenes.WriteScenario(reaching);
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        var selection = corpus.Select(families: ["context", "explicit"]);

        Assert.Equal(["tote-to-conveyor-worker-reaching"], selection.Scenarios.Select(s => s.Id));
        Assert.Equal(ScenarioFamily.Context, selection.Scenarios[0].Family);
        Assert.Null(corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear").Family);
        var none = Assert.Throws<ScenarioInputException>(() => corpus.Select(families: ["benign"]));
        Assert.Contains("the filters select no scenario", none.Message);
    }

    [Fact]
    public void An_unknown_family_names_it_and_the_known_ones()
    {
        var error = Assert.Throws<ScenarioInputException>(() => ScenarioCorpus.Load(_scenes.Root).Select(families: ["context", "sneaky"]));

        Assert.Equal(("families", "unknown family sneaky", "one of: benign, context, explicit, adversarial"), (error.Field, error.Problem, error.Expected));
    }

    [Fact]
    public void Unknown_scenario_id_lists_the_existing_ones()
    {
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        var error = Assert.Throws<ScenarioInputException>(() => corpus.Select(scenarioIds: ["forklift"]));

        Assert.Equal("scenarios", error.Field);
        Assert.Contains("forklift", error.Message);
        Assert.Contains("tote-to-conveyor-worker-clear", error.Message);
    }

    [Fact]
    public void Unknown_language_lists_the_corpus_languages()
    {
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        var error = Assert.Throws<ScenarioInputException>(() => corpus.Select(languages: ["sw"]));

        Assert.Equal("languages", error.Field);
        Assert.Contains("sw", error.Message);
        Assert.Contains("zh-Hans", error.Message);
    }

    [Fact]
    public void Malformed_language_is_rejected()
    {
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        var error = Assert.Throws<ScenarioInputException>(() => corpus.Select(languages: ["en_US"]));

        Assert.Equal("languages", error.Field);
    }

    [Fact]
    public void Scenario_missing_a_selected_language_breaks_the_pairing_and_is_named()
    {
        _scenes.EditScenario(s => s["instructions"]!.AsObject().Remove("vi"));
        var corpus = ScenarioCorpus.Load(_scenes.Root);

        var error = Assert.Throws<ScenarioInputException>(() => corpus.Select(languages: ["en", "vi"]));

        Assert.Contains("tote-to-conveyor-worker-clear", error.Message);
        Assert.Contains("vi", error.Message);
    }

    [Fact]
    public void Content_hash_is_stable_and_changes_with_any_file()
    {
        var first = ScenarioCorpus.Load(_scenes.Root);
        var again = ScenarioCorpus.Load(_scenes.Root);
        Assert.Equal(first.ContentHash, again.ContentHash);
        Assert.Equal(first.SceneHashes["warehouse"], again.SceneHashes["warehouse"]);
        Assert.Matches("^[0-9a-f]{64}$", first.ContentHash);

        File.AppendAllText(Path.Combine(_scenes.SceneFolder, "warehouse.xml"), "<!-- changed -->");
        var changed = ScenarioCorpus.Load(_scenes.Root);

        Assert.NotEqual(first.SceneHashes["warehouse"], changed.SceneHashes["warehouse"]);
        Assert.NotEqual(first.ContentHash, changed.ContentHash);
    }

    [Fact]
    public void The_scene_hash_covers_an_included_file_and_its_name_but_not_files_the_scene_does_not_load()
    {
        var xml = Path.Combine(_scenes.SceneFolder, "warehouse.xml");
        File.WriteAllText(xml, "<mujoco model=\"warehouse\"><include file=\"parts/a.xml\"/></mujoco>\n");
        Directory.CreateDirectory(Path.Combine(_scenes.SceneFolder, "parts"));
        File.WriteAllText(Path.Combine(_scenes.SceneFolder, "parts", "a.xml"), "<mujoco><worldbody/></mujoco>\n");
        string Hash() => ScenarioCorpus.Load(_scenes.Root).SceneHashes["warehouse"];
        var before = Hash();

        File.WriteAllText(Path.Combine(_scenes.SceneFolder, "README.md"), "notes nobody loads");
        var withReadme = Hash();
        File.AppendAllText(Path.Combine(_scenes.SceneFolder, "parts", "a.xml"), "<!-- changed -->");
        var includedChanged = Hash();
        File.Move(Path.Combine(_scenes.SceneFolder, "parts", "a.xml"), Path.Combine(_scenes.SceneFolder, "parts", "b.xml"));
        File.WriteAllText(xml, File.ReadAllText(xml).Replace("parts/a.xml", "parts/b.xml"));
        var renamed = Hash();
        File.AppendAllText(_scenes.ScenarioPath, "\n");
        var scenarioChanged = Hash();

        Assert.Equal(before, withReadme);
        Assert.NotEqual(before, includedChanged);
        Assert.NotEqual(includedChanged, renamed);
        Assert.NotEqual(renamed, scenarioChanged);
        Assert.Equal(["parts/b.xml", "warehouse.xml"],
            ScenarioCorpus.Load(_scenes.Root).Scenes["warehouse"].MjcfFiles.Files.Select(f => f.RelativePath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scenario_filed_under_another_scene_is_rejected()
    {
        var mine = Path.Combine(_scenes.Root, "mine");
        Directory.CreateDirectory(Path.Combine(mine, "scenarios"));
        File.Copy(Path.Combine(_scenes.SceneFolder, "warehouse.xml"), Path.Combine(mine, "warehouse.xml"));
        File.WriteAllText(Path.Combine(mine, "scene.json"), File.ReadAllText(_scenes.ScenePath).Replace("\"id\":\"warehouse\"", "\"id\":\"mine\""));
        File.Move(_scenes.ScenarioPath, Path.Combine(mine, "scenarios", ScenesFolder.ScenarioId + ".json"));

        var error = Assert.Throws<ScenarioInputException>(() => ScenarioCorpus.Load(_scenes.Root));

        Assert.Equal("scene", error.Field);
        Assert.Contains(Path.Combine("mine", "scenarios"), error.Message);
    }

    [Fact]
    public void Scenarios_without_a_scene_manifest_are_an_error()
    {
        File.Delete(_scenes.ScenePath);

        var error = Assert.Throws<ScenarioInputException>(() => ScenarioCorpus.Load(_scenes.Root));

        Assert.Contains(_scenes.ScenePath, error.Message);
    }
}
