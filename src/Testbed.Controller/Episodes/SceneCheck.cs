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
        }
        if (problems.Count > 0)
        {
            throw new EpisodeFailure($"scene '{scene.Id}' ({scene.MjcfFile}) does not match its manifest: {string.Join("; ", problems)}");
        }
    }
}
