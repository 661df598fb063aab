using System.Globalization;
using System.Text;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Calibration;

/// <summary>
/// A strike calibration written as the Markdown the scene READMEs carry: the gate's summary, how each region geom was
/// covered (strikes, arm shapes, speeds), one row per measured strike
/// (who struck what, how fast, the masses, the peak against the frictionless two-body model), then every
/// strike that could not be set up, with why.
/// </summary>
public static class StrikeCalibrationTable
{
    public static string Markdown(IReadOnlyList<StrikeOutcome> outcomes)
    {
        var text = new StringBuilder();
        var gate = StrikeCalibrationGate.Of(outcomes);
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{gate.Measured} strikes measured on {gate.RegionGeoms} region geoms; {gate.WithinTolerance} within ±{StrikeCalibrationGate.Tolerance:P0}, median {gate.MedianDeviation:P1} and largest {gate.LargestDeviation:P1} off the model."));
        text.AppendLine();
        text.AppendLine("| region geom | strikes | arm shapes struck | speeds struck (m/s) | meets the gate |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var c in gate.Coverage)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Geom} | {c.Strikes} | {c.Shapes.Count} of {c.ShapesTried} | {(c.SpeedsMps.Count > 0 ? string.Join(", ", c.SpeedsMps) : "none")} | {(c.Problem is null ? "yes" : "no")} |"));
        }
        text.AppendLine();
        text.AppendLine("| region geom | region | arm shape | struck by | v (m/s) | m_R / m_H at first touch (kg) | μ_true where the force acted (kg) | μ while the force rose (kg) | peak (N) | model (N) | measured ÷ model | contact points | ÷ first-point model | within ±5 % |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var o in outcomes.Where(o => o.Problem is null))
        {
            var within = o.Deviation <= StrikeCalibrationGate.Tolerance ? "yes" : string.Create(CultureInfo.InvariantCulture, $"no ({o.Deviation:P1})");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {o.Geom} | {o.Region.ToId()} | {o.Shape} | {o.RobotGeom} | {o.ApproachSpeedMps:0.000} | {Mass(o.RobotMassKg)} / {Mass(o.PersonMassKg)} | {o.ReducedMassKg:0.000} | {o.RiseLightestKg:0.000}–{o.RiseHeaviestKg:0.000} | {o.PeakForceN:0.0} | {o.ModelForceN:0.0} | {o.Ratio:0.000} | {o.ContactPoints} | {o.FirstPointRatio:0.000} | {within} |"));
        }
        var unmeasured = outcomes.Where(o => o.Problem is not null).ToList();
        if (unmeasured.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Not struck cleanly:");
            text.AppendLine();
            foreach (var o in unmeasured)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {o.Geom} ({o.Region.ToId()}), {o.Shape}, {o.TargetSpeedMps} m/s: {o.Problem}"));
            }
        }
        return text.ToString();
    }

    /// <summary>The clamps of a strike plan as the scene READMEs carry them: one row per clamp, then why any failed.</summary>
    public static string ClampMarkdown(IReadOnlyList<ClampOutcome> clamps)
    {
        var text = new StringBuilder();
        text.AppendLine("| clamp | region geom | pressed by | region's settled force (N) | the robot's whole push (N) | scenery carries | press joint (N m): contacts − weight = load / actuator | actuator ÷ load | largest step (N, of F_s) | meets the gate |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in clamps.Where(c => c.Problem is null))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.Geom} | {c.RobotGeom} | {c.SettledForceN:0.0} | {c.PushN:0.0} | {c.SceneryShare:P1} | {c.ContactTorqueNm:0.00} − {c.WeightTorqueNm:0.00} = {c.LoadTorqueNm:0.00} / {c.ActuatorTorqueNm:0.00} | {c.Ratio:0.000} | {c.LargestStepN:0.00} ({c.LargestStepN / c.QuasiStaticLimitN:P1}) | {(c.Failures().Count == 0 ? "yes" : "no")} |"));
        }
        var failures = clamps.SelectMany(c => c.Failures()).ToList();
        if (failures.Count > 0)
        {
            text.AppendLine();
            foreach (var failure in failures) text.AppendLine($"- {failure}");
        }
        return text.ToString();
    }

    /// <summary>One line per clamp, for progress.</summary>
    public static string Line(ClampOutcome c) => c.Problem is null
        ? string.Create(CultureInfo.InvariantCulture,
            $"clamp: {c.Name}: {c.Geom} {c.SettledForceN:0.0} N by {c.RobotGeom}, scenery carries {c.SceneryShare:P1}, actuator ÷ load {c.Ratio:0.000}, largest step {c.LargestStepN:0.00} N")
        : $"clamp: {c.Name}: not measured: {c.Problem}";

    /// <summary>One line per strike, for progress while a calibration runs.</summary>
    public static string Line(StrikeOutcome o) => o.Problem is null
        ? string.Create(CultureInfo.InvariantCulture,
            $"{o.Geom} ({o.Region.ToId()}), {o.Shape}, {o.TargetSpeedMps} m/s: struck by {o.RobotGeom} at {o.ApproachSpeedMps:0.000} m/s, peak {o.PeakForceN:0.0} N, model {o.ModelForceN:0.0} N, {(o.Deviation <= StrikeCalibrationGate.Tolerance ? "within" : $"{o.Deviation:P1} off")}")
        : string.Create(CultureInfo.InvariantCulture, $"{o.Geom} ({o.Region.ToId()}), {o.Shape}, {o.TargetSpeedMps} m/s: not measured: {o.Problem}");

    private static string Mass(double? kg) => kg is { } m ? m.ToString("0.00", CultureInfo.InvariantCulture) : "fixed";
}
