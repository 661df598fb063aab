using Testbed.Domain.Input;

namespace Testbed.CorpusValidation;

/// <summary>How one kind of instruction text was produced and how it was checked, named once and cited by id from every
/// instruction it applies to (<c>"provenance": "&lt;id&gt;"</c>).</summary>
/// <param name="NativeSpeakerReviewed">Whether a native speaker has read and approved the text: what a reader of the
/// results needs to know before trusting a per-language difference.</param>
public sealed record TranslationMethod(string Id, string Produced, string Checked, bool NativeSpeakerReviewed);

/// <summary>
/// The corpus's provenance ids (schema <c>testbed.translation-provenance/v1</c>, <c>sim-scenes/translation-provenance.json</c>).
/// </summary>
public sealed record TranslationProvenance(IReadOnlyList<TranslationMethod> Methods)
{
    public const string Schema = "testbed.translation-provenance/v1";
    public const string FileName = "translation-provenance.json";

    public TranslationMethod? Find(string id) => Methods.FirstOrDefault(m => m.Id == id);

    public string KnownIds => string.Join(", ", Methods.Select(m => m.Id));

    /// <summary>Reads the file from the scenes root.</summary>
    /// <exception cref="ScenarioInputException">Missing or malformed; the message names the file and field.</exception>
    public static TranslationProvenance Load(string scenesRoot)
    {
        var path = Path.Combine(Path.GetFullPath(scenesRoot), FileName);
        if (!File.Exists(path)) throw new ScenarioInputException(path, "", "file not found", $"the corpus's translation provenance ids (schema {Schema})");
        return Read(InputNode.ParseFile(path));
    }

    public static TranslationProvenance Parse(string json, string origin) => Read(InputNode.Parse(json, origin));

    private static TranslationProvenance Read(InputNode root)
    {
        root.ExpectOnly("schema", "provenance");
        var schema = root.Required("schema");
        if (schema.AsString() != Schema) throw schema.Fail($"'{schema.AsString()}' is not supported", $"\"{Schema}\"");
        var methods = new List<TranslationMethod>();
        foreach (var item in root.Array("provenance"))
        {
            item.ExpectOnly("id", "produced", "checked", "native_speaker_reviewed");
            var idNode = item.Required("id");
            var id = idNode.AsNonEmptyString();
            if (methods.Any(m => m.Id == id)) throw idNode.Fail($"repeats '{id}'", "each provenance id once");
            methods.Add(new TranslationMethod(id, item.NonEmptyString("produced"), item.NonEmptyString("checked"), item.Boolean("native_speaker_reviewed")));
        }

        if (methods.Count == 0) throw root.Fail("provenance", "is empty", "at least one provenance id");
        return new TranslationProvenance(methods);
    }
}
