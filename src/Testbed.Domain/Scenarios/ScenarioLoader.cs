using Testbed.Domain.Input;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// Reads and validates one scenario file (schema <c>testbed.scenario/v1</c>) against its scene manifest.
/// Every problem is a <see cref="ScenarioInputException"/> naming the file and the field.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads a scenario, loading the scene manifest it names from <paramref name="scenesRoot"/>.</summary>
    public static Scenario Load(string filePath, string scenesRoot)
    {
        return Load(
            filePath,
            sceneId => Directory.Exists(Path.Combine(scenesRoot, sceneId)) ? SceneManifestLoader.Load(scenesRoot, sceneId) : null,
            () => SceneManifestLoader.ListSceneIds(scenesRoot));
    }

    /// <summary>Loads a scenario against manifests that are already loaded (the corpus loads each manifest once).</summary>
    public static Scenario Load(string filePath, IReadOnlyDictionary<string, SceneManifest> scenes)
    {
        return Load(filePath, sceneId => scenes.GetValueOrDefault(sceneId), () => scenes.Keys.Order(StringComparer.Ordinal).ToList());
    }

    private static Scenario Load(string filePath, Func<string, SceneManifest?> findScene, Func<IReadOnlyList<string>> listScenes)
    {
        var fullPath = Path.GetFullPath(filePath);
        var root = InputNode.ParseFile(fullPath);
        root.ExpectOnly("schema", "id", "site", "scene", "keyframe", "hazard", "time_limit_s", "control", "task", "instructions");

        var schemaNode = root.Required("schema");
        var schema = schemaNode.AsString();
        if (schema != Scenario.Schema)
        {
            throw schemaNode.Fail($"'{schema}' is not supported", $"\"{Scenario.Schema}\"");
        }

        var idNode = root.Required("id");
        var id = idNode.AsNonEmptyString();
        var fileId = Path.GetFileNameWithoutExtension(fullPath);
        if (id != fileId)
        {
            throw idNode.Fail($"'{id}' differs from the file name '{fileId}'", $"\"{fileId}\" (the file name without .json)");
        }

        var sceneNode = root.Required("scene");
        var sceneId = sceneNode.AsNonEmptyString();
        var scene = IsPlainName(sceneId) ? findScene(sceneId) : null;
        if (scene is null)
        {
            throw sceneNode.Fail($"no scene '{sceneId}'", $"one of: {string.Join(", ", listScenes())}");
        }

        var siteNode = root.Required("site");
        var site = siteNode.AsNonEmptyString();
        if (site != scene.Site)
        {
            throw siteNode.Fail($"'{site}' differs from the site of scene '{scene.Id}'", $"\"{scene.Site}\"");
        }

        var keyframeNode = root.Required("keyframe");
        var keyframe = keyframeNode.AsNonEmptyString();
        if (!scene.HasKeyframe(keyframe))
        {
            throw keyframeNode.Fail(
                $"keyframe '{keyframe}' is not in scene '{scene.Id}'", $"one of: {string.Join(", ", scene.Keyframes.Select(k => k.Name))}");
        }

        return new Scenario
        {
            Id = id,
            Site = site,
            SceneId = sceneId,
            Keyframe = keyframe,
            Hazard = root.NonEmptyString("hazard"),
            TimeLimitS = root.PositiveNumber("time_limit_s"),
            Control = ReadControl(root.Object("control")),
            Task = ReadTask(root.Object("task"), scene),
            Instructions = ReadInstructions(root.Object("instructions"), id),
            FilePath = fullPath,
        };
    }

    private static ControlSettings ReadControl(InputNode node)
    {
        node.ExpectOnly("substeps_per_period", "periods_per_chunk");
        return new ControlSettings(node.PositiveInteger("substeps_per_period"), node.PositiveInteger("periods_per_chunk"));
    }

    private static ScenarioTask ReadTask(InputNode node, SceneManifest scene)
    {
        node.ExpectOnly("description", "payload", "goal_region", "scripted_plan");

        var payloadNode = node.Required("payload");
        var payload = payloadNode.AsNonEmptyString();
        if (scene.FindPayload(payload) is null)
        {
            throw payloadNode.Fail(
                $"payload '{payload}' is not in scene '{scene.Id}'", $"one of: {string.Join(", ", scene.Payloads.Select(p => p.Id))}");
        }

        return new ScenarioTask(
            node.NonEmptyString("description"),
            payload,
            ReadGoalRegion(node.Object("goal_region")),
            ReadPlan(node, scene));
    }

    private static GoalRegion ReadGoalRegion(InputNode node)
    {
        node.ExpectOnly("min", "max");
        var min = ReadPoint(node, "min");
        var max = ReadPoint(node, "max");
        var maxItems = node.Array("max");
        for (var axis = 0; axis < 3; axis++)
        {
            if (min[axis] > max[axis])
            {
                throw maxItems[axis].Fail($"{max[axis]} is below min[{axis}] = {min[axis]}", $"a value >= min[{axis}]");
            }
        }

        return new GoalRegion(min[0], min[1], min[2], max[0], max[1], max[2]);
    }

    private static double[] ReadPoint(InputNode parent, string field)
    {
        var items = parent.Array(field);
        if (items.Count != 3)
        {
            throw parent.Fail(field, $"has {items.Count} numbers", "[x, y, z] in metres");
        }

        return items.Select(item => item.AsNumber()).ToArray();
    }

    private static ScriptedPlan ReadPlan(InputNode task, SceneManifest scene)
    {
        var waypointNodes = task.Array("scripted_plan");
        if (waypointNodes.Count == 0)
        {
            throw task.Fail("scripted_plan", "is empty", "at least one waypoint");
        }

        var actuators = scene.Robot.Actuators;
        var waypoints = new List<PlanWaypoint>();
        foreach (var node in waypointNodes)
        {
            node.ExpectOnly("name", "duration_s", "targets");
            var targetsNode = node.Object("targets");
            var targets = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in targetsNode.Properties())
            {
                if (!actuators.Contains(name, StringComparer.Ordinal))
                {
                    throw value.Fail($"'{name}' is not an actuator of robot '{scene.Robot.Name}'", $"one of: {string.Join(", ", actuators)}");
                }

                targets[name] = value.AsNumber();
            }

            // Every waypoint names every actuator so that a plan never depends on what an earlier one left behind.
            var missing = actuators.Where(a => !targets.ContainsKey(a)).ToList();
            if (missing.Count > 0)
            {
                throw targetsNode.Fail($"no target for {string.Join(", ", missing)}", $"a target for every actuator: {string.Join(", ", actuators)}");
            }

            waypoints.Add(new PlanWaypoint(node.NonEmptyString("name"), node.PositiveNumber("duration_s"), targets));
        }

        return new ScriptedPlan(waypoints);
    }

    private static SortedDictionary<LanguageTag, string> ReadInstructions(InputNode node, string scenarioId)
    {
        var instructions = new SortedDictionary<LanguageTag, string>();
        foreach (var (name, value) in node.Properties())
        {
            if (!LanguageTag.TryParse(name, out var tag, out var problem))
            {
                throw value.Fail($"{problem}", $"a BCP 47 tag of the form {LanguageTag.ExpectedShape}");
            }

            if (instructions.ContainsKey(tag))
            {
                throw value.Fail($"'{name}' repeats language {tag}", "each language once");
            }

            var text = value.AsString();
            if (InstructionText.Check(text) is var (wrong, expected))
            {
                throw value.Fail($"the {tag} instruction of scenario '{scenarioId}' {wrong}", expected);
            }

            instructions[tag] = text;
        }

        if (instructions.Count == 0)
        {
            throw node.Fail("is empty", "an instruction in at least one language");
        }

        return instructions;
    }

    private static bool IsPlainName(string name) =>
        name != "." && name != ".." && name.IndexOfAny(['/', '\\']) < 0;
}
