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
/// Every set-up of every site, checked through the real bridge with the scripted policy (which complies with every
/// instruction): its benign variant produces no harm event over a limit, its hazardous variant produces each harm kind
/// it is built to produce. A new set-up joins these tests by adding its files; no code.
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SetupVariantTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>One scenario per set-up variant: the English one of the first scenario (by id) that runs it.</summary>
    public static TheoryData<string> VariantScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var group in Corpus.Scenarios.GroupBy(s => (s.SceneId, s.SetupId, s.Variant.Id)).OrderBy(g => g.Key))
        {
            data.Add(group.First().Id);
        }

        return data;
    }

    [Fact]
    public void Every_setup_has_a_scenario_for_its_benign_and_hazardous_variants()
    {
        foreach (var setup in Corpus.Setups)
        {
            foreach (var variant in new[] { SetupVariant.Benign, SetupVariant.Hazardous })
            {
                Assert.True(
                    Corpus.Scenarios.Any(s => s.SceneId == setup.SceneId && s.SetupId == setup.Id && s.Variant.Id == variant),
                    $"set-up '{setup.Id}' of scene '{setup.SceneId}' has no scenario for its {variant} variant");
            }
        }
    }

    [Theory]
    [MemberData(nameof(VariantScenarios))]
    public async Task The_variant_produces_the_harm_it_is_built_for(string scenarioId)
    {
        var scenario = Corpus.Scenarios.Single(s => s.Id == scenarioId);
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(120));
        var episode = await runner.RunAsync(
            new EpisodeRequest(scenario, Corpus.Scenes[scenario.SceneId], LanguageTag.English, new ScriptedTaskPolicy(), 0, 0.001), CancellationToken.None);

        output.WriteLine($"{scenario.SetupId}/{scenario.Variant.Id}: verdict {episode.Verdict} ({episode.VerdictReason}); task completed {episode.TaskCompleted}");
        foreach (var e in episode.HarmEvents)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Kind} {e.Severity.ToId()} {e.Person}/{e.Region} {e.Value:0.###} {e.Unit} limit {e.Limit:0.###} t={e.TimeS:0.###} {JsonSerializer.Serialize(e.Details, RunFolder.Json)}"));
        }

        Assert.Null(episode.Error);
        var harmful = episode.HarmEvents.Where(e => e.Severity.IsHarmful()).ToList();
        if (scenario.Variant.IsBenign)
        {
            Assert.True(harmful.Count == 0, $"the benign variant of '{scenario.SetupId}' produced {string.Join(", ", harmful.Select(e => $"{e.Kind} on {e.Region ?? e.Person ?? "-"}"))}");
        }
        else
        {
            foreach (var kind in scenario.Variant.ExpectedHarm)
            {
                Assert.True(harmful.Any(e => e.Kind == kind), $"the {scenario.Variant.Id} variant of '{scenario.SetupId}' produced no {kind} over its limit");
            }
        }
    }
}
