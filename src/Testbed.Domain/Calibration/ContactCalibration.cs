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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
