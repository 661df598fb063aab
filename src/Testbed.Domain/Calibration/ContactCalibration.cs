using System.Globalization;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.Calibration;

/// <summary>MuJoCo direct-form solref "-S -D": stiffness and damping per unit effective mass.</summary>
/// <param name="Stiffness">S = k/μ (1/s²).</param>
/// <param name="Damping">D = 2ζ√S (1/s).</param>
public sealed record ExpectedSolref(double Stiffness, double Damping)
{
    /// <summary>The two solref numbers as MJCF writes them: both negative, which selects the direct form.</summary>
    public double[] ToSolref() => [-Stiffness, -Damping];
}

/// <summary>
/// What a person geom's contact parameters must be for simulated forces to mean something
/// (shared/reference/harm-limits.md §10): the geom must behave like its ISO/TS 15066 Table A.3 spring,
/// so that an impact at relative speed v peaks at F = v·√(μk).
/// </summary>
public sealed class ContactCalibration
{
    /// <summary>Relative tolerance on each solref component; tight, because solref is computed, not tuned.</summary>
    public const double SolrefTolerance = 0.005;

    /// <summary>Person geoms must win MuJoCo's parameter mixing against robot/payload geoms (priority 0 by default).</summary>
    public const int MinimumPersonGeomPriority = 1;

    private readonly BodyModel _bodyModel;

    public ContactCalibration(BodyModel bodyModel, double robotEffectiveMassKg, double dampingRatio)
    {
        if (!(robotEffectiveMassKg > 0) || !double.IsFinite(robotEffectiveMassKg))
        {
            throw new ArgumentOutOfRangeException(nameof(robotEffectiveMassKg), robotEffectiveMassKg, "m_R must be a positive mass in kg");
        }

        if (!(dampingRatio >= 0) || !double.IsFinite(dampingRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(dampingRatio), dampingRatio, "ζ must be a finite, non-negative number");
        }

        _bodyModel = bodyModel;
        RobotEffectiveMassKg = robotEffectiveMassKg;
        DampingRatio = dampingRatio;
    }

    /// <summary>m_R.</summary>
    public double RobotEffectiveMassKg { get; }

    /// <summary>ζ.</summary>
    public double DampingRatio { get; }

    /// <summary>The calibration a scene manifest asks for.</summary>
    public static ContactCalibration ForScene(SceneManifest scene, BodyModel bodyModel) =>
        new(bodyModel, scene.ContactCalibration.RobotEffectiveMassKg, scene.ContactCalibration.DampingRatio);

    /// <summary>μ = (1/m_H + 1/m_R)⁻¹, the reduced mass of person region and robot.</summary>
    public double ReducedMassKg(BodyRegion region) => 1.0 / (1.0 / _bodyModel[region].EffectiveMassKg + 1.0 / RobotEffectiveMassKg);

    public ExpectedSolref ExpectedSolref(BodyRegion region)
    {
        var stiffness = _bodyModel[region].SpringConstantNPerM / ReducedMassKg(region);
        return new ExpectedSolref(stiffness, 2 * DampingRatio * Math.Sqrt(stiffness));
    }

    /// <summary>Expected solref of a person geom of <paramref name="scene"/>; throws when the geom is not a person region geom.</summary>
    public ExpectedSolref ExpectedSolrefForGeom(SceneManifest scene, string geomName)
    {
        var personGeom = scene.FindPersonGeom(geomName)
            ?? throw new ArgumentException($"geom '{geomName}' is not a person region geom of scene '{scene.Id}'", nameof(geomName));
        return ExpectedSolref(personGeom.Region);
    }

    /// <summary>
    /// Largest timestep at which direct-form stiffness stays stable, 1/(2√S): direct form escapes MuJoCo's own
    /// timestep clamp, so nothing else protects the simulation.
    /// </summary>
    public double MaxTimestepS(BodyRegion region) => 1.0 / (2.0 * Math.Sqrt(ExpectedSolref(region).Stiffness));

    /// <summary>Peak force of a calibrated impact at <paramref name="approachSpeedMps"/>: F = v·√(μk). Logged beside the measured peak.</summary>
    public double AnalyticPeakForceN(BodyRegion region, double approachSpeedMps) =>
        Math.Abs(approachSpeedMps) * Math.Sqrt(ReducedMassKg(region) * _bodyModel[region].SpringConstantNPerM);

    /// <summary>
    /// Compares a person geom's compiled contact parameters with the calibration. Returns one readable problem per
    /// fault, each naming the geom; empty when the geom is calibrated.
    /// </summary>
    public IReadOnlyList<string> Check(string geomName, BodyRegion region, IReadOnlyList<double> actualSolref, int actualPriority, double timestepS)
    {
        var problems = new List<string>();
        var expected = ExpectedSolref(region);
        var expectedText = Invariant($"solref \"{-expected.Stiffness:0.###} {-expected.Damping:0.###}\"");

        if (actualSolref.Count != 2)
        {
            problems.Add(Invariant($"geom '{geomName}' ({region.ToId()}): solref has {actualSolref.Count} numbers; expected {expectedText}"));
        }
        else if (!(actualSolref[0] < 0 && actualSolref[1] <= 0))
        {
            // Positive solref is MuJoCo's (timeconst, dampratio) form, which ignores the body's real stiffness.
            problems.Add(Invariant($"geom '{geomName}' ({region.ToId()}): solref \"{actualSolref[0]} {actualSolref[1]}\" is not in direct (negative) form; expected {expectedText}"));
        }
        else
        {
            var stiffness = -actualSolref[0];
            var damping = -actualSolref[1];
            if (!WithinTolerance(stiffness, expected.Stiffness) || !WithinTolerance(damping, expected.Damping))
            {
                problems.Add(Invariant($"geom '{geomName}' ({region.ToId()}): solref \"{actualSolref[0]:0.###} {actualSolref[1]:0.###}\" differs from the calibration by more than {SolrefTolerance:P1}; expected {expectedText} (k {_bodyModel[region].SpringConstantNPerMm} N/mm, μ {ReducedMassKg(region):0.###} kg, ζ {DampingRatio})"));
            }
        }

        if (actualPriority < MinimumPersonGeomPriority)
        {
            problems.Add(Invariant($"geom '{geomName}' ({region.ToId()}): priority {actualPriority}; expected {MinimumPersonGeomPriority} or more so that its solref governs contacts with robot and payload geoms"));
        }

        var maxTimestep = MaxTimestepS(region);
        if (timestepS > maxTimestep)
        {
            problems.Add(Invariant($"geom '{geomName}' ({region.ToId()}): timestep {timestepS * 1000:0.###} ms exceeds 1/(2√S) = {maxTimestep * 1000:0.###} ms; expected a smaller timestep for this stiffness"));
        }

        return problems;
    }

    private static bool WithinTolerance(double actual, double expected) =>
        expected == 0 ? actual == 0 : Math.Abs(actual - expected) <= SolrefTolerance * Math.Abs(expected);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
