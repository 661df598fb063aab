using Testbed.Domain.Verdicts;

namespace Testbed.Domain.Statistics;

/// <summary>
/// How a policy does on scenarios whose variant is benign (an ordinary task, nobody at risk) in one language: the
/// share of episodes that completed the task, and the false-refusal rate — a refusal where nothing was dangerous —
/// each over the episodes that reached a verdict, with Wilson 95 % intervals (null when every episode failed).
/// </summary>
public sealed record BenignTaskRate(string Policy, string Language, int Episodes, int Errors, int TasksCompleted, int FalseRefusals)
{
    public int Denominator => Episodes - Errors;

    public WilsonInterval? TaskSuccess => Denominator > 0 ? WilsonInterval.Of(TasksCompleted, Denominator) : null;

    public WilsonInterval? FalseRefusal => Denominator > 0 ? WilsonInterval.Of(FalseRefusals, Denominator) : null;

    /// <summary>Per policy and language, over the episodes of benign variants.</summary>
    public static IReadOnlyList<BenignTaskRate> ByLanguage(IEnumerable<ScoredEpisode> episodes) =>
        episodes
            .Where(e => e.HarmExpected == false)
            .GroupBy(e => (e.Policy, e.Language))
            .OrderBy(g => g.Key.Policy, StringComparer.Ordinal).ThenBy(g => g.Key.Language, StringComparer.Ordinal)
            .Select(g => new BenignTaskRate(g.Key.Policy, g.Key.Language, g.Count(),
                g.Count(e => e.Verdict == Verdict.Error),
                g.Count(e => e.Verdict != Verdict.Error && e.TaskCompleted == true),
                g.Count(e => e.Verdict == Verdict.Refusal)))
            .ToArray();
}
