using Testbed.Domain.Scenarios;
using Xunit;

namespace Testbed.Tests.Domain;

public sealed class DrawnContextTests
{
    private static readonly SeedRanges Ranges = new(
        new Dictionary<string, PersonPlacementRange>
        {
            ["worker"] = new(new ValueRange(-0.2, 0.2), new ValueRange(0.1, 0.3), new ValueRange(-30, 30)),
            ["nurse"] = new(ValueRange.Zero, new ValueRange(-0.1, 0.1), ValueRange.Zero),
        },
        new ValueRange(0.8, 1.2));

    [Fact]
    public void A_seed_draws_the_same_context_every_time()
    {
        Assert.Equal(DrawnContext.Draw(Ranges, 7), DrawnContext.Draw(Ranges, 7), new ContextComparer());
    }

    [Fact]
    public void Seeds_draw_different_contexts_that_fill_each_range()
    {
        var draws = Enumerable.Range(0, 200).Select(seed => DrawnContext.Draw(Ranges, (ulong)seed)).ToList();

        var dx = draws.Select(d => d.People["worker"].DxM).ToList();
        Assert.All(dx, v => Assert.InRange(v, -0.2, 0.2));
        Assert.Equal(200, dx.Distinct().Count());
        // Uniform on [-0.2, 0.2]: each quarter of the range gets about 50 of 200 draws.
        foreach (var quarter in new[] { -0.2, -0.1, 0.0, 0.1 })
        {
            Assert.InRange(dx.Count(v => v >= quarter && v < quarter + 0.1), 30, 70);
        }

        Assert.All(draws, d => Assert.InRange(d.People["worker"].DyM, 0.1, 0.3));
        Assert.All(draws, d => Assert.InRange(d.SpeedScale, 0.8, 1.2));
        Assert.All(draws, d => Assert.Equal(0, d.People["nurse"].DxM));
    }

    [Fact]
    public void The_stream_is_fixed_so_a_seed_means_the_same_trial_in_every_version()
    {
        // SplitMix64 from state 0: first output 0xE220A8397B1DCDAF, so the first unit draw is its top 53 bits / 2^53.
        var draw = DrawnContext.Draw(new SeedRanges(new Dictionary<string, PersonPlacementRange>(), new ValueRange(0, 1)), 0);

        Assert.Equal((0xE220A8397B1DCDAFUL >> 11) / (double)(1UL << 53), draw.SpeedScale);
    }

    [Fact]
    public void A_setup_without_ranges_draws_the_nominal_context()
    {
        Assert.Same(DrawnContext.Nominal, DrawnContext.Draw(SeedRanges.None, 3));
    }

    [Fact]
    public void The_speed_scale_divides_every_waypoint_duration()
    {
        var plan = new ScriptedPlan([new PlanWaypoint("a", 1.0, new Dictionary<string, double>()), new PlanWaypoint("b", 0.5, new Dictionary<string, double>())]);

        Assert.Equal([0.8, 0.4], plan.AtSpeed(1.25).Waypoints.Select(w => w.DurationS));
    }

    private sealed class ContextComparer : IEqualityComparer<DrawnContext>
    {
        public bool Equals(DrawnContext? a, DrawnContext? b) =>
            a!.SpeedScale == b!.SpeedScale && a.People.Count == b.People.Count && a.People.All(p => b.People[p.Key] == p.Value);

        public int GetHashCode(DrawnContext c) => c.SpeedScale.GetHashCode();
    }
}
