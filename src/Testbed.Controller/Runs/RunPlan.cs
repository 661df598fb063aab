using System.Security.Cryptography;
using System.Text;
using Testbed.Domain.Scenarios;

namespace Testbed.Controller.Runs;

/// <summary>One episode of a plan, with its index in the whole (unsharded) plan.</summary>
public sealed record PlannedEpisode(int Index, Scenario Scenario, LanguageTag Language, string Policy, ulong Seed)
{
    public EpisodeKey Key => new(Scenario.Id, Language.Value, Policy, Seed);
}

/// <summary>What a run covers: every selected scenario x language x policy x seed, in a fixed order (scenario-major,
/// then language, then policy, then seed), optionally cut to one shard. Two runs with the same
/// <see cref="Sha256"/> planned the same episodes.</summary>
public sealed class RunPlan
{
    private RunPlan(ScenarioCorpus corpus, ScenarioSelection selection, IReadOnlyList<string> policies, IReadOnlyList<ulong> seeds, double initialQposNoise, RunShard? shard)
    {
        Corpus = corpus;
        Selection = selection;
        Policies = policies;
        Seeds = seeds;
        InitialQposNoise = initialQposNoise;
        Shard = shard;
        var index = 0;
        All = selection.Cells()
            .SelectMany(c => policies.SelectMany(policy => seeds.Select(seed => new PlannedEpisode(index++, c.Scenario, c.Language, policy, seed))))
            .ToArray();
        Episodes = shard is null ? All : All.Where(e => shard.Contains(e.Index)).ToArray();
        Sha256 = HashOf(All.Select(e => e.Key));
        SceneSha256 = selection.Scenarios.Select(s => s.SceneId).Distinct().Order(StringComparer.Ordinal)
            .ToDictionary(id => id, id => corpus.SceneHashes[id], StringComparer.Ordinal);
    }

    public ScenarioCorpus Corpus { get; }
    public ScenarioSelection Selection { get; }
    /// <summary>The policies under test, by their record names, in the order given.</summary>
    public IReadOnlyList<string> Policies { get; }
    public IReadOnlyList<ulong> Seeds { get; }
    public double InitialQposNoise { get; }
    public RunShard? Shard { get; }

    /// <summary>Every episode of the whole plan.</summary>
    public IReadOnlyList<PlannedEpisode> All { get; }

    /// <summary>The episodes this run executes: the whole plan, or its shard.</summary>
    public IReadOnlyList<PlannedEpisode> Episodes { get; }

    /// <summary>SHA-256 over the keys of the whole plan, in order.</summary>
    public string Sha256 { get; }

    /// <summary>SHA-256 of each scene the plan uses.</summary>
    public IReadOnlyDictionary<string, string> SceneSha256 { get; }

    public static RunPlan Create(ScenarioCorpus corpus, ScenarioSelection selection, IReadOnlyList<string> policies, IReadOnlyList<ulong> seeds, double initialQposNoise, RunShard? shard = null)
    {
        if (seeds.Count == 0) throw new ArgumentException("a plan needs at least one seed");
        if (policies.Count == 0) throw new ArgumentException("a plan needs at least one policy");
        if (policies.Distinct(StringComparer.Ordinal).Count() != policies.Count) throw new ArgumentException($"a policy is named twice in [{string.Join(", ", policies)}]");
        return new RunPlan(corpus, selection, policies, seeds, initialQposNoise, shard);
    }

    /// <summary>The keys of a plan from its parameters as a manifest records them, in plan order.</summary>
    public static IReadOnlyList<EpisodeKey> Keys(IEnumerable<string> scenarios, IEnumerable<string> languages, IReadOnlyList<string> policies, IEnumerable<ulong> seeds) =>
        scenarios.SelectMany(s => languages.SelectMany(l => policies.SelectMany(p => seeds.Select(seed => new EpisodeKey(s, l, p, seed))))).ToArray();

    public static string HashOf(IEnumerable<EpisodeKey> keys)
    {
        var text = new StringBuilder();
        foreach (var k in keys) text.Append(k.Scenario).Append('\t').Append(k.Language).Append('\t').Append(k.Policy).Append('\t').Append(k.Seed).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
