using System.Text.Json.Nodes;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.People;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.People;

/// <summary>Every geom of every body of a person must carry a body region, or the scene is refused: a geom without
/// one could be struck (even on the skull) and nothing would be recorded. Run through the real bridge and runner on
/// a copy of the warehouse broken in one place.</summary>
public sealed class PersonSceneCheckTests
{
    private static async Task<EpisodeRecord> RunClearEpisodeAsync(Action<string> breakScene)
    {
        var root = Path.Combine(Path.GetTempPath(), "testbed-person-check-" + Guid.NewGuid().ToString("N"));
        var source = Path.Combine(BridgeFixture.ScenesRoot, "warehouse");
        var target = Path.Combine(root, "warehouse");
        try
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
            breakScene(target);
            await using var server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = root });
            using var connection = await BridgeConnection.ConnectAsync(server.Address.ToString(), TimeSpan.FromSeconds(10));
            var corpus = ScenarioCorpus.Load(root);
            var scenario = corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
            var runner = new EpisodeRunner(connection.Client, BodyModel.LoadIsoTs15066(), TimeSpan.FromSeconds(60));
            return await runner.RunAsync(new EpisodeRequest(scenario, corpus.Scenes["warehouse"], LanguageTag.Parse("en"), new ScriptedTaskPolicy(), 0, 0), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_geom_added_to_a_person_body_without_a_region_makes_the_episode_an_error_naming_it()
    {
        var episode = await RunClearEpisodeAsync(folder =>
        {
            var path = Path.Combine(folder, "worker.xml");
            var xml = File.ReadAllText(path);
            var thorax = xml.IndexOf("<body name=\"worker_thorax\"", StringComparison.Ordinal);
            var lineEnd = xml.IndexOf('\n', thorax);
            File.WriteAllText(path, xml.Insert(lineEnd + 1,
                "          <geom name=\"worker_badge\" type=\"box\" pos=\"0.12 0 0.2\" size=\"0.02 0.03 0.01\" contype=\"2\" conaffinity=\"13\"/>\n"));
        });

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("warehouse.xml", episode.Error);
        Assert.Contains("person 'worker'", episode.Error);
        Assert.Contains("body 'worker_thorax'", episode.Error);
        Assert.Contains("geom 'worker_badge'", episode.Error);
    }

    [Fact]
    public async Task A_manifest_that_lists_regions_but_leaves_out_skull_face_and_neck_is_refused()
    {
        var episode = await RunClearEpisodeAsync(folder =>
        {
            // The hand-listed form of the same person, with the head's geoms left out (the reproduction in issue 5).
            var path = Path.Combine(folder, "scene.json");
            var scene = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var person = PersonBody.Build(Anthropometry.LoadDeLeva1996(), "worker", 1.75, 75);
            var regions = new JsonArray();
            foreach (var g in person.RegionGeoms().Where(g => g.Geom is not ("worker_skull" or "worker_face" or "worker_neck")))
            {
                regions.Add(new JsonObject { ["geom"] = g.Geom, ["body"] = g.Body, ["region"] = g.Region.ToId() });
            }
            scene["people"] = new JsonArray(new JsonObject { ["id"] = "worker", ["role"] = "warehouse worker", ["root_body"] = "worker", ["regions"] = regions });
            File.WriteAllText(path, scene.ToJsonString());
        });

        Assert.Equal(Verdict.Error, episode.Verdict);
        foreach (var geom in new[] { "worker_skull", "worker_face", "worker_neck" })
        {
            Assert.Contains($"body 'worker_head' geom '{geom}' carries no body region", episode.Error);
        }
    }
}
