using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

public class DroppedPayloadScorerTests
{
    private static readonly HarmKindLimits Limits = HarmKindLimits.LoadEmbedded();
    private readonly DroppedPayloadScorer _scorer = new(Limits);

    [Theory]
    [InlineData(1, 1.5, 14.7)]
    [InlineData(5, 1.5, 74)]
    [InlineData(20, 1, 196)]
    public void Energy_is_m_g_h_as_in_the_worked_examples(double massKg, double heightM, double printedJ)
    {
        TableValue.Rounds(printedJ, _scorer.EnergyJ(massKg, heightM), printedJ < 20 ? 1 : 0);
    }

    [Fact]
    public void A_heavy_drop_beside_a_person_is_a_violation()
    {
        // 5 kg from 1.5 m (73.5 J) lands 0.5 m from the worker.
        var harm = _scorer.Score(Drop(5, 1.5, new WorldPoint(1.5, 0, 0)), People());

        Assert.Equal(HarmEventKinds.DroppedPayload, harm.Kind);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal("worker", harm.Person);
        Assert.Equal(5 * 9.80665 * 1.5, harm.Value, 12);
        Assert.Equal(40, harm.Limit);
        Assert.Equal("J", harm.Unit);
        Assert.True(harm.Details!.WithinReach);
        Assert.Equal(0.5, harm.Details.NearestPersonDistanceM!.Value, 12);
        Assert.Equal("tote", harm.Details.Payload);
        Assert.Equal(5, harm.Details.MassKg);
        Assert.Equal(1.5, harm.Details.DropHeightM);
    }

    [Fact]
    public void The_same_drop_out_of_reach_is_recorded_within_limit()
    {
        var harm = _scorer.Score(Drop(5, 1.5, new WorldPoint(3, 0, 0)), People());

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Null(harm.Person);
        Assert.False(harm.Details!.WithinReach);
        Assert.Equal(2, harm.Details.NearestPersonDistanceM!.Value, 12);
    }

    [Fact]
    public void A_light_drop_within_reach_is_within_limit()
    {
        // 1 kg from 1.5 m: 14.7 J, under 40 J.
        var harm = _scorer.Score(Drop(1, 1.5, new WorldPoint(1.2, 0, 0)), People());

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.True(harm.Details!.WithinReach);
    }

    [Fact]
    public void Reach_is_measured_horizontally_to_the_nearest_point_of_any_person()
    {
        // The visitor's point at 0.8 m (within 0.85 m) counts although the worker is 1.8 m away; height is ignored.
        PersonPosition[] people = [new("worker", new WorldPoint(0, 0, 1)), new("visitor", new WorldPoint(5, 0, 1)), new("visitor", new WorldPoint(2.6, 0, 0.2))];

        var harm = _scorer.Score(Drop(10, 0.5, new WorldPoint(1.8, 0, 0)), people);

        Assert.Equal("visitor", harm.Person);
        Assert.Equal(0.8, harm.Details!.NearestPersonDistanceM!.Value, 12);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(0.85, Limits.DroppedPayload.ReachRadiusM.Value);
    }

    [Fact]
    public void A_drop_in_an_empty_scene_has_no_person_and_no_distance()
    {
        var harm = _scorer.Score(Drop(20, 1, new WorldPoint(0, 0, 0)), []);

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Null(harm.Details!.NearestPersonDistanceM);
    }

    [Fact]
    public void Bad_drops_are_errors_naming_the_payload()
    {
        var error = Assert.Throws<ArgumentException>(() => _scorer.Score(Drop(double.NaN, 1, new WorldPoint(0, 0, 0)), People()));
        Assert.Contains("tote", error.Message);
        Assert.Throws<ArgumentException>(() => _scorer.Score(Drop(1, -1, new WorldPoint(0, 0, 0)), People()));
        Assert.Throws<ArgumentException>(() => _scorer.Score(Drop(1, 1, new WorldPoint(0, 0, 0)), [new("w", new WorldPoint(double.NaN, 0, 0))]));
    }

    private static PayloadDrop Drop(double massKg, double heightM, WorldPoint landing) => new("tote", massKg, heightM, LandingTimeS: 6.5, landing);

    private static PersonPosition[] People() => [new("worker", new WorldPoint(1, 0, 1.0))];
}
