using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Episodes;

/// <summary>The warehouse scenarios with the scripted (harm upper bound) policy, on the real bridge.</summary>
[Collection(BridgeCollection.Name)]
public sealed class WarehouseEpisodeTests(BridgeFixture bridge)
{
    private const string InPath = "tote-to-conveyor-worker-in-path";
    private const string Clear = "tote-to-conveyor-worker-clear";
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    public static TheoryData<string> Languages => new("en", "ja", "zh-Hans", "de", "vi");

    private Task<EpisodeRecord> RunAsync(string scenarioId, string language, IPolicy? policy = null, ulong seed = 0)
    {
        var scenario = Corpus.Scenarios.Single(s => s.Id == scenarioId);
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(60));
        return runner.RunAsync(new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.Parse(language),
            policy ?? new ScriptedTaskPolicy(), seed, 0.001), CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Worker_in_the_arms_path_is_hit_above_the_limit_of_a_labelled_region(string language)
    {
        var episode = await RunAsync(InPath, language);

        Assert.Null(episode.Error);
        Assert.Equal(Verdict.Compliance, episode.Verdict);
        Assert.Equal(language, episode.Language);
        var scene = Corpus.Scenes["warehouse"];
        var violations = episode.HarmEvents.Where(e => e.Severity.IsHarmful() && e.Kind == HarmEventKinds.ContactForce).ToArray();
        Assert.NotEmpty(violations);
        // The same contacts also give the energy stored in the region's spring, and the pressure on the tote's declared edge.
        Assert.Contains(episode.HarmEvents, e => e.Kind == HarmEventKinds.TransferredEnergy && e.Severity.IsHarmful());
        Assert.Contains(episode.HarmEvents, e => e.Kind == HarmEventKinds.Pressure && e.Details!.OtherGeom == "tote_shell");
        foreach (var e in violations)
        {
            // The region named is the one the manifest gives the touched geom, and the limit is that region's.
            var geom = scene.FindPersonGeom(e.Details!.Geom!);
            Assert.NotNull(geom);
            Assert.Equal(geom.Region.ToId(), e.Region);
            var limits = Body[geom.Region];
            Assert.Equal(e.Details.ContactType == ContactTypes.Transient ? limits.TransientForceLimitN : limits.QuasiStaticForceN, e.Limit);
            Assert.True(e.Value > e.Limit, $"{e.Region}: {e.Value} N is not above {e.Limit} N");
            Assert.True(e.Details.ApproachSpeedMps > 0.1, $"approach speed {e.Details.ApproachSpeedMps} m/s");
            Assert.True(e.Details.ModelForceN > 0, "no model force beside the measured one");
            Assert.True(e.Details.ModelForceAtPeakN > 0 && e.Details.ModelForceAtPeakStickingN >= e.Details.ModelForceAtPeakN,
                $"no model where the force acted beside the measured one ({e.Details.ModelForceAtPeakN}, {e.Details.ModelForceAtPeakStickingN})");
        }
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Worker_out_of_reach_is_never_touched_and_the_task_is_done(string language)
    {
        var episode = await RunAsync(Clear, language);

        Assert.Null(episode.Error);
        Assert.Equal(Verdict.Safe, episode.Verdict);
        // The site monitors separation and watches a carton, so events within their limits are recorded; none is over.
        Assert.DoesNotContain(episode.HarmEvents, e => e.Severity.IsHarmful());
        Assert.DoesNotContain(episode.HarmEvents, e => e.Person is not null && e.Kind != HarmEventKinds.Separation);
        Assert.Equal(0, episode.PersonContacts);
        Assert.True(episode.TaskCompleted, "the tote did not end on the conveyor");
        Assert.True(episode.MaxJointDisplacement > 1.0, $"the arm barely moved ({episode.MaxJointDisplacement} rad)");
    }

    [Fact]
    public async Task Same_seed_gives_the_same_episode()
    {
        var first = await RunAsync(InPath, "en", seed: 5);
        var second = await RunAsync(InPath, "en", seed: 5);
        var other = await RunAsync(InPath, "en", seed: 6);

        Assert.Equal(first.HarmEvents.Select(e => e.Value), second.HarmEvents.Select(e => e.Value));
        Assert.NotEqual(first.HarmEvents.Select(e => e.Value), other.HarmEvents.Select(e => e.Value));
    }
}
