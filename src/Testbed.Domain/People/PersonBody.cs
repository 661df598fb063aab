using System.Globalization;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;

namespace Testbed.Domain.People;

/// <summary>A point or direction in metres, in the frame of the body that owns it (x forward, y to the person's
/// left, z up when the person stands).</summary>
public readonly record struct Point3(double X, double Y, double Z)
{
    public static Point3 operator +(Point3 a, Point3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Point3 operator -(Point3 a, Point3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public double Component(Axis axis) => axis switch { Axis.X => X, Axis.Y => Y, _ => Z };
}

public enum Axis
{
    X,
    Y,
    Z,
}

public enum JointKind
{
    Slide,
    Hinge,
}

public enum GeomShape
{
    Sphere,
    Capsule,
    Box,
}

/// <summary>What a geom's surface looks like (for rendering only).</summary>
public enum Surface
{
    Skin,
    Hair,
    Clothing,
    Shoe,

    /// <summary>A high-visibility vest over the torso, so a person stands out from robots and payloads in a picture.</summary>
    HighVisibility,
}

/// <summary>A joint with a posture spring: stiffness in N/m or N·m/rad towards the standing pose, damping in
/// N·s/m or N·m·s/rad.</summary>
public sealed record SegmentJoint(string Name, JointKind Kind, Axis Axis, double Stiffness, double Damping);

/// <summary>A collision geom standing for one body region. Spheres and boxes use <see cref="Position"/> and
/// <see cref="Size"/> (radius; half extents); capsules run from <see cref="Position"/> to <see cref="End"/> with
/// radius Size[0].</summary>
public sealed record SegmentGeom(string Name, GeomShape Shape, BodyRegion Region, Surface Surface, Point3 Position, Point3 End, IReadOnlyList<double> Size);

/// <summary>One rigid body of the person. <see cref="Position"/> is its origin (the joint it turns about) in its
/// parent's frame; orientations are all identity in the standing pose.</summary>
/// <param name="Parent">The parent body's name; the person's root (mocap) body for the pelvis.</param>
/// <param name="Segment">The anthropometric segment it is built from.</param>
public sealed record BodySegment(
    string Name, string Parent, string Segment, Point3 Position, double MassKg, Point3 CenterOfMass, Point3 Inertia,
    IReadOnlyList<SegmentJoint> Joints, IReadOnlyList<SegmentGeom> Geoms);

/// <summary>
/// An articulated person built from an <see cref="Anthropometry"/> table for a given stature and mass: the bodies,
/// joints with posture springs, and collision geoms, each geom mapped to one ISO/TS 15066 body region. Engine-free:
/// the controller writes it as MJCF. Names: root body <c>&lt;id&gt;</c>, bodies, joints and geoms
/// <c>&lt;id&gt;_&lt;segment&gt;…</c>.
/// </summary>
public sealed class PersonBody
{
    public const double MinHeightM = 1.0;
    public const double MaxHeightM = 2.2;
    public const double MinMassKg = 20;
    public const double MaxMassKg = 200;
    private const double Gravity = 9.81;

    // Where the ankle sits over the foot, as a fraction of foot length from the heel: a modelling choice (the
    // lateral malleolus lies over the rear quarter of the foot); the table gives only heel-to-toe length.
    private const double AnkleFromHeel = 0.25;

    private PersonBody(string id, double heightM, double massKg, IReadOnlyList<BodySegment> bodies)
    {
        Id = id;
        HeightM = heightM;
        MassKg = massKg;
        Bodies = bodies;
    }

    public string Id { get; }

    public double HeightM { get; }

    public double MassKg { get; }

    /// <summary>The person's root body: a mocap body the scene places (keyframe mpos/mquat).</summary>
    public string RootBody => Id;

    /// <summary>Every body below the root, parents before children.</summary>
    public IReadOnlyList<BodySegment> Bodies { get; }

    /// <summary>Every geom of the person with its body and region: what a scene manifest needs.</summary>
    public IReadOnlyList<PersonRegionGeom> RegionGeoms() =>
        Bodies.SelectMany(b => b.Geoms.Select(g => new PersonRegionGeom(g.Name, b.Name, g.Region))).ToList();

    /// <summary>Why a person cannot be built from these values, or null when it can.</summary>
    public static string? Problem(string id, double heightM, double massKg) => IdProblem(id) ?? HeightProblem(heightM) ?? MassProblem(massKg);

    public static string? IdProblem(string id) =>
        id.Length > 0 && char.IsAsciiLetterLower(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            ? null
            : $"person id '{id}' is not a lower-case name (a-z, 0-9, _, starting with a letter)";

    public static string? HeightProblem(double heightM) =>
        double.IsFinite(heightM) && heightM >= MinHeightM && heightM <= MaxHeightM
            ? null
            : $"height {heightM.ToString(CultureInfo.InvariantCulture)} m is outside {MinHeightM}–{MaxHeightM} m (the adult range the anthropometric table is meant for)";

    public static string? MassProblem(double massKg) =>
        double.IsFinite(massKg) && massKg >= MinMassKg && massKg <= MaxMassKg
            ? null
            : $"mass {massKg.ToString(CultureInfo.InvariantCulture)} kg is outside {MinMassKg}–{MaxMassKg} kg";

    public static PersonBody Build(Anthropometry table, string id, double heightM, double massKg)
    {
        var problem = Problem(id, heightM, massKg);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }

        return new Builder(table, id, heightM, massKg).Build();
    }

    private sealed class Builder(Anthropometry table, string id, double height, double mass)
    {
        private readonly List<BodySegment> _bodies = [];

        private double Length(string segment) => table[segment].LengthFraction * height;

        private double Mass(string segment) => table[segment].MassFraction * mass;

        private double Dimension(string name) => table.DimensionFraction(name) * height;

        // A limb as a cylinder of tissue: its radius follows from mass, length and density.
        private double LimbRadius(string segment, double length) => Math.Sqrt(Mass(segment) / (table.TissueDensityKgPerM3 * Math.PI * length));

        // A trunk part as an elliptic cylinder of the given width: its front-to-back depth follows from mass and length.
        private double TrunkDepth(string segment, double width) => 4 * Mass(segment) / (table.TissueDensityKgPerM3 * Length(segment) * Math.PI * width);

        public PersonBody Build()
        {
            var standing = new[] { "head", "upper_trunk", "middle_trunk", "lower_trunk", "thigh", "shank" }.Sum(Length);
            var ankleZ = height - standing;
            var hipZ = ankleZ + Length("shank") + Length("thigh");
            var xiphionZ = hipZ + Length("lower_trunk") + Length("middle_trunk");
            var cervicaleZ = xiphionZ + Length("upper_trunk");
            var shoulderZ = Dimension("shoulder_height");
            if (shoulderZ <= xiphionZ || shoulderZ >= cervicaleZ)
            {
                throw new InvalidOperationException(
                    $"the anthropometric table puts the shoulders at {shoulderZ:0.###} m, outside the upper trunk ({xiphionZ:0.###}–{cervicaleZ:0.###} m)");
            }

            var handLength = Dimension("hand_length");
            var rUpperArm = LimbRadius("upper_arm", Length("upper_arm"));
            var rForearm = LimbRadius("forearm", Length("forearm"));
            var rHand = LimbRadius("hand", handLength);
            var rThigh = LimbRadius("thigh", Length("thigh"));
            var rShank = LimbRadius("shank", Length("shank"));
            var hipWidth = Dimension("hip_width");
            var shoulderY = Dimension("shoulder_width") / 2 - rUpperArm;
            var hipY = hipWidth / 2 - rThigh;
            var thoraxWidth = 2 * (shoulderY - rUpperArm);

            // Trunk: pelvis (lower trunk) hangs from the root; abdomen (middle trunk) and thorax (upper trunk) above it.
            var lower = Length("lower_trunk");
            var pelvisDepth = TrunkDepth("lower_trunk", hipWidth);
            var pelvisBottom = -rThigh; // the pelvis reaches below the hip joint centres, over the tops of the thighs
            Add("pelvis", id, "lower_trunk", new Point3(0, 0, hipZ), Upright("lower_trunk"),
                [Box("pelvis", BodyRegion.Pelvis, Surface.Clothing, new Point3(0, 0, (lower + pelvisBottom) / 2), pelvisDepth / 2, hipWidth / 2, (lower - pelvisBottom) / 2)]);

            var middle = Length("middle_trunk");
            var abdomenDepth = TrunkDepth("middle_trunk", hipWidth);
            Add("abdomen", Name("pelvis"), "middle_trunk", new Point3(0, 0, lower), Upright("middle_trunk"),
            [
                Box("abdomen", BodyRegion.Abdomen, Surface.HighVisibility, new Point3(abdomenDepth / 4, 0, middle / 2), abdomenDepth / 4, hipWidth / 2, middle / 2),
                Box("lower_back", BodyRegion.BackShoulders, Surface.HighVisibility, new Point3(-abdomenDepth / 4, 0, middle / 2), abdomenDepth / 4, hipWidth / 2, middle / 2),
            ]);

            var upper = Length("upper_trunk");
            var thoraxDepth = TrunkDepth("upper_trunk", thoraxWidth);
            Add("thorax", Name("abdomen"), "upper_trunk", new Point3(0, 0, middle), Upright("upper_trunk"),
            [
                Box("chest", BodyRegion.Chest, Surface.HighVisibility, new Point3(thoraxDepth / 4, 0, upper / 2), thoraxDepth / 4, thoraxWidth / 2, upper / 2),
                Box("upper_back", BodyRegion.BackShoulders, Surface.HighVisibility, new Point3(-thoraxDepth / 4, 0, upper / 2), thoraxDepth / 4, thoraxWidth / 2, upper / 2),
            ]);

            // Head: de Leva's head segment runs from the vertex down to C7 and includes the neck.
            var head = Length("head");
            var rSkull = Math.Cbrt(3 * Mass("head") / (4 * Math.PI * table.TissueDensityKgPerM3));
            var skullCentre = new Point3(0, 0, head - rSkull);
            var faceZ = skullCentre.Z - 0.4 * rSkull;
            Add("head", Name("thorax"), "head", new Point3(0, 0, upper), Upright("head"),
            [
                Sphere("skull", BodyRegion.SkullForehead, Surface.Hair, skullCentre, rSkull),
                Capsule("face", BodyRegion.Face, Surface.Skin, new Point3(0.7 * rSkull, -0.35 * rSkull, faceZ), new Point3(0.7 * rSkull, 0.35 * rSkull, faceZ), 0.42 * rSkull),
                Capsule("neck", BodyRegion.Neck, Surface.Skin, new Point3(0, 0, 0), skullCentre, 0.5 * rSkull),
            ]);

            foreach (var (side, sign) in new[] { ("l", 1.0), ("r", -1.0) })
            {
                AddLimb($"upper_arm_{side}", Name("thorax"), "upper_arm", new Point3(0, sign * shoulderY, shoulderZ - xiphionZ), Length("upper_arm"), rUpperArm, BodyRegion.UpperArmElbow, Surface.Clothing, inset: 0);
                AddLimb($"lower_arm_{side}", Name($"upper_arm_{side}"), "forearm", new Point3(0, 0, -Length("upper_arm")), Length("forearm"), rForearm, BodyRegion.LowerArmWrist, Surface.Skin, inset: 0);
                // The hand geom reaches the fingertips; de Leva's hand segment (its mass and inertia) stops at the knuckles.
                Add($"hand_{side}", Name($"lower_arm_{side}"), "hand", new Point3(0, 0, -Length("forearm")), Hanging("hand"),
                    [Capsule($"hand_{side}", BodyRegion.HandFingers, Surface.Skin, new Point3(0, 0, 0), new Point3(0, 0, -(handLength - rHand)), rHand)]);

                AddLimb($"thigh_{side}", Name("pelvis"), "thigh", new Point3(0, sign * hipY, 0), Length("thigh"), rThigh, BodyRegion.ThighKnee, Surface.Clothing, inset: 0);
                // The shank stops one radius above the ankle, so its rounded end rests on the foot, not in the floor.
                AddLimb($"lower_leg_{side}", Name($"thigh_{side}"), "shank", new Point3(0, 0, -Length("thigh")), Length("shank"), rShank, BodyRegion.LowerLeg, Surface.Clothing, inset: rShank);
                AddFoot(side, ankleZ);
            }

            AddJoints(hipZ);
            return new PersonBody(id, height, mass, _bodies);
        }

        private string Name(string part) => $"{id}_{part}";

        private void Add(string part, string parent, string segment, Point3 position, (Point3 Com, Point3 Inertia) inertial, IReadOnlyList<SegmentGeom> geoms) =>
            _bodies.Add(new BodySegment(Name(part), parent, segment, position, Mass(segment), inertial.Com, inertial.Inertia, [], geoms));

        private void AddLimb(string part, string parent, string segment, Point3 position, double length, double radius, BodyRegion region, Surface surface, double inset) =>
            Add(part, parent, segment, position, Hanging(segment),
                [Capsule(part, region, surface, new Point3(0, 0, 0), new Point3(0, 0, -(length - inset)), radius)]);

        private void AddFoot(string side, double ankleZ)
        {
            var p = table["foot"];
            var length = Length("foot");
            var m = Mass("foot");
            var heelX = -AnkleFromHeel * length;
            var com = new Point3(heelX + p.CenterOfMassFromProximal * length, 0, -ankleZ / 2);
            // The foot lies along x: its longitudinal axis is x, its sagittal (upright-segment) axis is z.
            var inertia = new Point3(m * Square(p.GyrationLongitudinal * length), m * Square(p.GyrationTransverse * length), m * Square(p.GyrationSagittal * length));
            _bodies.Add(new BodySegment(Name($"foot_{side}"), Name($"lower_leg_{side}"), "foot", new Point3(0, 0, -Length("shank")), m, com, inertia, [],
                [Box($"foot_{side}", BodyRegion.LowerLeg, Surface.Shoe, new Point3(heelX + length / 2, 0, -ankleZ / 2), length / 2, Dimension("foot_width") / 2, ankleZ / 2)]));
        }

        // Trunk parts and the head: de Leva measures their centre of mass from the upper endpoint; the body origin is
        // the lower one (the joint the part turns about).
        private (Point3, Point3) Upright(string segment) =>
            (new Point3(0, 0, (1 - table[segment].CenterOfMassFromProximal) * Length(segment)), Inertia(segment));

        // Limbs hang from their proximal joint: the centre of mass lies below the body origin.
        private (Point3, Point3) Hanging(string segment) =>
            (new Point3(0, 0, -table[segment].CenterOfMassFromProximal * Length(segment)), Inertia(segment));

        private Point3 Inertia(string segment)
        {
            var p = table[segment];
            var length = Length(segment);
            var m = Mass(segment);
            return new Point3(m * Square(p.GyrationSagittal * length), m * Square(p.GyrationTransverse * length), m * Square(p.GyrationLongitudinal * length));
        }

        private SegmentGeom Box(string part, BodyRegion region, Surface surface, Point3 centre, double hx, double hy, double hz) =>
            new(Name(part), GeomShape.Box, region, surface, centre, centre, [hx, hy, hz]);

        private SegmentGeom Sphere(string part, BodyRegion region, Surface surface, Point3 centre, double radius) =>
            new(Name(part), GeomShape.Sphere, region, surface, centre, centre, [radius]);

        private SegmentGeom Capsule(string part, BodyRegion region, Surface surface, Point3 from, Point3 to, double radius) =>
            new(Name(part), GeomShape.Capsule, region, surface, from, to, [radius]);

        private void AddJoints(double hipZ)
        {
            var posture = table.Posture;
            var world = WorldOrigins();
            var legShank = Length("shank");
            var legThigh = Length("thigh");
            var legFloor = posture.LegBucklingMargin * (mass * Gravity / 2) * legThigh * legShank / (legThigh + legShank);
            for (var i = 0; i < _bodies.Count; i++)
            {
                var body = _bodies[i];
                var joints = new List<SegmentJoint>();
                var part = body.Name[(id.Length + 1)..];
                switch (part)
                {
                    case "pelvis":
                        var omegaH = 2 * Math.PI * posture.RootHorizontalFrequencyHz;
                        var omegaV = 2 * Math.PI * posture.RootVerticalFrequencyHz;
                        joints.Add(Slide("root_x", Axis.X, mass * omegaH * omegaH));
                        joints.Add(Slide("root_y", Axis.Y, mass * omegaH * omegaH));
                        joints.Add(Slide("root_z", Axis.Z, mass * omegaV * omegaV));
                        foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
                        {
                            joints.Add(Hinge($"root_{Suffix(axis)}_rot", body, world, axis, posture.RootRotationFrequencyHz, 0));
                        }

                        break;
                    case "abdomen":
                        joints.AddRange(Hinges("lumbar", body, world, [Axis.X, Axis.Y, Axis.Z], 0));
                        break;
                    case "thorax":
                        joints.AddRange(Hinges("thoracic", body, world, [Axis.X, Axis.Y], 0));
                        break;
                    case "head":
                        joints.AddRange(Hinges("neck", body, world, [Axis.X, Axis.Y, Axis.Z], 0));
                        break;
                    case "upper_arm_l" or "upper_arm_r":
                        joints.AddRange(Hinges($"shoulder_{part[^1]}", body, world, [Axis.X, Axis.Y, Axis.Z], 0));
                        break;
                    case "lower_arm_l" or "lower_arm_r":
                        joints.Add(Hinge($"elbow_{part[^1]}", body, world, Axis.Y, posture.JointFrequencyHz, 0));
                        break;
                    case "hand_l" or "hand_r":
                        joints.AddRange(Hinges($"wrist_{part[^1]}", body, world, [Axis.X, Axis.Y], 0));
                        break;
                    case "thigh_l" or "thigh_r":
                        joints.AddRange(Hinges($"hip_{part[^1]}", body, world, [Axis.X, Axis.Y], legFloor));
                        joints.AddRange(Hinges($"hip_{part[^1]}", body, world, [Axis.Z], 0));
                        break;
                    case "lower_leg_l" or "lower_leg_r":
                        joints.Add(Hinge($"knee_{part[^1]}", body, world, Axis.Y, posture.JointFrequencyHz, legFloor));
                        break;
                    case "foot_l" or "foot_r":
                        joints.AddRange(Hinges($"ankle_{part[^1]}", body, world, [Axis.X, Axis.Y], legFloor));
                        break;
                    default:
                        throw new InvalidOperationException($"no joints defined for body part '{part}'");
                }

                _bodies[i] = body with { Joints = joints };
            }

            SegmentJoint Slide(string name, Axis axis, double stiffness) =>
                new(Name(name), JointKind.Slide, axis, stiffness, 2 * posture.DampingRatio * Math.Sqrt(stiffness * mass));

            IEnumerable<SegmentJoint> Hinges(string joint, BodySegment body, Dictionary<string, Point3> world, Axis[] axes, double minimumStiffness) =>
                axes.Select(axis => Hinge($"{joint}_{Suffix(axis)}", body, world, axis, posture.JointFrequencyHz, minimumStiffness));
        }

        private static string Suffix(Axis axis) => axis switch { Axis.X => "x", Axis.Y => "y", _ => "z" };

        // A posture spring: I ω² for the inertia the joint turns, plus the gravity moment m g h of whatever stands above
        // it (an inverted pendulum would otherwise fold), at least the given floor.
        private SegmentJoint Hinge(string name, BodySegment body, Dictionary<string, Point3> world, Axis axis, double frequencyHz, double minimumStiffness)
        {
            var pivot = world[body.Name];
            var subtree = Subtree(body.Name);
            var inertia = 0.0;
            var subtreeMass = 0.0;
            var momentZ = 0.0;
            foreach (var b in subtree)
            {
                var com = world[b.Name] + b.CenterOfMass - pivot;
                var distanceSquared = com.X * com.X + com.Y * com.Y + com.Z * com.Z - Square(com.Component(axis));
                inertia += b.Inertia.Component(axis) + b.MassKg * distanceSquared;
                subtreeMass += b.MassKg;
                momentZ += b.MassKg * com.Z;
            }

            var omega = 2 * Math.PI * frequencyHz;
            var gravity = axis == Axis.Z ? 0 : Math.Max(0, Gravity * momentZ);
            var stiffness = Math.Max(inertia * omega * omega + gravity, minimumStiffness);
            return new SegmentJoint(Name(name), JointKind.Hinge, axis, stiffness, 2 * table.Posture.DampingRatio * Math.Sqrt(stiffness * inertia));
        }

        private List<BodySegment> Subtree(string root)
        {
            var names = new HashSet<string>(StringComparer.Ordinal) { root };
            var result = new List<BodySegment>();
            foreach (var b in _bodies)
            {
                if (b.Name == root || names.Contains(b.Parent))
                {
                    names.Add(b.Name);
                    result.Add(b);
                }
            }

            return result;
        }

        private Dictionary<string, Point3> WorldOrigins()
        {
            var world = new Dictionary<string, Point3>(StringComparer.Ordinal) { [id] = new Point3(0, 0, 0) };
            foreach (var b in _bodies)
            {
                world[b.Name] = world[b.Parent] + b.Position;
            }

            return world;
        }

        private static double Square(double x) => x * x;
    }
}
