using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>A manifest entry the model a bridge loaded contradicts.</summary>
/// <param name="Entry">The JSON field path in scene.json, e.g. <c>people[0].regions[3].geom</c>.</param>
public sealed record ManifestMismatch(string Entry, string Problem);

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

    /// <summary>Why the model's timestep cannot be simulated with; null when it can. Checked before anything that
    /// divides by it (every control period).</summary>
    public static string? TimestepProblem(ModelDescription model) =>
        model.TimestepS > 0 && double.IsFinite(model.TimestepS)
            ? null
            : $"<option timestep> is {model.TimestepS}; expected a positive number of seconds, e.g. 0.001";

    public static void RequireMatch(SceneManifest scene, Scenario scenario, ModelDescription model)
    {
        var problems = new List<string>();
        if (!model.KeyframeNames.Contains(scenario.Keyframe)) problems.Add($"keyframe '{scenario.Keyframe}' of scenario '{scenario.Id}' is not in the MJCF");
        problems.AddRange(Mismatches(scene, model).Select(m => m.Problem));
        if (problems.Count > 0)
        {
            throw new EpisodeFailure($"scene '{scene.Id}' ({scene.MjcfFile}) does not match its manifest: {string.Join("; ", problems)}");
        }
    }

    /// <summary>Every entry of the manifest that names something the model lacks (robot bodies and actuators,
    /// payloads, cameras, keyframes, people and their region geoms, contact surfaces, watched objects), and every
    /// geom of a person's bodies that carries no body region.</summary>
    public static IReadOnlyList<ManifestMismatch> Mismatches(SceneManifest scene, ModelDescription model)
    {
        var problems = new List<ManifestMismatch>();
        var bodies = model.BodyNames.ToHashSet(StringComparer.Ordinal);
        var geoms = model.Geoms.ToDictionary(g => g.Name, StringComparer.Ordinal);
        var actuators = model.Actuators.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < scene.Robot.Bodies.Count; i++)
        {
            if (!bodies.Contains(scene.Robot.Bodies[i])) problems.Add(new($"robot.bodies[{i}]", $"body '{scene.Robot.Bodies[i]}' is not in the MJCF"));
        }
        for (var i = 0; i < scene.Robot.Actuators.Count; i++)
        {
            if (!actuators.Contains(scene.Robot.Actuators[i])) problems.Add(new($"robot.actuators[{i}]", $"actuator '{scene.Robot.Actuators[i]}' is not in the MJCF"));
        }
        for (var i = 0; i < scene.Payloads.Count; i++)
        {
            if (!bodies.Contains(scene.Payloads[i].Body)) problems.Add(new($"payloads[{i}].body", $"body '{scene.Payloads[i].Body}' is not in the MJCF"));
        }
        for (var i = 0; i < scene.Cameras.Count; i++)
        {
            if (!model.CameraNames.Contains(scene.Cameras[i].Name)) problems.Add(new($"cameras[{i}].name", $"camera '{scene.Cameras[i].Name}' is not in the MJCF"));
        }
        for (var i = 0; i < scene.Keyframes.Count; i++)
        {
            if (!model.KeyframeNames.Contains(scene.Keyframes[i].Name)) problems.Add(new($"keyframes[{i}].name", $"keyframe '{scene.Keyframes[i].Name}' is not in the MJCF"));
        }
        for (var i = 0; i < scene.WatchedObjects.Count; i++)
        {
            var o = scene.WatchedObjects[i];
            if (!bodies.Contains(o.Body)) problems.Add(new($"watched_objects[{i}].body", $"watched object '{o.Id}' body '{o.Body}' is not in the MJCF"));
        }
        if (model.BodyBoundingRadiusM.Count != model.BodyNames.Count && (scene.Separation is not null))
        {
            problems.Add(new("separation", $"the bridge reports no body bounding radii (body_bounding_radius_m has {model.BodyBoundingRadiusM.Count} entries for {model.BodyNames.Count} bodies), so separation cannot be measured"));
        }
        for (var p = 0; p < scene.People.Count; p++)
        {
            var person = scene.People[p];
            if (person.HeadBody is not null && !bodies.Contains(person.HeadBody))
            {
                problems.Add(new(person.Generated is null ? $"people[{p}].head_body" : $"people[{p}].mjcf", $"person '{person.Id}' head body '{person.HeadBody}' is not in the MJCF"));
            }
            for (var r = 0; r < person.Regions.Count; r++)
            {
                var region = person.Regions[r];
                // A generated person's regions come from its file: a mismatch means the file is not what the manifest generates.
                var entry = person.Generated is null ? $"people[{p}].regions[{r}]" : $"people[{p}].mjcf";
                if (!geoms.TryGetValue(region.Geom, out var geom))
                {
                    problems.Add(new(person.Generated is null ? entry + ".geom" : entry, $"person '{person.Id}' geom '{region.Geom}' is not in the MJCF"));
                    continue;
                }
                if (geom.Body != region.Body) problems.Add(new(person.Generated is null ? entry + ".body" : entry, $"person geom '{region.Geom}' belongs to body '{geom.Body}', the manifest says '{region.Body}'"));
            }
            problems.AddRange(UnlabelledPersonGeoms(scene, p, model));
        }
        var strikers = scene.ImpactBodies();
        for (var i = 0; i < scene.ContactSurfaces.Count; i++)
        {
            var surface = scene.ContactSurfaces[i];
            if (!geoms.TryGetValue(surface.Geom, out var geom)) problems.Add(new($"contact_surfaces[{i}].geom", $"contact surface geom '{surface.Geom}' is not in the MJCF"));
            else if (!strikers.Contains(geom.Body)) problems.Add(new($"contact_surfaces[{i}].geom", $"contact surface geom '{surface.Geom}' belongs to body '{geom.Body}', which is neither a robot nor a payload body"));
        }
        return problems;
    }

    /// <summary>Every geom of every body of a person must carry a body region: a geom without one would be touched,
    /// even struck on the skull, and nothing would be recorded.</summary>
    public static IReadOnlyList<ManifestMismatch> UnlabelledPersonGeoms(SceneManifest scene, int personIndex, ModelDescription model)
    {
        var person = scene.People[personIndex];
        var entry = $"people[{personIndex}]";
        if (model.BodyParentNames.Count != model.BodyNames.Count)
        {
            return [new(entry, $"the bridge reports no body tree (body_parent_names has {model.BodyParentNames.Count} entries for {model.BodyNames.Count} bodies), so the geoms of person '{person.Id}' cannot be checked for body regions")];
        }
        if (!model.BodyNames.Contains(person.RootBody))
        {
            return [new(person.Generated is null ? entry + ".root_body" : entry + ".mjcf", $"person '{person.Id}' root body '{person.RootBody}' is not in the MJCF")];
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
        var problems = new List<ManifestMismatch>();
        foreach (var geom in model.Geoms.Where(g => personBodies.Contains(g.Body) && !labelled.Contains(g.Name)))
        {
            var name = geom.Name.Length > 0 ? $"'{geom.Name}'" : "(unnamed)";
            problems.Add(new(person.Generated is null ? entry + ".regions" : entry + ".mjcf",
                $"{scene.MjcfFile}: person '{person.Id}' body '{geom.Body}' geom {name} carries no body region; every geom of every body of a person must carry one ({scene.ManifestPath}, people '{person.Id}')"));
        }
        for (var r = 0; r < person.Regions.Count; r++)
        {
            var region = person.Regions[r];
            if (personBodies.Contains(region.Body)) continue;
            problems.Add(new(person.Generated is null ? $"{entry}.regions[{r}].body" : entry + ".mjcf",
                $"person '{person.Id}' geom '{region.Geom}' is on body '{region.Body}', which is not below the person's root body '{person.RootBody}'"));
        }
        return problems;
    }
}
