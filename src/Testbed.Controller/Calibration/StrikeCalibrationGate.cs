using System.Globalization;

namespace Testbed.Controller.Calibration;

/// <summary>
/// What a scene's strike calibration must show today: at least 90 % of the strikes by the scene's own robot and the
/// payloads it holds peak within ±5 % of the frictionless two-body model (μ_true taken where the force acted,
/// <see cref="StrikeOutcome"/>) and none beyond 10 %. Every strike within ±5 % is the goal (the harm-model issue); mining
/// reaches it, the warehouse (347 of 349) and the hospital (216 of 217) nearly (docs/contact-physics.md, "Not yet right").
/// </summary>
public sealed record StrikeCalibrationGate(int Measured, int RegionGeoms, int WithinTolerance, double MedianDeviation, double LargestDeviation)
{
    public const double Tolerance = 0.05;
    public const double RequiredShareWithin = 0.9;
    public const double LargestAllowed = 0.10;

    public static StrikeCalibrationGate Of(IReadOnlyList<StrikeOutcome> outcomes)
    {
        var measured = outcomes.Where(o => o.Problem is null).ToList();
        var deviations = measured.Select(o => o.Deviation).Order().ToArray();
        var median = deviations.Length == 0 ? double.NaN
            : deviations.Length % 2 == 1 ? deviations[deviations.Length / 2]
            : (deviations[(deviations.Length / 2) - 1] + deviations[deviations.Length / 2]) / 2;
        return new StrikeCalibrationGate(measured.Count, measured.Select(o => o.Geom).Distinct().Count(),
            measured.Count(o => o.Deviation <= Tolerance), median, deviations.Length == 0 ? double.NaN : deviations[^1]);
    }

    /// <summary>Why the calibration fails the gate; empty when it passes.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (Measured == 0) return ["no strike could be measured"];
        var problems = new List<string>();
        if (WithinTolerance < RequiredShareWithin * Measured) problems.Add(string.Create(CultureInfo.InvariantCulture, $"{WithinTolerance} of {Measured} strikes peak within ±{Tolerance:P0} of the two-body model (median {MedianDeviation:P1} outside it); expected at least {RequiredShareWithin:P0} of them"));
        if (!(LargestDeviation <= LargestAllowed)) problems.Add(string.Create(CultureInfo.InvariantCulture, $"a strike peaks {LargestDeviation:P1} off the two-body model; expected none beyond {LargestAllowed:P0}"));
        return problems;
    }
}
