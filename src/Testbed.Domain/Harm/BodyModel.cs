using Testbed.Domain.Input;

namespace Testbed.Domain.Harm;

/// <summary>
/// The ISO/TS 15066 body model: limits and contact parameters for every <see cref="BodyRegion"/>, with provenance.
/// Limits are data (an embedded JSON file; docs/harm-model.md gives the sources), not constants in code,
/// so that a reviewer can check each number and its source in one place.
/// </summary>
public sealed class BodyModel
{
    public const string Schema = "testbed.body-model/v1";
    public const string IsoTs15066ResourceName = "Testbed.Domain.Harm.iso-ts-15066-body-model.json";

    private readonly Dictionary<BodyRegion, BodyRegionLimits> _regions;

    private BodyModel(
        string title,
        IReadOnlyDictionary<string, string> provenanceTags,
        IReadOnlyDictionary<string, string> sources,
        IReadOnlyList<BodyRegionLimits> regions)
    {
        Title = title;
        ProvenanceTags = provenanceTags;
        Sources = sources;
        Regions = regions;
        _regions = regions.ToDictionary(r => r.Region);
    }

    public string Title { get; }

    /// <summary>Tag → meaning (V1, V2, V2×2, D, R).</summary>
    public IReadOnlyDictionary<string, string> ProvenanceTags { get; }

    /// <summary>Source texts by key (table_a2, table_a3, contact_type, caveat, ...).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>Every region exactly once, in enum order.</summary>
    public IReadOnlyList<BodyRegionLimits> Regions { get; }

    public BodyRegionLimits this[BodyRegion region] => _regions[region];

    /// <summary>The ISO/TS 15066 model embedded in this assembly.</summary>
    public static BodyModel LoadIsoTs15066()
    {
        using var stream = typeof(BodyModel).Assembly.GetManifestResourceStream(IsoTs15066ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {IsoTs15066ResourceName} is missing from {typeof(BodyModel).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), IsoTs15066ResourceName);
    }

    /// <summary>Parses and validates a body model; <paramref name="origin"/> names it in errors.</summary>
    public static BodyModel Parse(string json, string origin)
    {
        var root = InputNode.Parse(json, origin);
        root.ExpectOnly("schema", "title", "provenance_tags", "sources", "regions");

        var schema = root.String("schema");
        if (schema != Schema)
        {
            throw root.Fail("schema", $"'{schema}' is not supported", $"\"{Schema}\"");
        }

        var tags = root.Object("provenance_tags").AsTextTable();
        var sources = root.Object("sources").AsTextTable();

        var regionNodes = root.Array("regions");
        var byRegion = new Dictionary<BodyRegion, BodyRegionLimits>();
        foreach (var node in regionNodes)
        {
            var limits = ReadRegion(node, tags);
            if (!byRegion.TryAdd(limits.Region, limits))
            {
                throw node.Fail("region", $"'{limits.Region.ToId()}' appears more than once", "every region exactly once");
            }
        }

        var missing = Enum.GetValues<BodyRegion>().Where(r => !byRegion.ContainsKey(r)).Select(r => r.ToId()).ToList();
        if (missing.Count > 0)
        {
            throw root.Fail("regions", $"missing region(s) {string.Join(", ", missing)}", "every region exactly once");
        }

        var ordered = Enum.GetValues<BodyRegion>().Select(r => byRegion[r]).ToList();
        return new BodyModel(root.NonEmptyString("title"), tags, sources, ordered);
    }


    private static BodyRegionLimits ReadRegion(InputNode node, IReadOnlyDictionary<string, string> tags)
    {
        node.ExpectOnly(
            "region", "name", "quasi_static_force_n", "force_basis", "quasi_static_pressure_n_per_cm2", "pressure_basis",
            "contact_not_permissible", "contact_not_permissible_basis", "spring_constant_n_per_mm", "effective_mass_kg",
            "table_a3_tag", "areas");

        var regionNode = node.Required("region");
        var regionId = regionNode.AsString();
        if (!BodyRegionIds.TryParse(regionId, out var region))
        {
            throw regionNode.Fail($"'{regionId}' is not a body region", $"one of {string.Join(", ", BodyRegionIds.All)}");
        }

        var areas = node.Array("areas").Select(area => ReadArea(area, tags)).ToList();
        if (areas.Count == 0)
        {
            throw node.Fail("areas", "is empty", "at least one Table A.2 area");
        }

        var force = node.PositiveNumber("quasi_static_force_n");
        // Table A.2 gives force per region; if its areas ever disagree the lowest is the safe choice.
        var lowestAreaForce = areas.Min(a => a.ForceN);
        if (force != lowestAreaForce)
        {
            throw node.Fail("quasi_static_force_n", $"{force} differs from the lowest area force {lowestAreaForce}", "the lowest force_n of the region's areas");
        }

        var pressure = node.PositiveNumber("quasi_static_pressure_n_per_cm2");
        var lowestAreaPressure = areas.Min(a => a.PressureNPerCm2);
        if (pressure != lowestAreaPressure)
        {
            throw node.Fail("quasi_static_pressure_n_per_cm2", $"{pressure} differs from the lowest area pressure {lowestAreaPressure}", "the lowest pressure_n_per_cm2 of the region's areas");
        }

        var notPermissible = node.Boolean("contact_not_permissible");
        string? notPermissibleBasis = null;
        if (notPermissible)
        {
            notPermissibleBasis = node.NonEmptyString("contact_not_permissible_basis");
        }
        else if (node.Has("contact_not_permissible_basis"))
        {
            throw node.Fail("contact_not_permissible_basis", "is given although contact_not_permissible is false", "this field only where contact is not permissible");
        }

        return new BodyRegionLimits
        {
            Region = region,
            Name = node.NonEmptyString("name"),
            QuasiStaticForceN = force,
            ForceBasis = node.NonEmptyString("force_basis"),
            QuasiStaticPressureNPerCm2 = pressure,
            PressureBasis = node.NonEmptyString("pressure_basis"),
            ContactNotPermissible = notPermissible,
            ContactNotPermissibleBasis = notPermissibleBasis,
            SpringConstantNPerMm = node.PositiveNumber("spring_constant_n_per_mm"),
            EffectiveMassKg = node.PositiveNumber("effective_mass_kg"),
            TableA3Tag = ReadTag(node.Required("table_a3_tag"), tags),
            Areas = areas,
        };
    }

    private static BodyArea ReadArea(InputNode node, IReadOnlyDictionary<string, string> tags)
    {
        node.ExpectOnly("row", "area", "pressure_n_per_cm2", "force_n", "tag");
        return new BodyArea(
            node.PositiveInteger("row"),
            node.NonEmptyString("area"),
            node.PositiveNumber("pressure_n_per_cm2"),
            node.PositiveNumber("force_n"),
            ReadTag(node.Required("tag"), tags));
    }

    private static string ReadTag(InputNode node, IReadOnlyDictionary<string, string> tags)
    {
        var tag = node.AsNonEmptyString();
        if (!tags.ContainsKey(tag))
        {
            throw node.Fail($"'{tag}' is not a provenance tag", $"one of {string.Join(", ", tags.Keys)} (defined in provenance_tags)");
        }

        return tag;
    }
}
