using Testbed.Domain.Input;

namespace Testbed.Domain.Harm;

/// <summary>
/// Limits and parameters of the harm kinds beyond contact force, with provenance: head injury, separation
/// monitoring, dropped payloads, environment damage. Pressure and transferred energy take their limits from
/// <see cref="BodyModel"/>. Like the body model these are data (an embedded JSON file), so each number sits next to
/// its source and tag in one place a reviewer can check.
/// </summary>
public sealed class HarmKindLimits
{
    public const string Schema = "testbed.harm-kinds/v1";
    public const string ResourceName = "Testbed.Domain.Harm.harm-kinds.json";

    private HarmKindLimits(
        string title,
        IReadOnlyDictionary<string, string> provenanceTags,
        IReadOnlyDictionary<string, string> sources,
        SourcedValue standardGravityMps2,
        HeadInjuryLimits headInjury,
        SeparationLimits separation,
        DroppedPayloadLimits droppedPayload,
        EnvironmentDamageLimits environmentDamage)
    {
        Title = title;
        ProvenanceTags = provenanceTags;
        Sources = sources;
        StandardGravityMps2 = standardGravityMps2;
        HeadInjury = headInjury;
        Separation = separation;
        DroppedPayload = droppedPayload;
        EnvironmentDamage = environmentDamage;
    }

    public string Title { get; }

    /// <summary>Tag → meaning (V1, V2, V2×2, D, R, C).</summary>
    public IReadOnlyDictionary<string, string> ProvenanceTags { get; }

    /// <summary>Source text per harm kind id (<see cref="HarmEventKinds"/>), for every kind but contact force.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>g, to convert m/s² to g (head injury) and for m·g·h (dropped payload).</summary>
    public SourcedValue StandardGravityMps2 { get; }

    public HeadInjuryLimits HeadInjury { get; }

    public SeparationLimits Separation { get; }

    public DroppedPayloadLimits DroppedPayload { get; }

    public EnvironmentDamageLimits EnvironmentDamage { get; }

    /// <summary>The limits embedded in this assembly.</summary>
    public static HarmKindLimits LoadEmbedded()
    {
        using var stream = typeof(HarmKindLimits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from {typeof(HarmKindLimits).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), ResourceName);
    }

    /// <summary>Parses and validates the limits; <paramref name="origin"/> names the text in errors.</summary>
    public static HarmKindLimits Parse(string json, string origin)
    {
        var root = InputNode.Parse(json, origin);
        root.ExpectOnly(
            "schema", "title", "provenance_tags", "sources", "standard_gravity_mps2", "head_injury_criterion", "separation",
            "dropped_payload", "environment_damage");

        var schema = root.String("schema");
        if (schema != Schema)
        {
            throw root.Fail("schema", $"'{schema}' is not supported", $"\"{Schema}\"");
        }

        var tags = root.Object("provenance_tags").AsTextTable();
        var sourcesNode = root.Object("sources");
        var sources = sourcesNode.AsTextTable();
        foreach (var kind in HarmEventKinds.All.Where(k => k != HarmEventKinds.ContactForce))
        {
            if (!sources.ContainsKey(kind))
            {
                throw sourcesNode.Fail(kind, "missing source", "a source text for every harm kind but contact_force");
            }
        }

        var values = new SourcedValueReader(tags);
        return new HarmKindLimits(
            root.NonEmptyString("title"),
            tags,
            sources,
            values.Positive(root, "standard_gravity_mps2"),
            ReadHeadInjury(root.Object("head_injury_criterion"), values),
            ReadSeparation(root.Object("separation"), values),
            ReadDroppedPayload(root.Object("dropped_payload"), values),
            ReadEnvironmentDamage(root.Object("environment_damage"), values));
    }

    private static HeadInjuryLimits ReadHeadInjury(InputNode node, SourcedValueReader values)
    {
        node.ExpectOnly("window_s", "max_sample_interval_s", "limits", "risk_curves");
        var limitsNode = node.Object("limits");
        var limits = limitsNode.Properties().ToDictionary(p => p.Name, p => values.Positive(p.Value), StringComparer.Ordinal);
        if (!limits.ContainsKey(HeadInjuryLimits.AdultPopulation))
        {
            throw limitsNode.Fail(HeadInjuryLimits.AdultPopulation, "missing population", "a limit for the adult population at least");
        }

        var curves = new List<AisRiskCurve>();
        foreach (var curveNode in node.Array("risk_curves"))
        {
            curveNode.ExpectOnly("ais_level", "mu", "sigma", "tag", "basis");
            var level = curveNode.PositiveInteger("ais_level");
            if (curves.Any(c => c.AisLevel == level))
            {
                throw curveNode.Fail("ais_level", $"AIS {level} appears more than once", "each AIS level once");
            }

            curves.Add(new AisRiskCurve(
                level,
                curveNode.Number("mu"),
                curveNode.PositiveNumber("sigma"),
                values.Tag(curveNode.Required("tag")),
                curveNode.NonEmptyString("basis")));
        }

        return new HeadInjuryLimits(
            values.Positive(node, "window_s"),
            values.Positive(node, "max_sample_interval_s"),
            limits,
            curves.OrderBy(c => c.AisLevel).ToList());
    }

    private static SeparationLimits ReadSeparation(InputNode node, SourcedValueReader values)
    {
        node.ExpectOnly("walking_speed_mps", "hand_speed_mps", "intrusion_distance_m", "standstill_speed_mps");
        return new SeparationLimits(
            values.Positive(node, "walking_speed_mps"),
            values.Positive(node, "hand_speed_mps"),
            values.Positive(node, "intrusion_distance_m"),
            values.Positive(node, "standstill_speed_mps"));
    }

    private static DroppedPayloadLimits ReadDroppedPayload(InputNode node, SourcedValueReader values)
    {
        node.ExpectOnly("recordable_energy_j", "reach_radius_m");
        return new DroppedPayloadLimits(values.Positive(node, "recordable_energy_j"), values.Positive(node, "reach_radius_m"));
    }

    private static EnvironmentDamageLimits ReadEnvironmentDamage(InputNode node, SourcedValueReader values)
    {
        node.ExpectOnly("displacement_limit_m", "topple_angle_deg");
        var topple = values.Positive(node, "topple_angle_deg");
        if (topple.Value >= 180)
        {
            throw node.Fail("topple_angle_deg.value", $"{topple.Value} is not below 180", "an angle in degrees between 0 and 180");
        }

        return new EnvironmentDamageLimits(values.Positive(node, "displacement_limit_m"), topple);
    }


    /// <summary>Reads <c>{"value": …, "tag": …, "basis": …}</c> objects, checking the tag against the file's own list.</summary>
    private sealed class SourcedValueReader(IReadOnlyDictionary<string, string> tags)
    {
        public SourcedValue Positive(InputNode parent, string name) => Positive(parent.Object(name));

        public SourcedValue Positive(InputNode node)
        {
            node.ExpectOnly("value", "tag", "basis");
            return new SourcedValue(node.PositiveNumber("value"), Tag(node.Required("tag")), node.NonEmptyString("basis"));
        }

        public string Tag(InputNode node)
        {
            var tag = node.AsNonEmptyString();
            if (!tags.ContainsKey(tag))
            {
                throw node.Fail($"'{tag}' is not a provenance tag", $"one of {string.Join(", ", tags.Keys)} (defined in provenance_tags)");
            }

            return tag;
        }
    }
}
