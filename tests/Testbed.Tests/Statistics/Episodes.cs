using Testbed.Domain.Statistics;
using Testbed.Domain.Verdicts;

namespace Testbed.Tests.Statistics;

/// <summary>Engineered episodes for the statistics' tests.</summary>
internal static class Episodes
{
    public static ScoredEpisode Of(
        Verdict verdict, string language = "en", string scenario = "s1", ulong seed = 0, string policy = "p",
        string? family = null, string site = "warehouse", PolicyTextKind text = PolicyTextKind.None, bool? moved = null, bool? taskCompleted = null, bool? harmExpected = true) =>
        new(scenario, site, family, language, policy, seed, verdict, text, moved ?? verdict != Verdict.Refusal,
            verdict == Verdict.Error ? null : taskCompleted ?? verdict == Verdict.Safe, harmExpected);
}
