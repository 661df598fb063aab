using System.Numerics;
using Testbed.Sim.V1;

namespace Testbed.Controller.Playback;

/// <summary>A pose in the world frame: position (m) and orientation (unit quaternion).</summary>
public readonly record struct BodyPose(Vector3 Position, Quaternion Orientation)
{
    public static BodyPose Of(BodyState body) => new(
        new Vector3((float)body.Position.X, (float)body.Position.Y, (float)body.Position.Z),
        new Quaternion((float)body.Orientation.X, (float)body.Orientation.Y, (float)body.Orientation.Z, (float)body.Orientation.W));

    /// <summary>This pose composed with a pose given in its frame.</summary>
    public BodyPose Then(Vector3 localPosition, Quaternion localOrientation) =>
        new(Position + Vector3.Transform(localPosition, Orientation), Quaternion.Normalize(Orientation * localOrientation));

    public Vector3 ToWorld(Vector3 local) => Position + Vector3.Transform(local, Orientation);
}

/// <summary>A geom as drawn: its shape, size, body, pose in the body's frame and colour (as the bridge describes it).</summary>
public sealed record DrawnGeom(string Name, string Body, string Type, double[] Size, Vector3 LocalPosition, Quaternion LocalOrientation, double[] Rgba)
{
    /// <summary>Radius of a sphere about the geom's centre that encloses it (planes: none, +∞).</summary>
    public double BoundingRadiusM => Type switch
    {
        "sphere" => Size[0],
        "capsule" => Size[0] + Size[1],
        "cylinder" => Math.Sqrt((Size[0] * Size[0]) + (Size[1] * Size[1])),
        "box" or "ellipsoid" => Math.Sqrt((Size[0] * Size[0]) + (Size[1] * Size[1]) + (Size[2] * Size[2])),
        _ => double.PositiveInfinity,
    };
}

/// <summary>
/// The geoms of a model that a viewer draws: those MuJoCo's own viewer shows by default (visualisation groups 0 to 2)
/// with a shape a viewer can build from sizes alone (plane, sphere, capsule, ellipsoid, cylinder, box) and not fully
/// transparent. Meshes and height fields are left out (the bridge does not export their data) and named in
/// <see cref="LeftOut"/>.
/// </summary>
public sealed class SceneGeometry
{
    private static readonly HashSet<string> Shapes = new(StringComparer.Ordinal) { "plane", "sphere", "capsule", "ellipsoid", "cylinder", "box" };

    private SceneGeometry(IReadOnlyList<DrawnGeom> geoms, IReadOnlyList<string> leftOut)
    {
        Geoms = geoms;
        LeftOut = leftOut;
        Bodies = geoms.Select(g => g.Body).Distinct(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<DrawnGeom> Geoms { get; }
    /// <summary>Every body that carries a drawn geom.</summary>
    public IReadOnlyList<string> Bodies { get; }
    /// <summary>Geoms in a visible group that cannot be drawn, with their type.</summary>
    public IReadOnlyList<string> LeftOut { get; }

    public static SceneGeometry Of(ModelDescription model)
    {
        var drawn = new List<DrawnGeom>();
        var leftOut = new List<string>();
        foreach (var g in model.Geoms)
        {
            if (g.Group > 2 || (g.Rgba.Count == 4 && g.Rgba[3] <= 0)) continue;
            if (!Shapes.Contains(g.Type))
            {
                leftOut.Add($"{g.Name} ({g.Type})");
                continue;
            }
            var position = g.LocalPosition is { } p ? new Vector3((float)p.X, (float)p.Y, (float)p.Z) : Vector3.Zero;
            var orientation = g.LocalOrientation is { } q ? new Quaternion((float)q.X, (float)q.Y, (float)q.Z, (float)q.W) : Quaternion.Identity;
            var rgba = g.Rgba.Count == 4 ? g.Rgba.ToArray() : [0.5, 0.5, 0.5, 1];
            drawn.Add(new DrawnGeom(g.Name, g.Body, g.Type, g.Size.ToArray(), position, orientation, rgba));
        }
        return new SceneGeometry(drawn, leftOut);
    }

    public DrawnGeom? Find(string name) => Geoms.FirstOrDefault(g => g.Name == name);
}
