using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Mjcf;
using Testbed.Domain.People;

namespace Testbed.Domain.Scenes;

/// <summary>
/// Reads and validates <c>sim-scenes/&lt;id&gt;/scene.json</c> (schema <c>testbed.scene/v1</c>).
/// Every problem is a <see cref="ScenarioInputException"/> naming the file and the field.
/// </summary>
public static class SceneManifestLoader
{
    // The table generated people are built from; loaded once, on first use.
    private static readonly Lazy<Anthropometry> Table = new(Anthropometry.LoadDeLeva1996);

    // Defaults of the separation parameters (the walking speed); loaded once, on first use.
    private static readonly Lazy<HarmKindLimits> Limits = new(HarmKindLimits.LoadEmbedded);

    /// <summary>Loads scene <paramref name="sceneId"/> from <c>&lt;scenesRoot&gt;/&lt;sceneId&gt;/scene.json</c>.</summary>
    public static SceneManifest Load(string scenesRoot, string sceneId)
    {
        var folder = Path.Combine(scenesRoot, sceneId);
        if (!IsPlainName(sceneId) || !Directory.Exists(folder))
        {
            throw new ScenarioInputException(
                scenesRoot, "", $"no scene folder '{sceneId}'", $"one of: {string.Join(", ", ListSceneIds(scenesRoot))}");
        }

        return LoadFolder(folder);
    }

    /// <summary>The ids of folders under <paramref name="scenesRoot"/> that hold a scene.json, sorted.</summary>
    public static IReadOnlyList<string> ListSceneIds(string scenesRoot)
    {
        if (!Directory.Exists(scenesRoot))
        {
            return [];
        }

        return Directory.EnumerateDirectories(scenesRoot)
            .Where(d => File.Exists(Path.Combine(d, SceneManifest.FileName)))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads <c>&lt;sceneFolder&gt;/scene.json</c>.</summary>
    public static SceneManifest LoadFolder(string sceneFolder)
    {
        var folder = Path.GetFullPath(sceneFolder);
        var manifestPath = Path.Combine(folder, SceneManifest.FileName);
        var root = InputNode.ParseFile(manifestPath);
        root.ExpectOnly(
            "schema", "id", "site", "description", "mjcf", "robot", "people", "payloads", "cameras", "contact_compliance", "contact_surfaces", "keyframes",
            "separation", "exclusion_zones", "watched_objects");

        var schemaNode = root.Required("schema");
        var schema = schemaNode.AsString();
        if (schema != SceneManifest.Schema)
        {
            throw schemaNode.Fail($"'{schema}' is not supported", $"\"{SceneManifest.Schema}\"");
        }

        var idNode = root.Required("id");
        var id = idNode.AsNonEmptyString();
        var folderName = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
        if (id != folderName)
        {
            // Scenarios name their scene by folder; an id that differs would make two names for one scene.
            throw idNode.Fail($"'{id}' differs from the scene folder name '{folderName}'", $"\"{folderName}\"");
        }

        var (mjcfFile, mjcfPath) = ReadFileInFolder(root.Required("mjcf"), folder, "an MJCF file");
        var mjcfFiles = ReadMjcfFiles(mjcfPath, folder);
        var robot = ReadRobot(root.Object("robot"));
        var robotBodies = robot.Bodies.ToHashSet(StringComparer.Ordinal);
        var people = ReadPeople(root.Array("people"), robotBodies, folder);
        var payloads = ReadPayloads(root.Array("payloads"), robotBodies);

        return new SceneManifest
        {
            Id = id,
            Site = root.NonEmptyString("site"),
            Description = root.NonEmptyString("description"),
            FolderPath = folder,
            ManifestPath = manifestPath,
            MjcfFile = mjcfFile,
            MjcfPath = mjcfPath,
            MjcfFiles = mjcfFiles,
            Robot = robot,
            People = people,
            Payloads = payloads,
            Cameras = ReadCameras(root.Array("cameras")),
            ContactCompliance = ReadContactCompliance(root.Object("contact_compliance")),
            ContactSurfaces = root.Has("contact_surfaces") ? ContactSurface.ReadAll(root.Required("contact_surfaces")) : [],
            Keyframes = ReadKeyframes(root.Array("keyframes")),
            Separation = root.Has("separation") ? ProtectiveSeparation.Read(root.Object("separation"), Limits.Value.Separation) : null,
            ExclusionZones = root.Has("exclusion_zones") ? ReadExclusionZones(root.Array("exclusion_zones")) : [],
            WatchedObjects = root.Has("watched_objects")
                ? ReadWatchedObjects(root.Array("watched_objects"), robotBodies, people, payloads)
                : [],
        };
    }

    private static List<ExclusionZone> ReadExclusionZones(IReadOnlyList<InputNode> nodes)
    {
        var zones = new List<ExclusionZone>();
        foreach (var node in nodes)
        {
            var zone = ExclusionZone.Read(node);
            if (zones.Any(z => z.Id == zone.Id))
            {
                throw node.Required("id").Fail($"zone '{zone.Id}' appears more than once", "unique zone ids");
            }

            zones.Add(zone);
        }

        return zones;
    }

    // Objects of the site, not the robot, a person or a payload: those have their own harm kinds.
    private static List<SceneWatchedObject> ReadWatchedObjects(
        IReadOnlyList<InputNode> nodes, IReadOnlySet<string> robotBodies, IReadOnlyList<ScenePerson> people, IReadOnlyList<ScenePayload> payloads)
    {
        var objects = new List<SceneWatchedObject>();
        foreach (var node in nodes)
        {
            node.ExpectOnly("id", "body");
            var idNode = node.Required("id");
            var id = idNode.AsNonEmptyString();
            if (objects.Any(o => o.Id == id))
            {
                throw idNode.Fail($"object '{id}' appears more than once", "unique object ids");
            }

            var bodyNode = node.Required("body");
            var body = bodyNode.AsNonEmptyString();
            if (robotBodies.Contains(body) || payloads.Any(p => p.Body == body) || people.Any(p => p.Bodies().Contains(body) || p.RootBody == body))
            {
                throw bodyNode.Fail($"'{body}' is a robot, payload or person body", "a body of the site's environment (a box, a shelf, a vase)");
            }

            objects.Add(new SceneWatchedObject(id, body));
        }

        return objects;
    }

    private static (string File, string Path) ReadFileInFolder(InputNode node, string folder, string what)
    {
        var file = node.AsNonEmptyString();
        if (Path.IsPathRooted(file))
        {
            throw node.Fail($"'{file}' is an absolute path", "a path relative to the scene folder");
        }

        // The scene folder is what gets hashed into the run manifest; a model outside it would escape the hash.
        var full = Path.GetFullPath(Path.Combine(folder, file));
        var folderWithSeparator = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        if (!full.StartsWith(folderWithSeparator, StringComparison.Ordinal))
        {
            throw node.Fail($"'{file}' points outside the scene folder", $"a file inside {folder}");
        }

        if (!File.Exists(full))
        {
            throw node.Fail($"'{file}' does not exist", $"{what} at {full}");
        }

        return (file, full);
    }

    /// <summary>Every file the MJCF loads, confined to the scene folder as the bridge confines it, so that the scene
    /// hash covers exactly what the simulation is built from.</summary>
    private static MjcfLoadedFiles ReadMjcfFiles(string mjcfPath, string folder)
    {
        try
        {
            return MjcfLoadedFiles.Resolve(mjcfPath, folder);
        }
        catch (MjcfFileException e)
        {
            throw new ScenarioInputException(e.MjcfFile, e.Element, e.Detail, e.Expected, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioInputException(mjcfPath, "", $"it or a file it loads cannot be read ({e.Message})", "readable files", e);
        }
    }

    private static SceneRobot ReadRobot(InputNode node)
    {
        node.ExpectOnly("name", "bodies", "actuators", "moving_mass_kg", "end_effector");
        var bodies = ReadUniqueNames(node, "bodies");
        var actuators = ReadUniqueNames(node, "actuators");
        return new SceneRobot(node.NonEmptyString("name"), bodies, actuators, node.PositiveNumber("moving_mass_kg"))
        {
            EndEffector = node.Has("end_effector") ? ReadEndEffector(node.Object("end_effector"), bodies, actuators) : null,
        };
    }

    private static EndEffector ReadEndEffector(InputNode node, IReadOnlyList<string> bodies, IReadOnlyList<string> actuators)
    {
        node.ExpectOnly("body", "point_m", "joints", "gripper");
        var bodyNode = node.Required("body");
        var body = bodyNode.AsNonEmptyString();
        if (!bodies.Contains(body))
        {
            throw bodyNode.Fail($"'{body}' is not one of the robot's bodies", $"one of: {string.Join(", ", bodies)}");
        }

        var point = node.Has("point_m") ? node.Array("point_m").Select(v => v.AsNumber()).ToList() : [0.0, 0.0, 0.0];
        if (point.Count != 3)
        {
            throw node.Fail("point_m", $"has {point.Count} numbers", "[x, y, z] in the body's frame, metres");
        }

        var joints = new List<string>();
        foreach (var jointNode in node.Array("joints"))
        {
            var joint = jointNode.AsNonEmptyString();
            if (!actuators.Contains(joint) || joints.Contains(joint))
            {
                throw jointNode.Fail($"'{joint}' is not a robot actuator or is listed twice", $"each once, from: {string.Join(", ", actuators)}");
            }

            joints.Add(joint);
        }

        if (joints.Count == 0)
        {
            throw node.Fail("joints", "is empty", "the joint actuators inverse kinematics may move");
        }

        if (!node.Has("gripper"))
        {
            return new EndEffector(body, point, joints, null, 0, 0);
        }

        var gripper = node.Object("gripper");
        gripper.ExpectOnly("actuator", "open", "closed");
        var actuatorNode = gripper.Required("actuator");
        var actuator = actuatorNode.AsNonEmptyString();
        if (!actuators.Contains(actuator) || joints.Contains(actuator))
        {
            throw actuatorNode.Fail($"'{actuator}' is not a robot actuator outside end_effector.joints", $"one of: {string.Join(", ", actuators.Except(joints))}");
        }

        return new EndEffector(body, point, joints, actuator, gripper.Number("open"), gripper.Number("closed"));
    }

    private static List<ScenePerson> ReadPeople(IReadOnlyList<InputNode> nodes, IReadOnlySet<string> robotBodies, string folder)
    {
        var people = new List<ScenePerson>();
        var personIds = new HashSet<string>(StringComparer.Ordinal);
        var geoms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var idNode = node.Required("id");
            var id = idNode.AsNonEmptyString();
            if (!personIds.Add(id))
            {
                throw idNode.Fail($"person '{id}' appears more than once", "unique person ids");
            }

            var person = node.Has("height_m") || node.Has("mass_kg") || node.Has("mjcf")
                ? ReadGeneratedPerson(node, id, folder)
                : ReadListedPerson(node, id);
            foreach (var (region, i) in person.Regions.Select((r, i) => (r, i)))
            {
                CheckRegionGeom(node, i, region, geoms, robotBodies);
            }

            people.Add(person);
        }

        return people;
    }

    // A person written by `testbed scenes person`: its regions come from the generator for its height and mass, so a
    // geom cannot be left out of the manifest (and the test that regenerates the file keeps file and manifest equal).
    private static ScenePerson ReadGeneratedPerson(InputNode node, string id, string folder)
    {
        node.ExpectOnly("id", "role", "mjcf", "height_m", "mass_kg", "default_pose");
        var (file, path) = ReadFileInFolder(node.Required("mjcf"), folder, "a person MJCF file written by `testbed scenes person`");
        var height = ReadPersonValue(node, "height_m", PersonBody.HeightProblem);
        var mass = ReadPersonValue(node, "mass_kg", PersonBody.MassProblem);
        if (PersonBody.IdProblem(id) is { } idProblem)
        {
            throw node.Required("id").Fail(idProblem, "a person id the generator accepts (it prefixes every body and geom name)");
        }

        var pose = node.Object("default_pose");
        pose.ExpectOnly("x_m", "y_m", "yaw_deg");
        var placement = new PersonPlacement(pose.Number("x_m"), pose.Number("y_m"), pose.Number("yaw_deg"));
        var body = PersonBody.Build(Table.Value, id, height, mass);
        return new ScenePerson(id, node.NonEmptyString("role"), body.RootBody, body.RegionGeoms(), new GeneratedPerson(file, path, height, mass, placement))
        {
            HeadBody = body.Bodies.FirstOrDefault(b => b.Segment == "head")?.Name,
        };
    }

    private static double ReadPersonValue(InputNode person, string field, Func<double, string?> problemOf)
    {
        var node = person.Required(field);
        var value = node.AsNumber();
        if (problemOf(value) is { } problem)
        {
            throw node.Fail(problem, "a person the anthropometric table can build");
        }

        return value;
    }

    private static ScenePerson ReadListedPerson(InputNode node, string id)
    {
        node.ExpectOnly("id", "role", "root_body", "regions", "head_body");
        var regionNodes = node.Array("regions");
        if (regionNodes.Count == 0)
        {
            throw node.Fail("regions", "is empty", "at least one region geom per person");
        }

        var regions = regionNodes.Select(ReadRegionGeom).ToList();
        string? head = null;
        if (node.Has("head_body"))
        {
            var headNode = node.Required("head_body");
            head = headNode.AsNonEmptyString();
            if (!regions.Any(r => r.Body == head))
            {
                throw headNode.Fail($"'{head}' carries none of the person's region geoms", "the person's head body, which carries its skull or face geom");
            }
        }

        return new ScenePerson(id, node.NonEmptyString("role"), node.NonEmptyString("root_body"), regions) { HeadBody = head };
    }

    private static void CheckRegionGeom(InputNode person, int index, PersonRegionGeom region, HashSet<string> geomsSoFar, IReadOnlySet<string> robotBodies)
    {
        if (!geomsSoFar.Add(region.Geom))
        {
            // A geom stands for exactly one region of one person, or contacts could not be attributed.
            throw person.Fail($"regions[{index}].geom", $"geom '{region.Geom}' is listed more than once", "each person geom listed once in the whole scene");
        }

        if (robotBodies.Contains(region.Body))
        {
            throw person.Fail($"regions[{index}].body", $"'{region.Body}' is a robot body", "a body of the person, not listed in robot.bodies");
        }
    }

    private static PersonRegionGeom ReadRegionGeom(InputNode node)
    {
        node.ExpectOnly("geom", "body", "region");
        var regionNode = node.Required("region");
        var regionId = regionNode.AsString();
        if (!BodyRegionIds.TryParse(regionId, out var region))
        {
            throw regionNode.Fail($"unknown region '{regionId}'", $"one of {string.Join(", ", BodyRegionIds.All)}");
        }

        return new PersonRegionGeom(node.NonEmptyString("geom"), node.NonEmptyString("body"), region);
    }

    private static List<ScenePayload> ReadPayloads(IReadOnlyList<InputNode> nodes, IReadOnlySet<string> robotBodies)
    {
        var payloads = new List<ScenePayload>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            node.ExpectOnly("id", "body", "mass_kg");
            var idNode = node.Required("id");
            var id = idNode.AsNonEmptyString();
            if (!ids.Add(id))
            {
                throw idNode.Fail($"payload '{id}' appears more than once", "unique payload ids");
            }

            var bodyNode = node.Required("body");
            var body = bodyNode.AsNonEmptyString();
            if (robotBodies.Contains(body))
            {
                throw bodyNode.Fail($"'{body}' is a robot body", "a payload body, not listed in robot.bodies");
            }

            payloads.Add(new ScenePayload(id, body, node.PositiveNumber("mass_kg")));
        }

        return payloads;
    }

    private static List<SceneCamera> ReadCameras(IReadOnlyList<InputNode> nodes)
    {
        var cameras = new List<SceneCamera>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            node.ExpectOnly("name", "kind");
            var nameNode = node.Required("name");
            var name = nameNode.AsNonEmptyString();
            if (!names.Add(name))
            {
                throw nameNode.Fail($"camera '{name}' appears more than once", "unique camera names");
            }

            cameras.Add(new SceneCamera(name, node.NonEmptyString("kind")));
        }

        return cameras;
    }

    private static SceneContactCompliance ReadContactCompliance(InputNode node)
    {
        node.ExpectOnly("damping_ratio");
        var dampingNode = node.Required("damping_ratio");
        var damping = dampingNode.AsNumber();
        if (damping < 0 || damping > 1)
        {
            // The two-body model of ISO/TS 15066 is undamped; damping lowers impact peaks (ζ 0.1 gives about 0.88 of them).
            throw dampingNode.Fail($"{damping} is outside 0..1", "a damping ratio between 0 and 1 (0 reproduces the ISO/TS 15066 model)");
        }

        return new SceneContactCompliance(damping);
    }

    private static List<SceneKeyframe> ReadKeyframes(IReadOnlyList<InputNode> nodes)
    {
        var keyframes = new List<SceneKeyframe>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            node.ExpectOnly("name", "description");
            var nameNode = node.Required("name");
            var name = nameNode.AsNonEmptyString();
            if (!names.Add(name))
            {
                throw nameNode.Fail($"keyframe '{name}' appears more than once", "unique keyframe names");
            }

            keyframes.Add(new SceneKeyframe(name, node.String("description")));
        }

        return keyframes;
    }

    private static List<string> ReadUniqueNames(InputNode parent, string field)
    {
        var items = parent.Array(field);
        if (items.Count == 0)
        {
            throw parent.Fail(field, "is empty", "at least one name");
        }

        var names = new List<string>();
        foreach (var item in items)
        {
            var name = item.AsNonEmptyString();
            if (names.Contains(name, StringComparer.Ordinal))
            {
                throw item.Fail($"'{name}' appears more than once", "unique names");
            }

            names.Add(name);
        }

        return names;
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\']) < 0;
}
