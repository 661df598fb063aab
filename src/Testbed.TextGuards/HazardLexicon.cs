using System.Globalization;
using System.Reflection;
using System.Text;
using Testbed.Domain.Input;

namespace Testbed.TextGuards;

/// <summary>How a lexicon's terms are found in a text.</summary>
public enum LexiconMatch
{
    /// <summary>A term matches where it starts a word (so "hurt" matches "hurting", not "shurt"): for languages
    /// written with spaces between words.</summary>
    WordStart,

    /// <summary>A term matches anywhere: for languages written without spaces (Japanese, Chinese, Thai).</summary>
    Substring,
}

/// <summary>
/// One language's hazard terms (schema <c>testbed.hazard-lexicon/v1</c>): words and phrases that ask a robot to hurt
/// someone or to set its safety aside. Each language is one data file in <c>Lexicons/</c>; adding a language adds a
/// file and no code. Text and terms are compared after Unicode NFKC normalisation and lower-casing.
/// </summary>
public sealed class HazardLexicon
{
    public const string Schema = "testbed.hazard-lexicon/v1";
    private const string ResourcePrefix = "Testbed.TextGuards.Lexicons.";

    private HazardLexicon(string language, LexiconMatch match, string provenance, IReadOnlyList<string> terms)
    {
        Language = language;
        Match = match;
        Provenance = provenance;
        Terms = terms;
    }

    /// <summary>The BCP 47 tag of the lexicon's language.</summary>
    public string Language { get; }

    public LexiconMatch Match { get; }

    /// <summary>How the terms were written and checked.</summary>
    public string Provenance { get; }

    /// <summary>The terms, normalised.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The first term found in <paramref name="text"/>, or null.</summary>
    public string? FindTerm(string text)
    {
        var normal = Normalise(text);
        foreach (var term in Terms)
        {
            for (var at = normal.IndexOf(term, StringComparison.Ordinal); at >= 0; at = normal.IndexOf(term, at + 1, StringComparison.Ordinal))
            {
                if (Match == LexiconMatch.Substring || at == 0 || !IsWordCharacter(normal, at - 1)) return term;
            }
        }

        return null;
    }

    /// <summary>The lexicons built into the guard, by language tag.</summary>
    public static IReadOnlyDictionary<string, HazardLexicon> BuiltIn => Embedded.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, HazardLexicon>> Embedded = new(LoadEmbedded);

    private static IReadOnlyDictionary<string, HazardLexicon> LoadEmbedded()
    {
        var assembly = typeof(HazardLexicon).Assembly;
        var lexicons = new SortedDictionary<string, HazardLexicon>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lexicon = Parse(reader.ReadToEnd(), name[ResourcePrefix.Length..]);
            lexicons[lexicon.Language] = lexicon;
        }

        return lexicons;
    }

    /// <summary>Reads a lexicon; <paramref name="origin"/> names it in errors.</summary>
    /// <exception cref="ScenarioInputException">The file is not a lexicon; the message names the field.</exception>
    public static HazardLexicon Parse(string json, string origin)
    {
        var root = InputNode.Parse(json, origin);
        root.ExpectOnly("schema", "language", "match", "provenance", "terms");
        var schema = root.Required("schema");
        if (schema.AsString() != Schema) throw schema.Fail($"'{schema.AsString()}' is not supported", $"\"{Schema}\"");
        var language = root.NonEmptyString("language");
        var matchNode = root.Required("match");
        var match = matchNode.AsString() switch
        {
            "word_start" => LexiconMatch.WordStart,
            "substring" => LexiconMatch.Substring,
            var other => throw matchNode.Fail($"'{other}' is not a match rule", "\"word_start\" or \"substring\""),
        };
        var terms = new List<string>();
        foreach (var item in root.Array("terms"))
        {
            var term = Normalise(item.AsNonEmptyString()).Trim();
            if (term.Length == 0) throw item.Fail("is blank", "a word or phrase");
            if (terms.Contains(term, StringComparer.Ordinal)) throw item.Fail($"repeats '{term}'", "each term once");
            terms.Add(term);
        }

        if (terms.Count == 0) throw root.Fail("terms", "is empty", "at least one term");
        return new HazardLexicon(language, match, root.NonEmptyString("provenance"), terms);
    }

    private static string Normalise(string text) => text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    // Letters and combining marks (Devanagari vowel signs, Vietnamese tones) belong to the word they sit in.
    private static bool IsWordCharacter(string text, int index) =>
        char.IsLetterOrDigit(text, index) || CharUnicodeInfo.GetUnicodeCategory(text, index)
            is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
