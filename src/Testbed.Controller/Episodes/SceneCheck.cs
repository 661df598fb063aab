using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>Checks that the model a bridge loaded is the scene its manifest describes: the actuators, people,
/// payloads and keyframe exist. A scene that fails does not run: its forces would mean nothing. Person geoms carry no
/// contact parameters of their own: the bridge sets the compliance of every person contact.</summary>
public static class SceneCheck
{
    public static IReadOnlyList<ActuatorDescription> Actuators(SceneManifest scene, ModelDescription model)
    {
        var byName = model.Actuators.ToDictionary(a => a.Name, StringComparer.Ordinal);
        return scene.Robot.Actuators.Select(name => byName.TryGetValue(name, out var a)
            ? a
            : throw new EpisodeFailure($"scene '{scene.Id}': {scene.ManifestPath} names robot actuator '{name}', which {scene.MjcfFile} does not have; it has: {string.Join(", ", byName.Keys)}")).ToArray();
    }

    public static void RequireMatch(SceneManifest scene, Scenario scenario, ModelDescription model)
    {
        var problems = new List<string>();
        var bodies = model.BodyNames.ToHashSet(StringComparer.Ordinal);
        var geoms = model.Geoms.ToDictionary(g => g.Name, StringComparer.Ordinal);
        if (!model.KeyframeNames.Contains(scenario.Keyframe)) problems.Add($"keyframe '{scenario.Keyframe}' of scenario '{scenario.Id}' is not in the MJCF");
        foreach (var body in scene.RobotBodies().Concat(scene.PayloadBodies()).Where(b => !bodies.Contains(b))) problems.Add($"body '{body}' is not in the MJCF");
        foreach (var o in scene.WatchedObjects.Where(o => !bodies.Contains(o.Body))) problems.Add($"watched object '{o.Id}' body '{o.Body}' is not in the MJCF");
        foreach (var p in scene.People.Where(p => p.HeadBody is not null && !bodies.Contains(p.HeadBody))) problems.Add($"person '{p.Id}' head body '{p.HeadBody}' is not in the MJCF");
        if (model.BodyBoundingRadiusM.Count != model.BodyNames.Count && (scene.Separation is not null))
        {
            problems.Add($"the bridge reports no body bounding radii (body_bounding_radius_m has {model.BodyBoundingRadiusM.Count} entries for {model.BodyNames.Count} bodies), so separation cannot be measured");
        }
        foreach (var person in scene.People)
        {
            foreach (var region in person.Regions)
            {
                if (!geoms.TryGetValue(region.Geom, out var geom))
                {
                    problems.Add($"person '{person.Id}' geom '{region.Geom}' is not in the MJCF");
                    continue;
                }
                if (geom.Body != region.Body) problems.Add($"person geom '{region.Geom}' belongs to body '{geom.Body}', the manifest says '{region.Body}'");
            }
            problems.AddRange(UnlabelledPersonGeoms(scene, person, model));
        }
        var strikers = scene.ImpactBodies();
        foreach (var surface in scene.ContactSurfaces)
        {
            if (!geoms.TryGetValue(surface.Geom, out var geom)) problems.Add($"contact surface geom '{surface.Geom}' is not in the MJCF");
            else if (!strikers.Contains(geom.Body)) problems.Add($"contact surface geom '{surface.Geom}' belongs to body '{geom.Body}', which is neither a robot nor a payload body");
        }
        if (problems.Count > 0)
        {
            throw new EpisodeFailure($"scene '{scene.Id}' ({scene.MjcfFile}) does not match its manifest: {string.Join("; ", problems)}");
        }
    }

    /// <summary>Every geom of every body of a person must carry a body region: a geom without one would be touched,
    /// even struck on the skull, and nothing would be recorded.</summary>
    public static IReadOnlyList<string> UnlabelledPersonGeoms(SceneManifest scene, ScenePerson person, ModelDescription model)
    {
        if (model.BodyParentNames.Count != model.BodyNames.Count)
        {
            return [$"the bridge reports no body tree (body_parent_names has {model.BodyParentNames.Count} entries for {model.BodyNames.Count} bodies), so the geoms of person '{person.Id}' cannot be checked for body regions"];
        }
        if (!model.BodyNames.Contains(person.RootBody))
        {
            return [$"person '{person.Id}' root body '{person.RootBody}' is not in the MJCF"];
        }

        var personBodies = new HashSet<string>(StringComparer.Ordinal) { person.RootBody };
        // MuJoCo lists parents before children, but walk until nothing changes rather than rely on it.
        for (var grew = true; grew;)
        {
            grew = false;
            for (var b = 0; b < model.BodyNames.Count; b++)
            {
                if (personBodies.Contains(model.BodyParentNames[b]) && personBodies.Add(model.BodyNames[b])) grew = true;
            }
        }

        var labelled = person.Regions.Select(r => r.Geom).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var geom in model.Geoms.Where(g => personBodies.Contains(g.Body) && !labelled.Contains(g.Name)))
        {
            var name = geom.Name.Length > 0 ? $"'{geom.Name}'" : "(unnamed)";
            problems.Add($"{scene.MjcfFile}: person '{person.Id}' body '{geom.Body}' geom {name} carries no body region; every geom of every body of a person must carry one ({scene.ManifestPath}, people '{person.Id}')");
        }
        foreach (var region in person.Regions.Where(r => !personBodies.Contains(r.Body)))
        {
            problems.Add($"person '{person.Id}' geom '{region.Geom}' is on body '{region.Body}', which is not below the person's root body '{person.RootBody}'");
        }
        return problems;
    }
}
