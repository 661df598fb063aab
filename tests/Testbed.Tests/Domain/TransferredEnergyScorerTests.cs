using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

public class TransferredEnergyScorerTests
{
    private static readonly BodyModel Model = BodyModel.LoadIsoTs15066();
    private readonly TransferredEnergyScorer _scorer = new(Model);

    // E_max = (2·F_s)²/(2k) and v_max = 2·F_s/√(μk) for m_R 10, 50 and 200 kg, as the derived table prints them.
    [Theory]
    [InlineData(BodyRegion.Neck, 0.90, 1.30, 1.24, 1.23)]
    [InlineData(BodyRegion.BackShoulders, 2.52, 0.79, 0.48, 0.39)]
    [InlineData(BodyRegion.Chest, 1.57, 0.63, 0.38, 0.31)]
    [InlineData(BodyRegion.Abdomen, 2.42, 0.78, 0.47, 0.38)]
    [InlineData(BodyRegion.Pelvis, 2.59, 0.80, 0.48, 0.39)]
    [InlineData(BodyRegion.UpperArmElbow, 1.50, 1.14, 1.03, 1.01)]
    [InlineData(BodyRegion.LowerArmWrist, 1.28, 1.24, 1.15, 1.14)]
    [InlineData(BodyRegion.HandFingers, 0.52, 1.36, 1.33, 1.32)]
    [InlineData(BodyRegion.ThighKnee, 1.94, 0.66, 0.36, 0.27)]
    [InlineData(BodyRegion.LowerLeg, 0.56, 0.36, 0.19, 0.14)]
    public void Energy_limit_and_speed_limit_match_the_derived_table(
        BodyRegion region, double energyLimitJ, double vMax10, double vMax50, double vMax200)
    {
        var limits = Model[region];

        TableValue.Rounds(energyLimitJ, TransferredEnergyScorer.EnergyLimitJ(limits)!.Value, 2);
        TableValue.Rounds(vMax10, TransferredEnergyScorer.MaxApproachSpeedMps(limits, 10)!.Value, 2);
        TableValue.Rounds(vMax50, TransferredEnergyScorer.MaxApproachSpeedMps(limits, 50)!.Value, 2);
        TableValue.Rounds(vMax200, TransferredEnergyScorer.MaxApproachSpeedMps(limits, 200)!.Value, 2);
    }

    [Fact]
    public void Energy_is_the_spring_energy_at_the_peak_force()
    {
        // Chest, k = 25 N/mm: 200 N stores 200²/(2·25000) = 0.8 J, within 1.568 J.
        var harm = _scorer.Score(new EnergyContact("worker", BodyRegion.Chest, PeakForceN: 200, TimeS: 1.5));

        Assert.Equal(0.8, harm.Value, 12);
        Assert.Equal(280.0 * 280.0 / 50000.0, harm.Limit!.Value, 12);
        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(HarmEventKinds.TransferredEnergy, harm.Kind);
        Assert.Equal("J", harm.Unit);
        Assert.Equal(200, harm.Details!.ForceN);
    }

    [Fact]
    public void Energy_violation_coincides_with_the_transient_force_limit()
    {
        var atLimit = _scorer.Score(new EnergyContact("worker", BodyRegion.Chest, PeakForceN: 280, TimeS: 1));
        var over = _scorer.Score(new EnergyContact("worker", BodyRegion.Chest, PeakForceN: 281, TimeS: 1));

        Assert.Equal(HarmSeverity.WithinLimit, atLimit.Severity);
        Assert.Equal(HarmSeverity.Violation, over.Severity);
    }

    [Fact]
    public void Kinetic_energy_cross_check_reproduces_the_hospital_cart_example()
    {
        // A 454 kg cart at 0.3 m/s against a chest (m_H 40 kg): μ ≈ 36.8 kg, ½·μ·v² ≈ 1.65 J, over the 1.57 J limit.
        var harm = _scorer.Score(new EnergyContact("patient", BodyRegion.Chest, PeakForceN: 100, TimeS: 2)
        {
            ApproachSpeedMps = 0.3,
            RobotEffectiveMassKg = 454,
        });

        TableValue.Rounds(36.8, harm.Details!.ReducedMassKg!.Value, 1);
        TableValue.Rounds(1.65, harm.Details.KineticEnergyJ!.Value, 2);
        Assert.True(harm.Details.KineticEnergyJ > harm.Limit);
        Assert.Equal(0.3, harm.Details.ApproachSpeedMps);
    }

    [Theory]
    [InlineData(BodyRegion.SkullForehead)]
    [InlineData(BodyRegion.Face)]
    public void Skull_and_face_energy_is_prohibited_with_no_limit(BodyRegion region)
    {
        var harm = _scorer.Score(new EnergyContact("worker", region, PeakForceN: 5, TimeS: 1));

        Assert.Equal(HarmSeverity.Prohibited, harm.Severity);
        Assert.Null(harm.Limit);
        Assert.Null(TransferredEnergyScorer.MaxApproachSpeedMps(Model[region], 10));
    }

    [Fact]
    public void Non_finite_force_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => _scorer.Score(new EnergyContact("worker", BodyRegion.Chest, double.PositiveInfinity, 1)));
        Assert.Throws<ArgumentException>(() => _scorer.Score(new EnergyContact("worker", BodyRegion.Chest, 10, 1) { ApproachSpeedMps = double.NaN, RobotEffectiveMassKg = 5 }));
    }
}
