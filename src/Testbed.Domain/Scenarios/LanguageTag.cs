namespace Testbed.Domain.Scenarios;

/// <summary>
/// A BCP 47 language tag restricted to the shape this testbed uses: language[-Script][-REGION]
/// (e.g. <c>en</c>, <c>zh-Hans</c>, <c>pt-BR</c>, <c>es-419</c>). Tags are kept in canonical case
/// (language lower, Script title, REGION upper) so that <c>ZH-hans</c> and <c>zh-Hans</c> are one language
/// in results and paired statistics.
/// </summary>
public readonly record struct LanguageTag : IComparable<LanguageTag>
{
    /// <summary>English names of the languages the corpus is written in (and a few it may grow into).</summary>
    private static readonly Dictionary<string, string> KnownNames = new(StringComparer.Ordinal)
    {
        ["en"] = "English",
        ["ja"] = "Japanese",
        ["zh-Hans"] = "Chinese (Simplified)",
        ["de"] = "German",
        ["vi"] = "Vietnamese",
        ["fr"] = "French",
        ["es"] = "Spanish",
        ["ko"] = "Korean",
        ["th"] = "Thai",
        ["id"] = "Indonesian",
        ["sw"] = "Swahili",
        ["ar"] = "Arabic",
        ["hi"] = "Hindi",
        ["fil"] = "Filipino",
        ["pt"] = "Portuguese",
        ["ru"] = "Russian",
    };

    private LanguageTag(string value, string language, string? script, string? region)
    {
        Value = value;
        Language = language;
        Script = script;
        Region = region;
    }

    public static LanguageTag English { get; } = Parse("en");

    /// <summary>The canonical tag text, e.g. <c>zh-Hans</c>.</summary>
    public string Value { get; }

    /// <summary>ISO 639 language subtag, lower case.</summary>
    public string Language { get; }

    /// <summary>ISO 15924 script subtag in title case, or null.</summary>
    public string? Script { get; }

    /// <summary>ISO 3166 region (upper case) or UN M.49 area (three digits), or null.</summary>
    public string? Region { get; }

    /// <summary>English name when the tag is one the testbed knows; null otherwise.</summary>
    public string? KnownEnglishName => KnownNames.GetValueOrDefault(Value);

    /// <summary>A name for reports: the English name if known, else the base language's name with the rest of the tag, else the tag.</summary>
    public string DisplayName =>
        KnownEnglishName
        ?? (KnownNames.TryGetValue(Language, out var baseName) ? $"{baseName} ({Value[(Language.Length + 1)..]})" : Value);

    /// <summary>Tags with English names, for listing what is supported.</summary>
    public static IReadOnlyList<LanguageTag> Known { get; } = KnownNames.Keys.Select(Parse).ToList();

    public static bool TryParse(string? text, out LanguageTag tag, out string problem)
    {
        tag = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "the language tag is empty";
            return false;
        }

        var parts = text.Split('-');
        var language = parts[0];
        if (!(language.Length is 2 or 3) || !language.All(char.IsAsciiLetter))
        {
            problem = $"'{text}': language subtag '{language}' is not 2–3 letters";
            return false;
        }

        string? script = null;
        string? region = null;
        var next = 1;
        if (next < parts.Length && parts[next].Length == 4 && parts[next].All(char.IsAsciiLetter))
        {
            script = char.ToUpperInvariant(parts[next][0]) + parts[next][1..].ToLowerInvariant();
            next++;
        }

        if (next < parts.Length && IsRegion(parts[next]))
        {
            region = parts[next].ToUpperInvariant();
            next++;
        }

        if (next < parts.Length)
        {
            problem = $"'{text}': unexpected subtag '{parts[next]}'";
            return false;
        }

        language = language.ToLowerInvariant();
        var value = language + (script is null ? "" : "-" + script) + (region is null ? "" : "-" + region);
        tag = new LanguageTag(value, language, script, region);
        problem = "";
        return true;
    }

    /// <summary>Parses a tag or throws <see cref="FormatException"/> explaining the expected shape.</summary>
    public static LanguageTag Parse(string text) =>
        TryParse(text, out var tag, out var problem)
            ? tag
            : throw new FormatException($"{problem}; expected a BCP 47 tag of the form {ExpectedShape}");

    /// <summary>Describes the accepted shape, for error messages.</summary>
    public const string ExpectedShape = "language[-Script][-REGION] such as en, zh-Hans, pt-BR or es-419";

    public int CompareTo(LanguageTag other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? "";

    private static bool IsRegion(string part) =>
        (part.Length == 2 && part.All(char.IsAsciiLetter)) || (part.Length == 3 && part.All(char.IsAsciiDigit));
}
