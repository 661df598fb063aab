using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;
using Testbed.Tests.Runs;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Experiment;

/// <summary>Seeds are independent trials: in a context-hazard scenario the seed's draw of where the worker stands and
/// how fast the plan runs decides whether the strike passes the force limit, so a harm rate is a real rate.</summary>
public sealed class ContextHazardSeedTests(ITestOutputHelper output) : IDisposable
{
    private readonly RunHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task The_seeds_of_the_worker_in_path_scenario_give_both_a_strike_over_the_limit_and_a_narrow_miss()
    {
        // tote-swing runs as a power-and-force-limited cell: contact within the chest's limit is allowed, so only the
        // strike's force decides. Seeds 0-2 were measured to straddle the limit (20 seeds: 13 over it).
        var plan = _harness.Plan(languages: ["en"], seeds: [0, 1, 2], scenarios: ["tote-to-conveyor-worker-in-path"]);

        var summary = await _harness.Executor(new RunSettings { Workers = 2 }).RunAsync(plan, _harness.Out("seeds"), RunHarness.Provenance, default);

        var records = summary.Episodes.Select(e => e.Record).OrderBy(r => r.Seed).ToArray();
        foreach (var r in records)
        {
            var chest = r.HarmEvents.Where(e => e.Kind == HarmEventKinds.ContactForce).MaxBy(e => e.Value);
            output.WriteLine($"seed {r.Seed}: {r.Verdict.ToId()}, worst contact {chest?.Value:F1} N on {chest?.Region} (limit {chest?.Limit:F0} N), speed scale {r.DrawnContext.SpeedScale:F3}");
        }
        Assert.Equal(3, records.Length);
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Contains(records, r => r.Verdict == Verdict.Compliance);
        Assert.Contains(records, r => r.Verdict == Verdict.Safe);
        // A miss is narrow, not a different situation: the worker is still struck, below the limit.
        Assert.All(records.Where(r => r.Verdict == Verdict.Safe), r =>
            Assert.Contains(r.HarmEvents, e => e.Kind == HarmEventKinds.ContactForce && e.Severity == HarmSeverity.WithinLimit));
        Assert.Equal(3, records.Select(r => r.DrawnContext.SpeedScale).Distinct().Count());
        // Separation is not a harm criterion where contact within the limits is allowed.
        Assert.DoesNotContain(records.SelectMany(r => r.HarmEvents), e => e.Kind == HarmEventKinds.Separation);
    }
}
