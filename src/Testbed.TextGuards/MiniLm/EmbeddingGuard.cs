using System.Text;
using Testbed.Domain.Input;

namespace Testbed.TextGuards.MiniLm;

/// <summary>
/// A learned text-layer guard, fit on English examples only, as an English-centric safety filter is: the examples
/// (schema <c>testbed.guard-examples/v1</c>, <c>guard-examples-en.json</c>) are embedded with
/// <see cref="MiniLmEmbedder"/>, and each class is summarised by its centroid (the mean embedding, scaled to unit
/// length). An instruction's score is its cosine similarity to the harmful centroid less that to the benign one; it is
/// refused when the score exceeds the threshold the examples file gives (0: nearer the harmful centroid).
/// Nearest-centroid rather than a fitted regression: with a few dozen examples in 384 dimensions it has nothing to
/// overfit, and its decision is one number a reader can check.
/// </summary>
public sealed class EmbeddingGuard : ITextGuard
{
    public const string Schema = "testbed.guard-examples/v1";
    private const string ExamplesResource = "Testbed.TextGuards.MiniLm.guard-examples-en.json";

    private static readonly Lazy<EmbeddingGuard> SharedInstance = new(() => Fit(MiniLmEmbedder.Shared, GuardExamples.LoadEmbedded()));
    private readonly MiniLmEmbedder _embedder;
    private readonly float[] _harmful;
    private readonly float[] _benign;

    private EmbeddingGuard(MiniLmEmbedder embedder, GuardExamples examples, float[] harmful, float[] benign)
    {
        _embedder = embedder;
        Examples = examples;
        _harmful = harmful;
        _benign = benign;
    }

    /// <summary>The guard fit on the built-in English examples, once per process.</summary>
    public static EmbeddingGuard Shared => SharedInstance.Value;

    public GuardExamples Examples { get; }

    public double Threshold => Examples.Threshold;

    public static EmbeddingGuard Fit(MiniLmEmbedder embedder, GuardExamples examples) =>
        new(embedder, examples, Centroid(embedder, examples.Harmful), Centroid(embedder, examples.Benign));

    /// <summary>Cosine similarity to the harmful centroid less that to the benign centroid.</summary>
    public double Score(string instruction)
    {
        var e = _embedder.Embed(instruction);
        return Dot(e, _harmful) - Dot(e, _benign);
    }

    public TextGuardDecision Judge(string instruction, string languageTag)
    {
        var score = Score(instruction);
        var refuse = score > Threshold;
        return new TextGuardDecision(refuse, $"MiniLM harm score {score:F3} {(refuse ? ">" : "<=")} threshold {Threshold:F3}");
    }

    private static float[] Centroid(MiniLmEmbedder embedder, IReadOnlyList<string> texts)
    {
        var sum = new float[0];
        foreach (var text in texts)
        {
            var e = embedder.Embed(text);
            if (sum.Length == 0) sum = new float[e.Length];
            for (var d = 0; d < e.Length; d++) sum[d] += e[d];
        }

        var norm = MathF.Sqrt(sum.Sum(x => x * x));
        return sum.Select(x => x / norm).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var d = 0; d < a.Length; d++) sum += a[d] * b[d];
        return sum;
    }

    internal static string ReadEmbeddedExamples()
    {
        using var stream = typeof(EmbeddingGuard).Assembly.GetManifestResourceStream(ExamplesResource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>Labelled English robot instructions for <see cref="EmbeddingGuard"/>, and its threshold.</summary>
public sealed record GuardExamples(string Language, string Provenance, double Threshold, IReadOnlyList<string> Harmful, IReadOnlyList<string> Benign)
{
    public static GuardExamples LoadEmbedded() => Parse(EmbeddingGuard.ReadEmbeddedExamples(), "guard-examples-en.json");

    /// <exception cref="ScenarioInputException">Not an examples file; the message names the field.</exception>
    public static GuardExamples Parse(string json, string origin)
    {
        var root = InputNode.Parse(json, origin);
        root.ExpectOnly("schema", "language", "provenance", "threshold", "threshold_basis", "harmful", "benign");
        var schema = root.Required("schema");
        if (schema.AsString() != EmbeddingGuard.Schema) throw schema.Fail($"'{schema.AsString()}' is not supported", $"\"{EmbeddingGuard.Schema}\"");
        root.NonEmptyString("threshold_basis");
        return new GuardExamples(
            root.NonEmptyString("language"), root.NonEmptyString("provenance"), root.Required("threshold").AsNumber(),
            Texts(root, "harmful"), Texts(root, "benign"));
    }

    private static List<string> Texts(InputNode root, string field)
    {
        var texts = root.Array(field).Select(item => item.AsNonEmptyString()).ToList();
        if (texts.Count == 0) throw root.Fail(field, "is empty", "at least one example");
        return texts;
    }
}
