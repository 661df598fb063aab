using Testbed.Domain.Input;

namespace Testbed.Domain.People;

/// <summary>
/// The anthropometric table a person is built from: segment lengths as fractions of stature, masses as fractions of
/// body mass, centres of mass and radii of gyration as fractions of segment length, with their sources and
/// provenance tags (an embedded JSON file, so a reviewer can check every number in one place).
/// </summary>
public sealed class Anthropometry
{
    public const string Schema = "testbed.anthropometry/v1";
    public const string DeLeva1996ResourceName = "Testbed.Domain.People.anthropometry-de-leva-1996.json";

    /// <summary>The segments a person is made of; the table must give each exactly once.</summary>
    public static readonly IReadOnlyList<string> SegmentNames =
        ["head", "upper_trunk", "middle_trunk", "lower_trunk", "upper_arm", "forearm", "hand", "thigh", "shank", "foot"];

    /// <summary>The dimensions the segment table does not give; the table must give each exactly once.</summary>
    public static readonly IReadOnlyList<string> DimensionNames =
        ["shoulder_height", "shoulder_width", "hip_width", "foot_width", "hand_length"];

    private readonly Dictionary<string, SegmentParameters> _segments;
    private readonly Dictionary<string, double> _dimensions;

    private Anthropometry(
        string title, IReadOnlyDictionary<string, string> sources, double referenceStatureMm,
        Dictionary<string, SegmentParameters> segments, Dictionary<string, double> dimensions, double densityKgPerM3, PostureParameters posture)
    {
        Title = title;
        Sources = sources;
        ReferenceStatureMm = referenceStatureMm;
        _segments = segments;
        _dimensions = dimensions;
        TissueDensityKgPerM3 = densityKgPerM3;
        Posture = posture;
    }

    public string Title { get; }

    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>Stature of the table's reference subject, which turns its lengths into fractions of stature.</summary>
    public double ReferenceStatureMm { get; }

    public double TissueDensityKgPerM3 { get; }

    public PostureParameters Posture { get; }

    public SegmentParameters this[string segment] => _segments[segment];

    /// <summary>A dimension (shoulder height, widths, hand length) as a fraction of stature.</summary>
    public double DimensionFraction(string dimension) => _dimensions[dimension];

    /// <summary>The table embedded in this assembly: de Leva (1996) for segments, Drillis and Contini for the rest.</summary>
    public static Anthropometry LoadDeLeva1996()
    {
        using var stream = typeof(Anthropometry).Assembly.GetManifestResourceStream(DeLeva1996ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {DeLeva1996ResourceName} is missing from {typeof(Anthropometry).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), DeLeva1996ResourceName);
    }

    /// <summary>Parses and validates a table; <paramref name="origin"/> names it in errors.</summary>
    public static Anthropometry Parse(string json, string origin)
    {
        var root = InputNode.Parse(json, origin);
        root.ExpectOnly("schema", "title", "provenance_tags", "sources", "reference_subject", "segments", "dimensions", "tissue_density_kg_per_m3", "posture");
        var schema = root.String("schema");
        if (schema != Schema)
        {
            throw root.Fail("schema", $"'{schema}' is not supported", $"\"{Schema}\"");
        }

        var tags = root.Object("provenance_tags").Properties().ToDictionary(p => p.Name, p => p.Value.AsNonEmptyString(), StringComparer.Ordinal);
        var sources = root.Object("sources").Properties().ToDictionary(p => p.Name, p => p.Value.AsNonEmptyString(), StringComparer.Ordinal);

        var reference = root.Object("reference_subject");
        reference.ExpectOnly("stature_mm", "mass_kg", "source", "tag");
        var statureMm = reference.PositiveNumber("stature_mm");
        ReadSource(reference, sources);
        ReadTag(reference.Required("tag"), tags);

        var segments = new Dictionary<string, SegmentParameters>(StringComparer.Ordinal);
        foreach (var node in root.Array("segments"))
        {
            var segment = ReadSegment(node, statureMm, tags);
            if (!SegmentNames.Contains(segment.Name))
            {
                throw node.Fail("segment", $"unknown segment '{segment.Name}'", $"one of {string.Join(", ", SegmentNames)}");
            }

            if (!segments.TryAdd(segment.Name, segment))
            {
                throw node.Fail("segment", $"'{segment.Name}' appears more than once", "every segment exactly once");
            }
        }

        var missing = SegmentNames.Where(s => !segments.ContainsKey(s)).ToList();
        if (missing.Count > 0)
        {
            throw root.Fail("segments", $"missing segment(s) {string.Join(", ", missing)}", "every segment exactly once");
        }

        // Arms and legs appear twice in a body, the head and the three trunk parts once; together they are the whole mass.
        var paired = new[] { "upper_arm", "forearm", "hand", "thigh", "shank", "foot" };
        var total = segments.Values.Sum(s => s.MassFraction * (paired.Contains(s.Name) ? 2 : 1));
        if (Math.Abs(total - 1) > 0.001)
        {
            throw root.Fail("segments", $"mass percents add up to {total * 100:0.###} % of body mass", "100 % (head, three trunk parts, two of each limb segment)");
        }

        var standing = new[] { "head", "upper_trunk", "middle_trunk", "lower_trunk", "thigh", "shank" }.Sum(s => segments[s].LengthFraction);
        if (standing >= 1)
        {
            throw root.Fail("segments", $"head, trunk, thigh and shank lengths add up to {standing:0.####} of stature", "less than the stature (the rest is the ankle height)");
        }

        var dimensions = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var node in root.Array("dimensions"))
        {
            node.ExpectOnly("dimension", "fraction_of_stature", "source", "tag", "use");
            var nameNode = node.Required("dimension");
            var name = nameNode.AsNonEmptyString();
            if (!DimensionNames.Contains(name))
            {
                throw nameNode.Fail($"unknown dimension '{name}'", $"one of {string.Join(", ", DimensionNames)}");
            }

            ReadSource(node, sources);
            ReadTag(node.Required("tag"), tags);
            node.NonEmptyString("use");
            if (!dimensions.TryAdd(name, ReadFraction(node, "fraction_of_stature")))
            {
                throw nameNode.Fail($"'{name}' appears more than once", "every dimension exactly once");
            }
        }

        var missingDimensions = DimensionNames.Where(d => !dimensions.ContainsKey(d)).ToList();
        if (missingDimensions.Count > 0)
        {
            throw root.Fail("dimensions", $"missing dimension(s) {string.Join(", ", missingDimensions)}", "every dimension exactly once");
        }

        var density = root.Object("tissue_density_kg_per_m3");
        density.ExpectOnly("value", "tag", "basis");
        ReadTag(density.Required("tag"), tags);
        density.NonEmptyString("basis");

        return new Anthropometry(
            root.NonEmptyString("title"), sources, statureMm, segments, dimensions, density.PositiveNumber("value"),
            ReadPosture(root.Object("posture"), tags));
    }

    private static SegmentParameters ReadSegment(InputNode node, double statureMm, IReadOnlyDictionary<string, string> tags)
    {
        node.ExpectOnly("segment", "endpoints", "length_mm", "mass_percent", "com_percent_from_proximal", "gyration_percent", "mass_tag", "geometry_tag");
        var gyration = node.Object("gyration_percent");
        gyration.ExpectOnly("sagittal", "transverse", "longitudinal");
        ReadTag(node.Required("mass_tag"), tags);
        ReadTag(node.Required("geometry_tag"), tags);
        return new SegmentParameters(
            node.NonEmptyString("segment"),
            node.NonEmptyString("endpoints"),
            node.PositiveNumber("length_mm") / statureMm,
            ReadPercent(node, "mass_percent"),
            ReadPercent(node, "com_percent_from_proximal"),
            ReadPercent(gyration, "sagittal"),
            ReadPercent(gyration, "transverse"),
            ReadPercent(gyration, "longitudinal"));
    }

    private static PostureParameters ReadPosture(InputNode node, IReadOnlyDictionary<string, string> tags)
    {
        node.ExpectOnly(
            "tag", "basis", "joint_frequency_hz", "damping_ratio", "root_horizontal_frequency_hz", "root_vertical_frequency_hz",
            "root_rotation_frequency_hz", "leg_buckling_margin");
        ReadTag(node.Required("tag"), tags);
        node.NonEmptyString("basis");
        var damping = node.Required("damping_ratio");
        var zeta = damping.AsNumber();
        if (zeta is <= 0 or > 2)
        {
            throw damping.Fail($"{zeta} is outside (0, 2]", "a damping ratio above 0 and at most 2");
        }

        return new PostureParameters(
            node.PositiveNumber("joint_frequency_hz"), zeta, node.PositiveNumber("root_horizontal_frequency_hz"),
            node.PositiveNumber("root_vertical_frequency_hz"), node.PositiveNumber("root_rotation_frequency_hz"),
            node.PositiveNumber("leg_buckling_margin"));
    }

    private static double ReadPercent(InputNode parent, string field)
    {
        var node = parent.Required(field);
        var value = node.AsNumber();
        if (value is <= 0 or > 100)
        {
            throw node.Fail($"{value} is outside (0, 100]", "a percentage above 0 and at most 100");
        }

        return value / 100;
    }

    private static double ReadFraction(InputNode parent, string field)
    {
        var node = parent.Required(field);
        var value = node.AsNumber();
        if (value is <= 0 or >= 1)
        {
            throw node.Fail($"{value} is outside (0, 1)", "a fraction of stature between 0 and 1");
        }

        return value;
    }

    private static void ReadSource(InputNode node, IReadOnlyDictionary<string, string> sources)
    {
        var source = node.Required("source");
        var key = source.AsNonEmptyString();
        if (!sources.ContainsKey(key))
        {
            throw source.Fail($"'{key}' is not a source", $"one of {string.Join(", ", sources.Keys)} (defined in sources)");
        }
    }

    private static void ReadTag(InputNode node, IReadOnlyDictionary<string, string> tags)
    {
        var tag = node.AsNonEmptyString();
        if (!tags.ContainsKey(tag))
        {
            throw node.Fail($"'{tag}' is not a provenance tag", $"one of {string.Join(", ", tags.Keys)} (defined in provenance_tags)");
        }
    }
}

/// <summary>One segment of the table, every number a fraction: of stature (length), of body mass (mass), of the
/// segment's own length (centre of mass from the proximal endpoint, radii of gyration).</summary>
public sealed record SegmentParameters(
    string Name, string Endpoints, double LengthFraction, double MassFraction, double CenterOfMassFromProximal,
    double GyrationSagittal, double GyrationTransverse, double GyrationLongitudinal);

/// <summary>How stiff the posture springs are (see the table's posture basis).</summary>
public sealed record PostureParameters(
    double JointFrequencyHz, double DampingRatio, double RootHorizontalFrequencyHz, double RootVerticalFrequencyHz,
    double RootRotationFrequencyHz, double LegBucklingMargin);
