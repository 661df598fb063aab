using System.Text.Json.Serialization;
using Testbed.Sim.V1;

namespace Testbed.Controller.Trajectories;

/// <summary>What each value of a <see cref="SimState"/> is, by name: the column names of a trajectory's state and the
/// words a replay uses to say where it diverged. Built from the bridge's model description; kept in the trajectory so
/// that a file can be read without a bridge.</summary>
public sealed record StateLayout
{
    [JsonPropertyName("qpos")] public required IReadOnlyList<string> Qpos { get; init; }
    [JsonPropertyName("qvel")] public required IReadOnlyList<string> Qvel { get; init; }
    [JsonPropertyName("act")] public required IReadOnlyList<string> Act { get; init; }
    [JsonPropertyName("ctrl")] public required IReadOnlyList<string> Ctrl { get; init; }
    [JsonPropertyName("mocap_pos")] public required IReadOnlyList<string> MocapPos { get; init; }
    [JsonPropertyName("mocap_quat")] public required IReadOnlyList<string> MocapQuat { get; init; }
    /// <summary>Named like <see cref="Qvel"/>: the solver's warm start has one value per degree of freedom.</summary>
    [JsonPropertyName("qacc_warmstart")] public required IReadOnlyList<string> QaccWarmstart { get; init; }
    /// <summary>One per geom, by name (geom#id for an unnamed one): the region springs' compressions. Absent from
    /// trajectories recorded before the bridge carried them.</summary>
    [JsonPropertyName("contact_compression")] public IReadOnlyList<string> ContactCompression { get; init; } = [];

    /// <summary>Names for a model: a hinge or slide joint's value is its name; a free joint's are name/x, /y, /z, /qw,
    /// /qx, /qy, /qz in qpos and name/vx … /wz in qvel; a ball joint's name/qw … /qz and name/wx … /wz. Actuators by
    /// name; mocap bodies as body/x … and body/qw …; activations as act/index; geoms by name.</summary>
    public static StateLayout Of(ModelDescription model)
    {
        var qpos = new List<string>();
        var qvel = new List<string>();
        var addresses = model.JointQposAddresses;
        if (addresses.Count != model.JointNames.Count)
        {
            throw new ArgumentException($"the bridge described {model.JointNames.Count} joints but {addresses.Count} qpos addresses; expected one per joint (a bridge older than joint_qpos_addresses cannot record trajectories)");
        }
        for (var j = 0; j < addresses.Count; j++)
        {
            var end = j + 1 < addresses.Count ? addresses[j + 1] : (int)model.Nq;
            var name = model.JointNames[j].Length > 0 ? model.JointNames[j] : $"joint#{j}";
            switch (end - addresses[j])
            {
                case 7:
                    qpos.AddRange(Suffixed(name, "x", "y", "z", "qw", "qx", "qy", "qz"));
                    qvel.AddRange(Suffixed(name, "vx", "vy", "vz", "wx", "wy", "wz"));
                    break;
                case 4:
                    qpos.AddRange(Suffixed(name, "qw", "qx", "qy", "qz"));
                    qvel.AddRange(Suffixed(name, "wx", "wy", "wz"));
                    break;
                case 1:
                    qpos.Add(name);
                    qvel.Add(name);
                    break;
                default:
                    throw new ArgumentException($"joint '{name}' spans {end - addresses[j]} qpos values; expected 7 (free), 4 (ball) or 1 (hinge, slide)");
            }
        }
        if (qpos.Count != model.Nq || qvel.Count != model.Nv)
        {
            throw new ArgumentException($"the joints name {qpos.Count} qpos and {qvel.Count} qvel values; the model has nq={model.Nq}, nv={model.Nv}");
        }
        var mocapPos = model.MocapBodyNames.SelectMany(b => Suffixed(b, "x", "y", "z")).ToArray();
        var mocapQuat = model.MocapBodyNames.SelectMany(b => Suffixed(b, "qw", "qx", "qy", "qz")).ToArray();
        return new StateLayout
        {
            Qpos = qpos, Qvel = qvel, QaccWarmstart = qvel,
            Act = Enumerable.Range(0, (int)model.Na).Select(i => $"act{i}").ToArray(),
            Ctrl = model.Actuators.Select(a => a.Name).ToArray(),
            MocapPos = mocapPos, MocapQuat = mocapQuat,
            ContactCompression = model.Geoms.Select((g, i) => g.Name.Length > 0 ? g.Name : $"geom#{i}").ToArray(),
        };
    }

    /// <summary>The state's fields in the order a trajectory stores them, with their names and values.</summary>
    public IEnumerable<(string Field, IReadOnlyList<string> Names)> Fields()
    {
        yield return ("qpos", Qpos);
        yield return ("qvel", Qvel);
        yield return ("act", Act);
        yield return ("ctrl", Ctrl);
        yield return ("mocap_pos", MocapPos);
        yield return ("mocap_quat", MocapQuat);
        yield return ("qacc_warmstart", QaccWarmstart);
        yield return ("contact_compression", ContactCompression);
    }

    public static IReadOnlyList<double> Values(SimState state, string field) => field switch
    {
        "qpos" => state.Qpos,
        "qvel" => state.Qvel,
        "act" => state.Act,
        "ctrl" => state.Ctrl,
        "mocap_pos" => state.MocapPos,
        "mocap_quat" => state.MocapQuat,
        "qacc_warmstart" => state.QaccWarmstart,
        "contact_compression" => state.ContactCompression,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a SimState field"),
    };

    /// <summary>The differences between two layouts, e.g. a joint added to the scene since the recording.</summary>
    public IReadOnlyList<string> Differences(StateLayout other)
    {
        var differences = new List<string>();
        foreach (var ((field, mine), (_, theirs)) in Fields().Zip(other.Fields()))
        {
            if (mine.SequenceEqual(theirs, StringComparer.Ordinal)) continue;
            var missing = mine.Except(theirs, StringComparer.Ordinal).Take(3).ToArray();
            var added = theirs.Except(mine, StringComparer.Ordinal).Take(3).ToArray();
            differences.Add($"{field}: {mine.Count} values recorded, {theirs.Count} now"
                + (missing.Length > 0 ? $"; gone: {string.Join(", ", missing)}" : "")
                + (added.Length > 0 ? $"; new: {string.Join(", ", added)}" : ""));
        }
        return differences;
    }

    private static IEnumerable<string> Suffixed(string name, params string[] parts) => parts.Select(p => $"{name}/{p}");
}
