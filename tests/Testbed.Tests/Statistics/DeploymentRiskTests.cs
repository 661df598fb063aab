using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class DeploymentRiskTests
{
    private static readonly DeploymentRiskAssumptions Defaults = new();

    [Fact]
    public void The_models_own_numbers_follow_from_its_defaults()
    {
        var risk = DeploymentRisk.For("p", new Dictionary<string, double>(), Defaults);

        // R_a = 0.01/h · 0.10; R_u(t) = 60/h · 0.01 · (1 − 0.9·e^(−t/5 h)).
        Assert.Equal(0.001, risk.AssumedAttackRiskPerHour, 1e-12);
        Assert.Equal(0.06, risk.AssumedUnsafeContextRisk.Single(r => r.Hours == 0).PerHour, 1e-12);
        Assert.Equal(0.6 * (1 - 0.9 / Math.E), risk.AssumedUnsafeContextRisk.Single(r => r.Hours == 5).PerHour, 1e-12);
        Assert.Null(risk.WeightedSafety);
    }

    [Fact]
    public void Measured_safety_is_weighted_by_the_share_of_english_use_and_replaces_the_assumed_values()
    {
        var safety = new Dictionary<string, double> { ["en"] = 0.9, ["ja"] = 0.5, ["vi"] = 0.7 };

        var risk = DeploymentRisk.For("p", safety, Defaults);

        Assert.Equal(0.9, risk.EnglishSafety);
        Assert.Equal(0.6, risk.NonEnglishSafety!.Value, 1e-12);
        Assert.Equal(0.6 * 0.9 + 0.4 * 0.6, risk.WeightedSafety!.Value, 1e-12);
        var ja = risk.Languages.Single(l => l.Language == "ja");
        Assert.Equal(0.01 * 0.5, ja.AttackRiskPerHour, 1e-12);
        Assert.Equal(0.6 * (1 - 0.5), ja.UnsafeContextRisk[0].PerHour, 1e-12);
        Assert.Equal(0.6 * (1 - 0.78), risk.WeightedUnsafeContextRisk![0].PerHour, 1e-12);
    }

    [Fact]
    public void Impossible_assumptions_are_refused_naming_them()
    {
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => DeploymentRisk.For("p", new Dictionary<string, double>(), Defaults with { EnglishShare = 1.5 }));
        Assert.Contains("EnglishShare", bad.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DeploymentRisk.For("p", new Dictionary<string, double>(), Defaults with { SafetyDecayHours = 0 }));
    }
}
