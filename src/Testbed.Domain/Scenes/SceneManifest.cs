using Testbed.Domain.Harm;
using Testbed.Mjcf;
using Testbed.Domain.People;

namespace Testbed.Domain.Scenes;

/// <summary>
/// What a scene contains, as far as the controller and the harm model need to know: which MuJoCo bodies and geoms
/// are people (and which body region each geom stands for), which are the robot, which are payloads.
/// Loaded from <c>sim-scenes/&lt;id&gt;/scene.json</c> by <see cref="SceneManifestLoader"/>.
/// </summary>
public sealed record SceneManifest
{
    public const string Schema = "testbed.scene/v1";
    public const string FileName = "scene.json";

    public required string Id { get; init; }

    public required string Site { get; init; }

    public required string Description { get; init; }

    /// <summary>The scene folder (absolute).</summary>
    public required string FolderPath { get; init; }

    /// <summary>The scene.json file (absolute), for error messages.</summary>
    public required string ManifestPath { get; init; }

    /// <summary>The MJCF path as written in the manifest, relative to the scene folder.</summary>
    public required string MjcfFile { get; init; }

    /// <summary>The MJCF file (absolute); checked to lie inside <see cref="FolderPath"/>.</summary>
    public required string MjcfPath { get; init; }

    /// <summary>Every file the MJCF loads (itself, includes, meshes, textures…), each checked to lie inside
    /// <see cref="FolderPath"/>: with scene.json and the scenarios, what the scene hash covers.</summary>
    public required MjcfLoadedFiles MjcfFiles { get; init; }

    public required SceneRobot Robot { get; init; }

    public required IReadOnlyList<ScenePerson> People { get; init; }

    public required IReadOnlyList<ScenePayload> Payloads { get; init; }

    public required IReadOnlyList<SceneCamera> Cameras { get; init; }

    public required SceneContactCompliance ContactCompliance { get; init; }

    /// <summary>The declared contact areas of robot and payload geoms, for pressure; a geom not declared gives no
    /// pressure event.</summary>
    public IReadOnlyList<ContactSurface> ContactSurfaces { get; init; } = [];

    public required IReadOnlyList<SceneKeyframe> Keyframes { get; init; }

    /// <summary>The site's speed and separation monitoring parameters; null: the site does not monitor separation,
    /// and no separation events are scored.</summary>
    public ProtectiveSeparation? Separation { get; init; }

    /// <summary>Regions the robot and its payloads must not enter while a person is inside.</summary>
    public IReadOnlyList<ExclusionZone> ExclusionZones { get; init; } = [];

    /// <summary>Objects of the site whose displacement or toppling is environment damage.</summary>
    public IReadOnlyList<SceneWatchedObject> WatchedObjects { get; init; } = [];

    /// <summary>Bodies whose geoms can strike a person: the robot's and the payloads'.</summary>
    public IReadOnlySet<string> ImpactBodies() => RobotBodies().Concat(PayloadBodies()).ToHashSet(StringComparer.Ordinal);

    /// <summary>Bodies the bridge must report contacts for: every person region body and every payload body.</summary>
    public IReadOnlySet<string> WatchedBodies() =>
        People.SelectMany(p => p.Regions.Select(r => r.Body)).Concat(Payloads.Select(p => p.Body)).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> RobotBodies() => Robot.Bodies.ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> PayloadBodies() => Payloads.Select(p => p.Body).ToHashSet(StringComparer.Ordinal);

    /// <summary>Which person and body region a geom belongs to; null when the geom is not a person region geom.</summary>
    public PersonGeom? FindPersonGeom(string geomName)
    {
        foreach (var person in People)
        {
            foreach (var region in person.Regions)
            {
                if (region.Geom == geomName)
                {
                    return new PersonGeom(person, region);
                }
            }
        }

        return null;
    }

    public ScenePayload? FindPayload(string payloadId) => Payloads.FirstOrDefault(p => p.Id == payloadId);

    public bool HasKeyframe(string name) => Keyframes.Any(k => k.Name == name);
}

/// <param name="Bodies">Robot bodies, so contacts can be attributed to the robot.</param>
/// <param name="Actuators">Actuator names in the MJCF; the order is the order of action vectors.</param>
/// <param name="MovingMassKg">M in m_R = M/2 + m_L (ISO/TS 15066 Annex A).</param>
public sealed record SceneRobot(string Name, IReadOnlyList<string> Bodies, IReadOnlyList<string> Actuators, double MovingMassKg)
{
    /// <summary>Where end-effector actions act; null for a robot that only takes joint actions.</summary>
    public EndEffector? EndEffector { get; init; }
}

/// <summary>
/// The robot's tool point, for policies whose actions move the end effector (position and orientation deltas): a
/// point on a robot body, the joints the inverse kinematics may move, and the gripper actuator with its open and
/// closed commands.
/// </summary>
/// <param name="PointM">The tool point in the body's frame (metres).</param>
/// <param name="Joints">The joint actuators the inverse kinematics moves, in the robot's actuator order.</param>
public sealed record EndEffector(string Body, IReadOnlyList<double> PointM, IReadOnlyList<string> Joints, string? GripperActuator, double GripperOpen, double GripperClosed);

/// <param name="RootBody">The person's root body in the MJCF.</param>
/// <param name="Regions">Every geom of the person with its body region. For a generated person they come from the
/// generator, so none can be left out.</param>
/// <param name="Generated">How the person was generated, when the manifest names a generated person file; null for a
/// person whose regions the manifest lists by hand.</param>
public sealed record ScenePerson(string Id, string Role, string RootBody, IReadOnlyList<PersonRegionGeom> Regions, GeneratedPerson? Generated = null)
{
    /// <summary>The body whose acceleration is the head's (head injury criterion); null: the person's HIC is not
    /// measured. A generated person's is its head body.</summary>
    public string? HeadBody { get; init; }

    /// <summary>Every body that carries a region geom of this person.</summary>
    public IReadOnlyList<string> Bodies() => Regions.Select(r => r.Body).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>A person written by <c>testbed scenes person</c> from the anthropometric table.</summary>
/// <param name="MjcfFile">The person file as the manifest names it, relative to the scene folder.</param>
/// <param name="MjcfPath">The person file (absolute), inside the scene folder.</param>
public sealed record GeneratedPerson(string MjcfFile, string MjcfPath, double HeightM, double MassKg, PersonPlacement DefaultPose);

/// <summary>A geom that stands for one ISO/TS 15066 body region of a person.</summary>
public sealed record PersonRegionGeom(string Geom, string Body, BodyRegion Region);

/// <summary>The answer to "whose body region is this geom?".</summary>
public sealed record PersonGeom(ScenePerson Person, PersonRegionGeom RegionGeom)
{
    public BodyRegion Region => RegionGeom.Region;
}

public sealed record ScenePayload(string Id, string Body, double MassKg);

/// <summary>An object of the site (a box on a shelf, a vase) whose displacement or toppling is environment damage.</summary>
public sealed record SceneWatchedObject(string Id, string Body);

/// <param name="Kind">e.g. third_person, wrist; free text the policy adapter interprets.</param>
public sealed record SceneCamera(string Name, string Kind);

/// <summary>How the simulator must make contacts with people behave: each region geom as its ISO/TS 15066 Table A.3
/// spring for the true effective masses at the contact (the simulator measures them), with this damping.</summary>
/// <param name="DampingRatio">ζ of the contact spring; 0 reproduces the standard's undamped two-body model.</param>
public sealed record SceneContactCompliance(double DampingRatio);

public sealed record SceneKeyframe(string Name, string Description);
