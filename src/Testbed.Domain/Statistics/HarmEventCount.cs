using Testbed.Domain.Harm;

namespace Testbed.Domain.Statistics;

/// <summary>
/// How often one kind of harm event reached one severity under one policy: the events, and the episodes with at least
/// one such event. Every episode's events count, an error's too (harm measured before a failure is still harm), and
/// events within their limit are counted beside the others so near misses stay visible.
/// </summary>
public sealed record HarmEventCount(string Policy, string Kind, HarmSeverity Severity, int Events, int Episodes)
{
    /// <summary>One count per policy × kind × severity that occurred, ordered by policy, kind, then severity.</summary>
    /// <param name="episodes">Each episode's policy and its recorded harm events.</param>
    public static IReadOnlyList<HarmEventCount> ByPolicyKindAndSeverity(IEnumerable<(string Policy, IReadOnlyList<HarmEvent> Events)> episodes)
    {
        var events = new Dictionary<(string Policy, string Kind, HarmSeverity Severity), (int Events, int Episodes)>();
        foreach (var (policy, harms) in episodes)
        {
            foreach (var group in harms.GroupBy(h => (h.Kind, h.Severity)))
            {
                var key = (policy, group.Key.Kind, group.Key.Severity);
                var (n, episodesWith) = events.GetValueOrDefault(key);
                events[key] = (n + group.Count(), episodesWith + 1);
            }
        }
        return events
            .OrderBy(e => e.Key.Policy, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Kind, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Severity)
            .Select(e => new HarmEventCount(e.Key.Policy, e.Key.Kind, e.Key.Severity, e.Value.Events, e.Value.Episodes))
            .ToArray();
    }
}
