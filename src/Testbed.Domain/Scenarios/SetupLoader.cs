using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// Reads and validates one set-up file (schema <c>testbed.setup/v1</c>) against its scene manifest. Every problem is
/// a <see cref="ScenarioInputException"/> naming the file and the field.
/// </summary>
public static class SetupLoader
{
    /// <summary>The set-up file of <paramref name="setupId"/> in the folder of <paramref name="scene"/>.</summary>
    public static string PathOf(SceneManifest scene, string setupId) =>
        Path.Combine(scene.FolderPath, Setup.FolderName, setupId + ".json");

    /// <summary>Every set-up file of a scene, sorted by path; none when the scene has no setups/ folder.</summary>
    public static IReadOnlyList<string> FilesOf(SceneManifest scene)
    {
        var folder = Path.Combine(scene.FolderPath, Setup.FolderName);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList() : [];
    }

    public static Setup Load(string filePath, SceneManifest scene)
    {
        var fullPath = Path.GetFullPath(filePath);
        var root = InputNode.ParseFile(fullPath);
        root.ExpectOnly("schema", "id", "scene", "description", "time_limit_s", "control", "task", "variants", "seed_ranges", "collaborative_operation");

        var id = ScenarioLoader.ReadSchemaAndId(root, Setup.Schema, fullPath);

        var sceneNode = root.Required("scene");
        var sceneId = sceneNode.AsNonEmptyString();
        if (sceneId != scene.Id)
        {
            throw sceneNode.Fail($"'{sceneId}' differs from the scene folder the file is in", $"\"{scene.Id}\"");
        }

        var operation = ReadCollaborativeOperation(root, scene);
        var variants = ReadVariants(root.Object("variants"), scene);
        if (operation == CollaborativeOperation.PowerAndForceLimiting
            && variants.Values.FirstOrDefault(v => v.ExpectedHarm.Contains(HarmEventKinds.Separation)) is { } scored)
        {
            throw root.Fail("collaborative_operation",
                $"is {CollaborativeOperationIds.PowerAndForceLimiting}, so separation is not scored, but variant '{scored.Id}' expects {HarmEventKinds.Separation} harm",
                $"\"{CollaborativeOperationIds.SpeedAndSeparationMonitoring}\", or an expected_harm without {HarmEventKinds.Separation}");
        }

        return new Setup
        {
            Id = id,
            SceneId = scene.Id,
            Site = scene.Site,
            Description = root.NonEmptyString("description"),
            TimeLimitS = root.PositiveNumber("time_limit_s"),
            Control = ReadControl(root.Object("control")),
            Task = ReadTask(root.Object("task"), scene),
            Variants = variants,
            SeedRanges = root.Has("seed_ranges") ? ReadSeedRanges(root.Object("seed_ranges"), scene) : SeedRanges.None,
            CollaborativeOperation = operation,
            FilePath = fullPath,
        };
    }

    private static CollaborativeOperation ReadCollaborativeOperation(InputNode root, SceneManifest scene)
    {
        if (!root.Has("collaborative_operation"))
        {
            return scene.Separation is null ? CollaborativeOperation.PowerAndForceLimiting : CollaborativeOperation.SpeedAndSeparationMonitoring;
        }

        var node = root.Required("collaborative_operation");
        var id = node.AsNonEmptyString();
        if (!CollaborativeOperationIds.TryParse(id, out var operation))
        {
            throw node.Fail($"'{id}' is not a collaborative operation",
                $"\"{CollaborativeOperationIds.PowerAndForceLimiting}\" or \"{CollaborativeOperationIds.SpeedAndSeparationMonitoring}\"");
        }

        if (operation == CollaborativeOperation.SpeedAndSeparationMonitoring && scene.Separation is null)
        {
            throw node.Fail($"is {id}, but scene '{scene.Id}' declares no separation parameters",
                "a \"separation\" object in the scene's scene.json, or power_and_force_limiting");
        }

        return operation;
    }

    private static SortedDictionary<string, SetupVariant> ReadVariants(InputNode node, SceneManifest scene)
    {
        var variants = new SortedDictionary<string, SetupVariant>(StringComparer.Ordinal);
        foreach (var (id, variant) in node.Properties())
        {
            variant.ExpectOnly("keyframe", "situation", "expected_harm");
            var keyframeNode = variant.Required("keyframe");
            var keyframe = keyframeNode.AsNonEmptyString();
            if (!scene.HasKeyframe(keyframe))
            {
                throw keyframeNode.Fail(
                    $"keyframe '{keyframe}' is not in scene '{scene.Id}'", $"one of: {string.Join(", ", scene.Keyframes.Select(k => k.Name))}");
            }

            var harm = new List<string>();
            foreach (var kindNode in variant.Array("expected_harm"))
            {
                var kind = kindNode.AsNonEmptyString();
                if (!HarmEventKinds.All.Contains(kind))
                {
                    throw kindNode.Fail($"'{kind}' is not a harm kind", $"one of: {string.Join(", ", HarmEventKinds.All)}");
                }

                if (harm.Contains(kind))
                {
                    throw kindNode.Fail($"'{kind}' is listed twice", "each harm kind once");
                }

                harm.Add(kind);
            }

            var isBenign = id == SetupVariant.Benign;
            if (isBenign && harm.Count > 0)
            {
                throw variant.Fail("expected_harm", $"lists {string.Join(", ", harm)} for the benign variant", "[] (a benign variant produces no harm event)");
            }

            if (id == SetupVariant.Hazardous && harm.Count == 0)
            {
                throw variant.Fail("expected_harm", "is empty for the hazardous variant", "the harm kind(s) the hazardous variant is built to produce");
            }

            variants[id] = new SetupVariant(id, keyframe, variant.NonEmptyString("situation"), harm);
        }

        foreach (var required in new[] { SetupVariant.Benign, SetupVariant.Hazardous })
        {
            if (!variants.ContainsKey(required))
            {
                throw node.Fail($"has no '{required}' variant", $"variants named \"{SetupVariant.Benign}\" and \"{SetupVariant.Hazardous}\" (others may be added)");
            }
        }

        return variants;
    }

    private static SeedRanges ReadSeedRanges(InputNode node, SceneManifest scene)
    {
        node.ExpectOnly("people", "speed_scale");
        var people = new SortedDictionary<string, PersonPlacementRange>(StringComparer.Ordinal);
        if (node.Has("people"))
        {
            foreach (var (personId, range) in node.Object("people").Properties())
            {
                if (scene.People.All(p => p.Id != personId))
                {
                    throw range.Fail($"no person '{personId}' in scene '{scene.Id}'", $"one of: {string.Join(", ", scene.People.Select(p => p.Id))}");
                }

                range.ExpectOnly("dx_m", "dy_m", "dyaw_deg");
                people[personId] = new PersonPlacementRange(
                    ReadRange(range, "dx_m", -1, 1), ReadRange(range, "dy_m", -1, 1), ReadRange(range, "dyaw_deg", -180, 180));
            }
        }

        var speed = node.Has("speed_scale") ? ReadRange(node, "speed_scale", 0.1, 10) : new ValueRange(1, 1);
        if (speed.Min <= 0)
        {
            throw node.Fail("speed_scale", $"starts at {speed.Min}", "a positive speed scale");
        }

        return new SeedRanges(people, speed);
    }

    /// <summary>Reads [min, max] within [lowest, highest]: the bounds keep a typo (metres for centimetres) from moving a person out of the scene.</summary>
    private static ValueRange ReadRange(InputNode parent, string field, double lowest, double highest)
    {
        if (!parent.Has(field))
        {
            return ValueRange.Zero;
        }

        var items = parent.Array(field);
        if (items.Count != 2)
        {
            throw parent.Fail(field, $"has {items.Count} numbers", "[min, max]");
        }

        var (min, max) = (items[0].AsNumber(), items[1].AsNumber());
        if (min > max)
        {
            throw parent.Fail(field, $"min {min} is above max {max}", "[min, max] with min <= max");
        }

        if (min < lowest || max > highest)
        {
            throw parent.Fail(field, $"[{min}, {max}] leaves [{lowest}, {highest}]", $"a range within [{lowest}, {highest}]");
        }

        return new ValueRange(min, max);
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
}
