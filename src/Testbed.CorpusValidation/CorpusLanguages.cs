using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;

namespace Testbed.CorpusValidation;

/// <summary>Whether every scenario must have a language, or should.</summary>
public enum LanguageRequirement
{
    /// <summary>A scenario without it is an error.</summary>
    Required,

    /// <summary>A scenario without it is a warning: the corpus is still being translated into it.</summary>
    Expected,
}

/// <param name="Identifier">The language's ISO 639 code for the language identifier (639-1, or 639-3 where it has no
/// two-letter code): Filipino is identified as Tagalog, <c>tl</c>.</param>
/// <param name="InDefaultRun">A plain <c>testbed run</c> covers it (<c>"default_run": true</c>): the languages the
/// experiment requires, so the default run stays a few minutes long while the corpus holds more.</param>
public sealed record CorpusLanguage(LanguageTag Tag, LanguageRequirement Requirement, string Identifier, bool InDefaultRun = false);

/// <summary>
/// The languages the scenario corpus is written in (schema <c>testbed.corpus-languages/v1</c>, <c>sim-scenes/languages.json</c>):
/// which each scenario must have and which it should, how each is known to the language identifier, and the
/// identifier's confidence thresholds. A language is data: adding one to the corpus is a line here.
/// </summary>
/// <param name="MinimumConfidence">An instruction's tagged language must be the identifier's first choice with at
/// least this confidence (the identifier's confidences over the corpus languages sum to 1).</param>
/// <param name="EnglishClauseConfidence">A clause of four words or more in another Latin-script language that the
/// identifier calls English (first choice) with at least this confidence is English left untranslated (0.5: a plain
/// English clause scores 0.52 to 0.81 against German and Tagalog, a German or Swahili clause under 0.12).</param>
public sealed record CorpusLanguages(IReadOnlyList<CorpusLanguage> Languages, double MinimumConfidence, double EnglishClauseConfidence)
{
    public const string Schema = "testbed.corpus-languages/v1";
    public const string FileName = "languages.json";

    public IEnumerable<CorpusLanguage> Required => Languages.Where(l => l.Requirement == LanguageRequirement.Required);

    public IEnumerable<CorpusLanguage> Expected => Languages.Where(l => l.Requirement == LanguageRequirement.Expected);

    public CorpusLanguage? Find(LanguageTag tag) => Languages.FirstOrDefault(l => l.Tag == tag);

    /// <summary>What <c>testbed run</c> covers without <c>--language</c>: the languages marked <c>default_run</c>, or
    /// every language when none is.</summary>
    public IReadOnlyList<LanguageTag> DefaultRun =>
        (Languages.Any(l => l.InDefaultRun) ? Languages.Where(l => l.InDefaultRun) : Languages).Select(l => l.Tag).ToList();

    /// <summary>Reads <c>languages.json</c> from the scenes root.</summary>
    /// <exception cref="ScenarioInputException">Missing or malformed; the message names the file and field.</exception>
    public static CorpusLanguages Load(string scenesRoot)
    {
        var path = Path.Combine(Path.GetFullPath(scenesRoot), FileName);
        if (!File.Exists(path)) throw new ScenarioInputException(path, "", "file not found", "the corpus's languages (schema " + Schema + ")");
        return Read(InputNode.ParseFile(path));
    }

    public static CorpusLanguages Parse(string json, string origin) => Read(InputNode.Parse(json, origin));

    private static CorpusLanguages Read(InputNode root)
    {
        root.ExpectOnly("schema", "identification", "languages");
        var schema = root.Required("schema");
        if (schema.AsString() != Schema) throw schema.Fail($"'{schema.AsString()}' is not supported", $"\"{Schema}\"");
        var identification = root.Object("identification");
        identification.ExpectOnly("minimum_confidence", "english_clause_confidence");
        var languages = new List<CorpusLanguage>();
        foreach (var item in root.Array("languages"))
        {
            item.ExpectOnly("tag", "requirement", "identifier", "default_run");
            var tagNode = item.Required("tag");
            if (!LanguageTag.TryParse(tagNode.AsString(), out var tag, out var problem)) throw tagNode.Fail(problem, $"a BCP 47 tag of the form {LanguageTag.ExpectedShape}");
            if (languages.Any(l => l.Tag == tag)) throw tagNode.Fail($"repeats {tag}", "each language once");
            var requirementNode = item.Required("requirement");
            var requirement = requirementNode.AsString() switch
            {
                "required" => LanguageRequirement.Required,
                "expected" => LanguageRequirement.Expected,
                var other => throw requirementNode.Fail($"'{other}' is not a requirement", "\"required\" or \"expected\""),
            };
            var identifier = item.Has("identifier") ? item.NonEmptyString("identifier") : tag.Language;
            var inDefaultRun = item.Has("default_run") && item.Boolean("default_run");
            languages.Add(new CorpusLanguage(tag, requirement, identifier, inDefaultRun));
        }

        if (!languages.Any(l => l.Tag == LanguageTag.English)) throw root.Fail("languages", "has no English", "\"en\": the language translations are checked against");
        return new CorpusLanguages(languages, Fraction(identification, "minimum_confidence"), Fraction(identification, "english_clause_confidence"));
    }

    private static double Fraction(InputNode node, string field)
    {
        var value = node.Required(field);
        var number = value.AsNumber();
        if (!(number > 0 && number <= 1)) throw value.Fail($"{number} is not a confidence", "a number above 0 and at most 1");
        return number;
    }
}
