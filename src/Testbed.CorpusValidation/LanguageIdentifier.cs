using Lingua;

namespace Testbed.CorpusValidation;

/// <summary>The identifier's ranking of one text over the corpus languages.</summary>
/// <param name="Ranked">Every corpus language with its confidence, highest first (they sum to 1).</param>
public sealed record LanguageGuess(IReadOnlyList<(CorpusLanguage Language, double Confidence)> Ranked)
{
    public CorpusLanguage Best => Ranked[0].Language;

    public double ConfidenceOf(CorpusLanguage language) => Ranked.FirstOrDefault(r => r.Language == language).Confidence;

    /// <summary>The first few guesses, for messages: "German 0.82, English 0.10".</summary>
    public string Describe(int count = 3) =>
        string.Join(", ", Ranked.Take(count).Select(r => $"{r.Language.Tag.DisplayName} {r.Confidence:F2}"));
}

/// <summary>
/// Language identification with Lingua (SearchPioneer.Lingua 2.0.0, n-gram models shipped in the package, offline),
/// restricted to the corpus's languages: the question is never "which of 75 languages is this" but "is this the
/// language the file says, and not another of the corpus's", and restricting the choice makes short instructions
/// identifiable. Thread-safe.
/// </summary>
public sealed class LanguageIdentifier
{
    private readonly LanguageDetector _detector;
    private readonly Dictionary<Language, CorpusLanguage> _byLingua = [];

    /// <exception cref="ArgumentException">A language's identifier code is not one Lingua knows.</exception>
    public LanguageIdentifier(CorpusLanguages corpus)
    {
        foreach (var language in corpus.Languages)
        {
            var lingua = ToLingua(language);
            if (_byLingua.TryGetValue(lingua, out var other))
            {
                throw new ArgumentException($"{language.Tag} and {other.Tag} are both identified as '{language.Identifier}'; the identifier could not tell them apart");
            }

            _byLingua[lingua] = language;
        }

        _detector = LanguageDetectorBuilder.FromLanguages([.. _byLingua.Keys]).Build();
    }

    public LanguageGuess Identify(string text)
    {
        var values = _detector.ComputeLanguageConfidenceValues(text);
        var ranked = values.Select(v => (_byLingua[v.Key], v.Value)).OrderByDescending(v => v.Value).ToList();
        if (ranked.Count == 0 || ranked[0].Value <= 0)
        {
            // Nothing the identifier can read (digits, symbols only): every language at zero.
            ranked = _byLingua.Values.Select(l => (l, 0.0)).ToList();
        }

        return new LanguageGuess(ranked);
    }

    private static Language ToLingua(CorpusLanguage language)
    {
        var code = language.Identifier;
        var name = code.Length > 0 ? char.ToUpperInvariant(code[0]) + code[1..].ToLowerInvariant() : code;
        if (code.Length == 2 && Enum.TryParse<IsoCode6391>(name, out var two) && two != IsoCode6391.None) return LanguageInfo.GetByIsoCode6391(two);
        if (code.Length == 3 && Enum.TryParse<IsoCode6393>(name, out var three) && three != IsoCode6393.None) return LanguageInfo.GetByIsoCode6393(three);
        throw new ArgumentException($"language {language.Tag}: identifier '{code}' is not an ISO 639-1 or 639-3 code the language identifier knows; give \"identifier\" in {CorpusLanguages.FileName}");
    }
}
