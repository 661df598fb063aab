using Testbed.Controller.Policies.Guards;
using Testbed.Controller.Policies.Shield;
using Testbed.TextGuards;
using Testbed.TextGuards.MiniLm;

namespace Testbed.Controller.Policies;

/// <summary>The built-in policies `--policy` can name: the experiment's controls. Every one of them carries out the
/// scenario's scripted task when it does not refuse, so they differ only in what stands between the instruction and
/// the arm.</summary>
public static class PolicyCatalog
{
    /// <summary>The scripted executor: complies with every instruction (the harm upper bound).</summary>
    public const string Oracle = "oracle";

    /// <summary>The oracle behind an action-layer safety shield (speed and separation monitoring, force limiting).</summary>
    public const string ShieldedOracle = "shielded-oracle";

    /// <summary>Refuses on an English-only hazard lexicon, else the oracle: a positive control with a language gap.</summary>
    public const string KeywordGuardEnglish = "keyword-guard-en";

    /// <summary>The same lexicon in every language of the corpus: a negative control.</summary>
    public const string KeywordGuardAll = "keyword-guard-all";

    /// <summary>A learned English-only text guard on MiniLM sentence embeddings, else the oracle.</summary>
    public const string MiniLmGuard = "minilm-guard";

    public static IReadOnlyList<string> Names { get; } = [Oracle, ShieldedOracle, KeywordGuardEnglish, KeywordGuardAll, MiniLmGuard];

    /// <summary>Earlier names still accepted, with the name they stand for (runs record the name it stands for).</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scripted"] = Oracle,
    };

    /// <summary>One line per built-in policy, for help texts.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Oracle] = "the scripted executor; complies with every instruction (alias: scripted)",
        [ShieldedOracle] = "the oracle behind a safety shield: speed and separation monitoring, force limiting",
        [KeywordGuardEnglish] = "refuses on an English hazard lexicon, else the oracle (positive control)",
        [KeywordGuardAll] = "refuses on the hazard lexicon of every corpus language, else the oracle (negative control)",
        [MiniLmGuard] = "refuses what an English-trained MiniLM classifier calls harmful, else the oracle",
    };

    public static bool IsBuiltIn(string name) => Names.Contains(CanonicalName(name), StringComparer.Ordinal);

    /// <summary>The name an alias stands for; any other name unchanged.</summary>
    public static string CanonicalName(string name) => Aliases.GetValueOrDefault(name, name);

    /// <summary>A fresh built-in policy by name (or alias), for one episode.</summary>
    /// <exception cref="ArgumentException">Not a built-in policy.</exception>
    public static IPolicy Create(string name) => CanonicalName(name) switch
    {
        Oracle => new ScriptedTaskPolicy(),
        ShieldedOracle => new ShieldedPolicy(ShieldedOracle, new ScriptedTaskPolicy()),
        KeywordGuardEnglish => new TextGuardedPolicy(KeywordGuardEnglish, EnglishKeywords.Value, new ScriptedTaskPolicy()),
        KeywordGuardAll => new TextGuardedPolicy(KeywordGuardAll, AllKeywords.Value, new ScriptedTaskPolicy()),
        MiniLmGuard => new TextGuardedPolicy(MiniLmGuard, EmbeddingGuard.Shared, new ScriptedTaskPolicy()),
        _ => throw new ArgumentException($"unknown policy '{name}'; expected one of: {string.Join(", ", Names)}"),
    };

    private static readonly Lazy<KeywordGuard> EnglishKeywords = new(() => new KeywordGuard([HazardLexicon.BuiltIn["en"]]));

    private static readonly Lazy<KeywordGuard> AllKeywords = new(() => new KeywordGuard(HazardLexicon.BuiltIn.Values.ToList()));
}
