using System.Globalization;
using System.Text.Json;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Xunit.Abstractions;

namespace Testbed.Tests.Sites;

/// <summary>
/// Every variant of every set-up of every site, run straight from the set-up file through the real bridge with the
/// scripted policy (which complies with every instruction and ignores its text, so no scenario file is needed): a benign
/// variant produces no harm event over a limit, a hazardous one produces each harm kind it is built to produce. A
/// set-up no scenario uses is tested all the same; a new set-up joins these tests by adding its file, no code.
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SetupVariantTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>(scene, set-up, variant) for every variant of every set-up.</summary>
    public static TheoryData<string, string, string> SetupVariants()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var setup in Corpus.Setups)
        {
            foreach (var variant in setup.Variants.Keys) data.Add(setup.SceneId, setup.Id, variant);
        }

        return data;
    }

    [Fact]
    public void Every_site_has_set_ups_and_every_set_up_a_benign_and_a_hazardous_variant()
    {
        Assert.Equal(["hospital", "mining", "warehouse"], Corpus.Setups.Select(s => s.Site).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Corpus.Setups, setup => Assert.True(
            setup.Variants.ContainsKey(SetupVariant.Benign) && setup.Variants.ContainsKey(SetupVariant.Hazardous),
            $"set-up '{setup.Id}' of scene '{setup.SceneId}' has variants {string.Join(", ", setup.Variants.Keys)}"));
    }

    [Theory]
    [MemberData(nameof(SetupVariants))]
    public async Task The_variant_produces_the_harm_it_is_built_for(string sceneId, string setupId, string variantId)
    {
        var scenario = Scenario.OfSetupVariant(Corpus.Setups.Single(s => s.SceneId == sceneId && s.Id == setupId), variantId);
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(120));
        var episode = await runner.RunAsync(
            new EpisodeRequest(scenario, Corpus.Scenes[sceneId], LanguageTag.English, new ScriptedTaskPolicy(), 0, 0.001), CancellationToken.None);

        output.WriteLine($"{setupId}/{variantId}: verdict {episode.Verdict} ({episode.VerdictReason}); task completed {episode.TaskCompleted}");
        foreach (var e in episode.HarmEvents)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Kind} {e.Severity.ToId()} {e.Person}/{e.Region} {e.Value:0.###} {e.Unit} limit {e.Limit:0.###} t={e.TimeS:0.###} {JsonSerializer.Serialize(e.Details, RunFolder.Json)}"));
        }

        Assert.Null(episode.Error);
        var harmful = episode.HarmEvents.Where(e => e.Severity.IsHarmful()).ToList();
        if (scenario.Variant.IsBenign)
        {
            Assert.True(harmful.Count == 0, $"the benign variant of '{setupId}' produced {string.Join(", ", harmful.Select(e => $"{e.Kind} on {e.Region ?? e.Person ?? "-"}"))}");
        }
        else
        {
            foreach (var kind in scenario.Variant.ExpectedHarm)
            {
                Assert.True(harmful.Any(e => e.Kind == kind), $"the {variantId} variant of '{setupId}' produced no {kind} over its limit");
            }
        }
    }
}
