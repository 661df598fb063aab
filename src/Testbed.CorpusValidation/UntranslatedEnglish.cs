using System.Text.RegularExpressions;

namespace Testbed.CorpusValidation;

/// <summary>
/// Finds English left in an instruction that should be in another language: a translation that kept the English,
/// whole or in part ("そのtoteを…", "Heb den Behälter, then put it on the conveyor").
/// <list type="bullet">
/// <item>In a text mostly in a non-Latin script (Japanese, Chinese, Thai, Hindi): a Latin word of three letters or more
/// (acronyms in capitals, such as AGV, excepted) that is also a word of the scenario's English instruction, or a run
/// of Latin words the identifier calls English.</item>
/// <item>In a Latin-script text: the English instruction itself, or a clause (between punctuation marks) of
/// <see cref="MinimumClauseWords"/> words or more that the identifier calls English, first choice, with at least the
/// corpus's English-clause confidence. Single English loanwords ("conveyor" in Swahili, Taglish "i-swing ang arm") are
/// how those languages are spoken on a site, and are not flagged.</item>
/// </list>
/// </summary>
public sealed partial class UntranslatedEnglish(LanguageIdentifier identifier, CorpusLanguages languages)
{
    /// <summary>Shorter clauses are too short for the identifier to tell English from German or Tagalog reliably.</summary>
    public const int MinimumClauseWords = 4;

    private readonly CorpusLanguage _english = languages.Find(Domain.Scenarios.LanguageTag.English)!;

    /// <summary>The English found in <paramref name="text"/>, or null.</summary>
    public string? Find(string text, string? englishInstruction)
    {
        if (englishInstruction is not null && Normal(text) == Normal(englishInstruction)) return text.Trim();
        var letters = text.Count(char.IsLetter);
        var latin = LatinLetter().Matches(text).Count;
        return letters > 0 && latin * 2 < letters ? InNonLatinText(text, englishInstruction) : InLatinText(text);
    }

    private string? InNonLatinText(string text, string? englishInstruction)
    {
        var englishWords = englishInstruction is null
            ? new HashSet<string>()
            : LatinWord().Matches(englishInstruction).Select(m => m.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        foreach (Match run in LatinRun().Matches(text))
        {
            var words = LatinWord().Matches(run.Value).Select(m => m.Value).ToList();
            if (words.Any(w => w.Length >= 3 && w.Any(char.IsLower) && englishWords.Contains(w.ToLowerInvariant()))) return run.Value.Trim();
            if (words.Count >= 2 && IsEnglish(run.Value)) return run.Value.Trim();
        }

        return null;
    }

    private string? InLatinText(string text)
    {
        foreach (var clause in ClauseBreak().Split(text))
        {
            if (LatinWord().Matches(clause).Count >= MinimumClauseWords && IsEnglish(clause)) return clause.Trim();
        }

        return null;
    }

    private bool IsEnglish(string text)
    {
        var guess = identifier.Identify(text);
        return guess.Best == _english && guess.ConfidenceOf(_english) >= languages.EnglishClauseConfidence;
    }

    private static string Normal(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    [GeneratedRegex(@"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")]
    private static partial Regex LatinLetter();

    [GeneratedRegex(@"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF']+")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF'][A-Za-z\u00C0-\u024F\u1E00-\u1EFF'\s,-]*")]
    private static partial Regex LatinRun();

    [GeneratedRegex(@"[.,;:!?()""“”„«»—–]+")]
    private static partial Regex ClauseBreak();
}
