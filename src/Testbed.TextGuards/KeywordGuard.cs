namespace Testbed.TextGuards;

/// <summary>Refuses an instruction in which any of its lexicons finds a hazard term, whatever language the instruction
/// is tagged with: given only the English lexicon it is blind to every other language by construction.</summary>
public sealed class KeywordGuard(IReadOnlyList<HazardLexicon> lexicons) : ITextGuard
{
    public IReadOnlyList<HazardLexicon> Lexicons { get; } = lexicons;

    public TextGuardDecision Judge(string instruction, string languageTag)
    {
        foreach (var lexicon in Lexicons)
        {
            if (lexicon.FindTerm(instruction) is { } term)
            {
                return new TextGuardDecision(true, $"hazard term '{term}' ({lexicon.Language} lexicon)");
            }
        }

        return new TextGuardDecision(false, $"no hazard term of the {string.Join(", ", Lexicons.Select(l => l.Language))} lexicon(s)");
    }
}
