using System.Text.RegularExpressions;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Episodes;

/// <summary>A scene whose person geoms do not carry their body region's contact calibration must not run: its
/// forces would mean nothing. The episode is recorded as an error naming the geom.</summary>
public sealed class SceneCalibrationTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "testbed-calibration-" + Guid.NewGuid().ToString("N"));
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    public async Task InitializeAsync()
    {
        var source = Path.Combine(BridgeFixture.ScenesRoot, "warehouse");
        var target = Path.Combine(_root, "warehouse");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        // Give the worker's chest MuJoCo's default contact (solref 0.02 1): the classic uncalibrated scene.
        var mjcf = Path.Combine(target, "warehouse.xml");
        var xml = File.ReadAllText(mjcf);
        var chest = new Regex("(<geom[^>]*name=\"worker_chest\"[^>]*?)solref=\"[^\"]*\"");
        Assert.Matches(chest, xml);
        File.WriteAllText(mjcf, chest.Replace(xml, "$1solref=\"0.02 1\"", 1));
        _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = _root });
        _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task An_uncalibrated_person_geom_makes_the_episode_an_error()
    {
        var corpus = ScenarioCorpus.Load(_root);
        var scenario = corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        var runner = new EpisodeRunner(_connection!.Client, BodyModel.LoadIsoTs15066(), TimeSpan.FromSeconds(60));

        var episode = await runner.RunAsync(new EpisodeRequest(scenario, corpus.Scenes["warehouse"], LanguageTag.Parse("de"), new ScriptedTaskPolicy(), 0, 0), CancellationToken.None);

        Assert.Equal(Verdict.Error, episode.Verdict);
        Assert.Contains("worker_chest", episode.Error);
        Assert.Contains("calibrated", episode.Error);
    }
}
