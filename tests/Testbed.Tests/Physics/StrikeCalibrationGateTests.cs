using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;

namespace Testbed.Tests.Physics;

/// <summary>The gate `testbed scenes validate --calibrate` and `scenes calibrate` apply to a strike calibration.</summary>
public sealed class StrikeCalibrationGateTests
{
    private static StrikeOutcome Strike(string geom, string shape, double speed, double ratio = 1.0) =>
        new("worker", geom, BodyRegion.Chest, shape, speed, "arm_link", speed, 5, 20, 4, 25_000, 100 * ratio, 100, null);

    private static StrikeOutcome Missed(string geom, string shape, double speed) =>
        new("worker", geom, BodyRegion.Chest, shape, speed, null, 0, null, null, 0, 0, 0, 0, "no heading struck it head-on (missed)");

    private static IEnumerable<StrikeOutcome> EveryShapeAndSpeed(string geom, params string[] shapes) =>
        shapes.SelectMany(s => new[] { Strike(geom, s, 0.3), Strike(geom, s, 1.0) });

    [Fact]
    public void Every_strike_within_and_every_geom_struck_at_both_speeds_in_three_shapes_passes()
    {
        var gate = StrikeCalibrationGate.Of([.. EveryShapeAndSpeed("chest", "a", "b", "c"), Strike("chest", "d", 1.0, 1.049), Missed("chest", "d", 0.3)]);

        Assert.Empty(gate.Problems());
        Assert.Equal(7, gate.Measured);
        var chest = Assert.Single(gate.Coverage);
        Assert.Equal((7, 4, 4), (chest.Strikes, chest.Shapes.Count, chest.ShapesTried));
    }

    [Fact]
    public void One_strike_outside_five_percent_fails_and_the_problem_gives_the_largest()
    {
        var gate = StrikeCalibrationGate.Of([.. EveryShapeAndSpeed("chest", "a", "b"), Strike("chest", "c", 0.3, 1.061), Strike("chest", "c", 1.0)]);

        var problem = Assert.Single(gate.Problems());
        Assert.Equal("1 of 6 strikes peak outside ±5 % of the two-body model (the largest 6.1 %); expected every one within", problem);
    }

    [Fact]
    public void A_geom_struck_in_two_of_four_shapes_fails_by_name()
    {
        var gate = StrikeCalibrationGate.Of([.. EveryShapeAndSpeed("chest", "a", "b", "c"), .. EveryShapeAndSpeed("neck", "a", "b"),
            Missed("neck", "c", 0.3), Missed("neck", "c", 1.0), Missed("neck", "d", 0.3), Missed("neck", "d", 1.0), .. EveryShapeAndSpeed("chest", "d")]);

        var problem = Assert.Single(gate.Problems());
        Assert.Equal("neck: struck in 2 arm shape(s) of 4; expected at least 3 shapes and every speed", problem);
    }

    [Fact]
    public void A_geom_never_struck_at_one_speed_fails_though_it_has_three_shapes()
    {
        var gate = StrikeCalibrationGate.Of([Strike("hand", "a", 1.0), Strike("hand", "b", 1.0), Strike("hand", "c", 1.0),
            Missed("hand", "a", 0.3), Missed("hand", "b", 0.3), Missed("hand", "c", 0.3)]);

        Assert.Equal(["hand: struck in 3 arm shape(s) of 3, never at 0.3 m/s; expected at least 3 shapes and every speed"], gate.Problems());
    }

    [Fact]
    public void A_run_of_one_shape_asks_for_that_shape_alone_and_a_geom_never_struck_fails()
    {
        var gate = StrikeCalibrationGate.Of([Strike("chest", "a", 0.3), Strike("chest", "a", 1.0), Missed("skull", "a", 0.3), Missed("skull", "a", 1.0)]);

        Assert.Equal(["skull: not struck cleanly in any arm shape or at any speed"], gate.Problems());
    }

    [Fact]
    public void Nothing_measured_is_one_problem()
    {
        Assert.Equal(["no strike could be measured"], StrikeCalibrationGate.Of([Missed("chest", "a", 0.3)]).Problems());
    }
}
