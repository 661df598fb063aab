using System.Globalization;

namespace Testbed.Controller.Calibration;

/// <summary>
/// What a scene's strike calibration must show, as the harm-model issue asks: every strike by the scene's own robot and
/// the payloads it holds peaks within ±5 % of the frictionless two-body model (μ_true taken where the force acted,
/// <see cref="StrikeOutcome"/>), and every region geom tried is struck at every speed tried and in at least three arm
/// shapes (all of them when fewer were tried, as with <c>--shape</c>).
/// </summary>
public sealed record StrikeCalibrationGate(int Measured, int RegionGeoms, int WithinTolerance, double MedianDeviation, double LargestDeviation,
    IReadOnlyList<StrikeCoverage> Coverage)
{
    public const double Tolerance = 0.05;
    public const int RequiredShapes = 3;

    public static StrikeCalibrationGate Of(IReadOnlyList<StrikeOutcome> outcomes)
    {
        var measured = outcomes.Where(o => o.Problem is null).ToList();
        var deviations = measured.Select(o => o.Deviation).Order().ToArray();
        var median = deviations.Length == 0 ? double.NaN
            : deviations.Length % 2 == 1 ? deviations[deviations.Length / 2]
            : (deviations[(deviations.Length / 2) - 1] + deviations[deviations.Length / 2]) / 2;
        var coverage = outcomes.GroupBy(o => o.Geom).Select(g => StrikeCoverage.Of(g.Key, g.ToList())).ToList();
        return new StrikeCalibrationGate(measured.Count, measured.Select(o => o.Geom).Distinct().Count(),
            measured.Count(o => o.Deviation <= Tolerance), median, deviations.Length == 0 ? double.NaN : deviations[^1], coverage);
    }

    /// <summary>Why the calibration fails the gate; empty when it passes.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (Measured == 0) return ["no strike could be measured"];
        var problems = new List<string>();
        if (WithinTolerance < Measured)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Measured - WithinTolerance} of {Measured} strikes peak outside ±{Tolerance:P0} of the two-body model (the largest {LargestDeviation:P1}); expected every one within"));
        }
        foreach (var geom in Coverage.Where(c => c.Problem is not null)) problems.Add($"{geom.Geom}: {geom.Problem}");
        return problems;
    }
}

/// <summary>How one region geom was struck: in which arm shapes and at which speeds, of those tried.</summary>
public sealed record StrikeCoverage(string Geom, int Strikes, IReadOnlyList<string> Shapes, int ShapesTried, IReadOnlyList<double> SpeedsMps,
    IReadOnlyList<double> SpeedsTriedMps)
{
    public static StrikeCoverage Of(string geom, IReadOnlyList<StrikeOutcome> outcomes)
    {
        var measured = outcomes.Where(o => o.Problem is null).ToList();
        return new StrikeCoverage(geom, measured.Count, measured.Select(o => o.Shape).Distinct().ToList(), outcomes.Select(o => o.Shape).Distinct().Count(),
            measured.Select(o => o.TargetSpeedMps).Distinct().Order().ToList(), outcomes.Select(o => o.TargetSpeedMps).Distinct().Order().ToList());
    }

    /// <summary>Why this geom's coverage falls short of the gate; null when it does not.</summary>
    public string? Problem
    {
        get
        {
            if (Strikes == 0) return "not struck cleanly in any arm shape or at any speed";
            var shapesNeeded = Math.Min(StrikeCalibrationGate.RequiredShapes, ShapesTried);
            var missing = SpeedsTriedMps.Except(SpeedsMps).ToList();
            if (Shapes.Count < shapesNeeded || missing.Count > 0)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"struck in {Shapes.Count} arm shape(s) of {ShapesTried}{(missing.Count > 0 ? $", never at {string.Join(" or ", missing)} m/s" : "")}; expected at least {shapesNeeded} shapes and every speed");
            }
            return null;
        }
    }
}
