using Testbed.Controller.Calibration;
using Testbed.Domain.Harm;

namespace Testbed.Tests.Physics;

/// <summary>What a clamp against the scenery must show (<see cref="ClampOutcome.Failures"/>): the press joint balanced,
/// the scenery carrying the push back, a real press, no jump. Each rule on its own, by the message a user reads.</summary>
public sealed class ClampGateTests
{
    // The hospital's clamp as measured (thigh 87.3 N; F_s 220 N).
    private static readonly ClampOutcome Measured = new("thigh into the mattress", "patient_thigh_r", BodyRegion.ThighKnee, "gen3_finger_right",
        SettledForceN: 87.3, PushN: 93.5, SceneryShare: 0.965, Scenery: [], ContactTorqueNm: 67.13, WeightTorqueNm: 28.29, ActuatorTorqueNm: 38.96,
        LargestStepN: 2.5, QuasiStaticLimitN: 220, Problem: null);

    [Fact]
    public void The_measured_clamp_passes() => Assert.Empty(Measured.Failures());

    [Theory]
    [InlineData(41.5, "the actuator applies 41.50 but the contacts and the weight load it with 38.84 (ratio 1.068); expected within ±5 %")]
    [InlineData(36.0, "the actuator applies 36.00 but the contacts and the weight load it with 38.84 (ratio 0.927); expected within ±5 %")]
    public void An_actuator_the_contacts_do_not_balance_fails(double actuator, string message) =>
        Assert.Equal(["thigh into the mattress: " + message], (Measured with { ActuatorTorqueNm = actuator }).Failures());

    [Theory]
    [InlineData(0.5, "the scenery carries 50 % of the push back; expected 75 % to 125 % (a clamp, not a push)")]
    [InlineData(1.8, "the scenery carries 180 % of the push back; expected 75 % to 125 % (a clamp, not a push)")]
    public void A_push_the_scenery_does_not_carry_back_fails(double share, string message) =>
        Assert.Equal(["thigh into the mattress: " + message], (Measured with { SceneryShare = share }).Failures());

    [Fact]
    public void A_region_that_gives_way_fails() =>
        Assert.Equal(["thigh into the mattress: the region settled at 6.5 N; expected at least 20 % of F_s = 44.0 N (a region held by the scenery, not giving way)"],
            (Measured with { SettledForceN = 6.5 }).Failures());

    [Fact]
    public void A_jump_fails() =>
        Assert.Equal(["thigh into the mattress: the force jumped by 16.2 N in one step; expected at most 5 % of F_s = 11.0 N"],
            (Measured with { LargestStepN = 16.2 }).Failures());

    [Fact]
    public void A_clamp_that_could_not_be_set_up_fails_with_why() =>
        Assert.Equal(["thigh into the mattress: the robot never touched the person"], (Measured with { Problem = "the robot never touched the person" }).Failures());
}
