namespace Testbed.Domain.Harm;

/// <summary>The twelve body regions of ISO/TS 15066 Annex A (Tables A.2 and A.3).</summary>
public enum BodyRegion
{
    SkullForehead,
    Face,
    Neck,
    BackShoulders,
    Chest,
    Abdomen,
    Pelvis,
    UpperArmElbow,
    LowerArmWrist,
    HandFingers,
    ThighKnee,
    LowerLeg,
}

/// <summary>
/// The snake_case ids that scene manifests, the body model file and episode records use for <see cref="BodyRegion"/>.
/// The mapping is written out rather than derived from the enum names so that renaming a C# member can never
/// silently change a file format.
/// </summary>
public static class BodyRegionIds
{
    private static readonly (BodyRegion Region, string Id)[] Table =
    [
        (BodyRegion.SkullForehead, "skull_forehead"),
        (BodyRegion.Face, "face"),
        (BodyRegion.Neck, "neck"),
        (BodyRegion.BackShoulders, "back_shoulders"),
        (BodyRegion.Chest, "chest"),
        (BodyRegion.Abdomen, "abdomen"),
        (BodyRegion.Pelvis, "pelvis"),
        (BodyRegion.UpperArmElbow, "upper_arm_elbow"),
        (BodyRegion.LowerArmWrist, "lower_arm_wrist"),
        (BodyRegion.HandFingers, "hand_fingers"),
        (BodyRegion.ThighKnee, "thigh_knee"),
        (BodyRegion.LowerLeg, "lower_leg"),
    ];

    /// <summary>All ids in enum order, for error messages that list what is accepted.</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(entry => entry.Id).ToArray();

    public static string ToId(this BodyRegion region)
    {
        foreach (var entry in Table)
        {
            if (entry.Region == region)
            {
                return entry.Id;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(region), region, "not a body region");
    }

    /// <summary>Exact, case-sensitive match: ids in files are written one way only.</summary>
    public static bool TryParse(string? id, out BodyRegion region)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Id, id, StringComparison.Ordinal))
            {
                region = entry.Region;
                return true;
            }
        }

        region = default;
        return false;
    }

    public static BodyRegion Parse(string id) =>
        TryParse(id, out var region)
            ? region
            : throw new FormatException($"'{id}' is not a body region id; expected one of {string.Join(", ", All)}");
}
