using Testbed.Domain.Scenes;

namespace Testbed.Domain.Harm;

/// <summary>One person geom's contact spring: its region's Table A.3 constant k.</summary>
public sealed record RegionSpring(string Geom, BodyRegion Region, double StiffnessNPerM, double DampingRatio);

/// <summary>
/// What a simulator must be told so that a scene's simulated contact forces mean something: every person region geom
/// is its region's ISO/TS 15066 spring (k from Table A.3) against whatever robot or payload part strikes it, and the
/// simulator, not the scene author, accounts for the true effective masses at each contact. Measured and explained in
/// docs/contact-physics.md.
/// </summary>
public sealed record PersonCompliance(IReadOnlyList<RegionSpring> Geoms, IReadOnlyList<string> ImpactBodies)
{
    public static PersonCompliance ForScene(SceneManifest scene, BodyModel bodyModel) =>
        new(
            scene.People.SelectMany(p => p.Regions)
                .Select(r => new RegionSpring(r.Geom, r.Region, bodyModel[r.Region].SpringConstantNPerM, scene.ContactCompliance.DampingRatio))
                .ToList(),
            scene.ImpactBodies().Order(StringComparer.Ordinal).ToList());
}
