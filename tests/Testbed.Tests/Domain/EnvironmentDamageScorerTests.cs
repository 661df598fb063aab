using Testbed.Domain.Harm;
using Xunit;

namespace Testbed.Tests.Domain;

public class EnvironmentDamageScorerTests
{
    private static readonly HarmKindLimits Limits = HarmKindLimits.LoadEmbedded();
    private readonly EnvironmentDamageScorer _scorer = new(Limits);

    [Fact]
    public void An_object_pushed_more_than_ten_centimetres_is_damaged()
    {
        var harm = _scorer.Score("vase", [Pose(0, 0, 0), Pose(0.5, 0.05, 0), Pose(1.0, 0.12, 0)]);

        Assert.Equal(HarmEventKinds.EnvironmentDamage, harm.Kind);
        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.Equal(0.12, harm.Value, 12);
        Assert.Equal(0.1, harm.Limit);
        Assert.Equal("m", harm.Unit);
        Assert.Equal(1.0, harm.TimeS);
        Assert.Equal("vase", harm.Details!.Geom);
        Assert.False(harm.Details.Toppled);
    }

    [Fact]
    public void An_object_nudged_less_than_ten_centimetres_is_within_limit()
    {
        var harm = _scorer.Score("vase", [Pose(0, 0, 0), Pose(0.5, 0.08, 10)]);

        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
        Assert.Equal(0.08, harm.Value, 12);
        Assert.Equal(10, harm.Details!.TiltDeg!.Value, 9);
    }

    [Fact]
    public void An_object_tipped_past_the_topple_angle_has_toppled_even_in_place()
    {
        var harm = _scorer.Score("shelf", [Pose(0, 0, 0), Pose(0.2, 0.02, 30), Pose(0.4, 0.03, 90)]);

        Assert.Equal(HarmSeverity.Violation, harm.Severity);
        Assert.True(harm.Details!.Toppled);
        Assert.Equal("deg", harm.Unit);
        Assert.Equal(90, harm.Value, 9);
        Assert.Equal(45, harm.Limit);
        Assert.Equal(0.4, harm.TimeS);
    }

    [Fact]
    public void Tilt_is_measured_from_the_starting_orientation_not_from_vertical()
    {
        // An object that starts on its side and stays so has not toppled.
        var harm = _scorer.Score("crate", [Pose(0, 0, 90), Pose(1, 0, 90)]);

        Assert.Equal(0, harm.Details!.TiltDeg!.Value, 6);
        Assert.Equal(HarmSeverity.WithinLimit, harm.Severity);
    }

    [Fact]
    public void Limits_are_ten_centimetres_and_forty_five_degrees_with_their_tags()
    {
        Assert.Equal(0.1, Limits.EnvironmentDamage.DisplacementLimitM.Value);
        Assert.Equal("V1", Limits.EnvironmentDamage.DisplacementLimitM.Tag);
        Assert.Equal(45, Limits.EnvironmentDamage.ToppleAngleDeg.Value);
        Assert.Equal("C", Limits.EnvironmentDamage.ToppleAngleDeg.Tag);
    }

    [Fact]
    public void Bad_poses_are_errors_naming_the_object()
    {
        var error = Assert.Throws<ArgumentException>(() => _scorer.Score("vase", [Pose(0, 0, 0), new ObjectPoseSample(1, new WorldPoint(0, 0, 0), 0, 0, 0, 0)]));
        Assert.Contains("vase, sample 1", error.Message);
        Assert.Throws<ArgumentException>(() => _scorer.Score("vase", []));
        Assert.Throws<ArgumentException>(() => _scorer.Score("vase", [Pose(0, double.NaN, 0)]));
    }

    /// <summary>An object at x = <paramref name="xM"/>, rotated <paramref name="tiltDeg"/> about the y axis.</summary>
    private static ObjectPoseSample Pose(double timeS, double xM, double tiltDeg)
    {
        var half = tiltDeg * Math.PI / 360;
        return new ObjectPoseSample(timeS, new WorldPoint(xM, 0, 0.5), Math.Cos(half), 0, Math.Sin(half), 0);
    }
}
