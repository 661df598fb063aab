using Testbed.Domain.Input;

namespace Testbed.Domain.Harm;

/// <summary>What shape of a robot or payload part meets a person: it decides the contact area, hence the pressure.</summary>
public enum ContactSurfaceKind
{
    Edge,
    Corner,
    Face,
    ToolTip,
}

/// <summary>The snake_case ids scene manifests and episode records use for <see cref="ContactSurfaceKind"/>.</summary>
public static class ContactSurfaceKinds
{
    private static readonly (ContactSurfaceKind Kind, string Id)[] Table =
    [
        (ContactSurfaceKind.Edge, "edge"),
        (ContactSurfaceKind.Corner, "corner"),
        (ContactSurfaceKind.Face, "face"),
        (ContactSurfaceKind.ToolTip, "tool_tip"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(entry => entry.Id).ToArray();

    public static string ToId(this ContactSurfaceKind kind) =>
        Table.Single(entry => entry.Kind == kind).Id;

    public static bool TryParse(string? id, out ContactSurfaceKind kind)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Id, id, StringComparison.Ordinal))
            {
                kind = entry.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>
/// The declared contact area of a robot or payload geom: MuJoCo contacts are points, so the area a part presses on
/// a person with comes from the scene manifest. A part that can touch with several features (a tote's face and its
/// corner) is declared with the smallest area it can touch with, which gives the highest pressure.
/// </summary>
/// <param name="Geom">The robot or payload geom in the MJCF.</param>
/// <param name="AreaCm2">Contact area in cm² (the unit of the Table A.2 pressure limits).</param>
public sealed record ContactSurface(string Geom, ContactSurfaceKind Kind, double AreaCm2)
{
    /// <summary>Reads <c>{"geom": "…", "kind": "edge|corner|face|tool_tip", "area_cm2": …}</c>.</summary>
    public static ContactSurface Read(InputNode node)
    {
        node.ExpectOnly("geom", "kind", "area_cm2");
        var kindNode = node.Required("kind");
        var kindId = kindNode.AsString();
        if (!ContactSurfaceKinds.TryParse(kindId, out var kind))
        {
            throw kindNode.Fail($"'{kindId}' is not a contact surface kind", $"one of {string.Join(", ", ContactSurfaceKinds.All)}");
        }

        return new ContactSurface(node.NonEmptyString("geom"), kind, node.PositiveNumber("area_cm2"));
    }

    /// <summary>Reads an array of surfaces; a geom declared twice is an error, since its area would be ambiguous.</summary>
    public static IReadOnlyList<ContactSurface> ReadAll(InputNode array)
    {
        var surfaces = new List<ContactSurface>();
        foreach (var item in array.AsArray())
        {
            var surface = Read(item);
            if (surfaces.Any(s => s.Geom == surface.Geom))
            {
                throw item.Fail("geom", $"'{surface.Geom}' is declared more than once", "one contact area per geom");
            }

            surfaces.Add(surface);
        }

        return surfaces;
    }
}
