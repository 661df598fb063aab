using Testbed.Domain.Input;

namespace Testbed.Domain.Harm;

/// <summary>
/// A region of the site the robot and its payload must not enter while a person is inside it, in world
/// coordinates: an axis-aligned box or a vertical cylinder.
/// </summary>
public abstract record ExclusionZone(string Id)
{
    public abstract bool Contains(WorldPoint point);

    /// <summary>
    /// Reads <c>{"id", "shape": "box", "min": [x, y, z], "max": [x, y, z]}</c> or
    /// <c>{"id", "shape": "vertical_cylinder", "center": [x, y], "radius", "z_min", "z_max"}</c>, in metres.
    /// </summary>
    public static ExclusionZone Read(InputNode node)
    {
        var shapeNode = node.Required("shape");
        var shape = shapeNode.AsString();
        switch (shape)
        {
            case BoxZone.Shape:
            {
                node.ExpectOnly("id", "shape", "min", "max");
                var min = Coordinates(node, "min", 3);
                var max = Coordinates(node, "max", 3);
                for (var axis = 0; axis < 3; axis++)
                {
                    if (!(max[axis] > min[axis]))
                    {
                        throw node.Fail("max", $"[{string.Join(", ", max)}] is not above min [{string.Join(", ", min)}] on every axis", "max > min on x, y and z");
                    }
                }

                return new BoxZone(node.NonEmptyString("id"), new WorldPoint(min[0], min[1], min[2]), new WorldPoint(max[0], max[1], max[2]));
            }

            case VerticalCylinderZone.Shape:
            {
                node.ExpectOnly("id", "shape", "center", "radius", "z_min", "z_max");
                var center = Coordinates(node, "center", 2);
                var zMin = node.Number("z_min");
                var zMax = node.Number("z_max");
                if (!(zMax > zMin))
                {
                    throw node.Fail("z_max", $"{zMax} is not above z_min {zMin}", "z_max > z_min");
                }

                return new VerticalCylinderZone(node.NonEmptyString("id"), center[0], center[1], node.PositiveNumber("radius"), zMin, zMax);
            }

            default:
                throw shapeNode.Fail($"'{shape}' is not a zone shape", $"{BoxZone.Shape} or {VerticalCylinderZone.Shape}");
        }
    }

    private static double[] Coordinates(InputNode node, string name, int count)
    {
        var items = node.Array(name);
        if (items.Count != count)
        {
            throw node.Fail(name, $"has {items.Count} number(s)", $"{count} coordinates in metres");
        }

        return items.Select(item => item.AsNumber()).ToArray();
    }
}

/// <summary>An axis-aligned box, bounds included.</summary>
public sealed record BoxZone(string Id, WorldPoint Min, WorldPoint Max) : ExclusionZone(Id)
{
    public const string Shape = "box";

    public override bool Contains(WorldPoint point) =>
        point.X >= Min.X && point.X <= Max.X && point.Y >= Min.Y && point.Y <= Max.Y && point.Z >= Min.Z && point.Z <= Max.Z;
}

/// <summary>A cylinder with a vertical axis through (CenterX, CenterY), from ZMin to ZMax, bounds included.</summary>
public sealed record VerticalCylinderZone(string Id, double CenterX, double CenterY, double Radius, double ZMin, double ZMax) : ExclusionZone(Id)
{
    public const string Shape = "vertical_cylinder";

    public override bool Contains(WorldPoint point)
    {
        var (dx, dy) = (point.X - CenterX, point.Y - CenterY);
        return point.Z >= ZMin && point.Z <= ZMax && dx * dx + dy * dy <= Radius * Radius;
    }
}
