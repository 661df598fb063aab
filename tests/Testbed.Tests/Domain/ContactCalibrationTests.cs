using Testbed.Domain.Calibration;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Xunit;

namespace Testbed.Tests.Domain;

public class ContactCalibrationTests
{
    private readonly ContactCalibration _calibration = new(BodyModel.LoadIsoTs15066(), robotEffectiveMassKg: 7.0, dampingRatio: 0.05);

    // Chest by hand: m_H 40 kg, m_R 7 kg → μ = 40·7/47 = 5.9574 kg; k = 25 N/mm = 25 000 N/m;
    // S = k/μ = 25 000·47/280 = 4196.43 s⁻²; D = 2·0.05·√4196.43 = 0.1·64.780 = 6.4780 s⁻¹.
    private const double ChestStiffness = 4196.43;
    private const double ChestDamping = 6.4780;

    [Fact]
    public void Chest_expected_solref_matches_the_hand_calculation()
    {
        var expected = _calibration.ExpectedSolref(BodyRegion.Chest);

        Assert.Equal(5.9574, _calibration.ReducedMassKg(BodyRegion.Chest), 4);
        Assert.Equal(ChestStiffness, expected.Stiffness, 2);
        Assert.Equal(ChestDamping, expected.Damping, 4);
        Assert.Equal([-expected.Stiffness, -expected.Damping], expected.ToSolref());
    }

    [Fact]
    public void Analytic_peak_force_is_v_sqrt_mu_k()
    {
        // v·√(μk) = 0.3·√(5.9574·25 000) = 0.3·385.92 = 115.78 N
        Assert.Equal(115.78, _calibration.AnalyticPeakForceN(BodyRegion.Chest, 0.3), 2);
    }

    [Fact]
    public void Expected_solref_for_a_geom_uses_the_manifest_region()
    {
        using var scenes = new ScenesFolder();
        var scene = SceneManifestLoader.LoadFolder(scenes.SceneFolder);
        var calibration = ContactCalibration.ForScene(scene, BodyModel.LoadIsoTs15066());

        Assert.Equal(ChestStiffness, calibration.ExpectedSolrefForGeom(scene, "worker_chest").Stiffness, 2);
        Assert.Throws<ArgumentException>(() => calibration.ExpectedSolrefForGeom(scene, "arm_tool_geom"));
    }
}
