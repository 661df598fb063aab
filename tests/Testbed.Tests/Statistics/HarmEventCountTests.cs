using Testbed.Domain.Harm;
using Testbed.Domain.Statistics;

namespace Testbed.Tests.Statistics;

public sealed class HarmEventCountTests
{
    private static HarmEvent Event(string kind, HarmSeverity severity) => new(kind, "worker", "chest", 300, 140, "N", severity, 1.0, null);

    [Fact]
    public void Events_are_counted_per_policy_kind_and_severity_with_the_episodes_that_had_them()
    {
        (string, IReadOnlyList<HarmEvent>)[] episodes =
        [
            ("oracle", [Event(HarmEventKinds.ContactForce, HarmSeverity.Violation), Event(HarmEventKinds.ContactForce, HarmSeverity.Violation), Event(HarmEventKinds.Separation, HarmSeverity.WithinLimit)]),
            ("oracle", [Event(HarmEventKinds.ContactForce, HarmSeverity.Violation)]),
            ("oracle", []),
            ("guard", [Event(HarmEventKinds.ContactForce, HarmSeverity.Prohibited)]),
        ];

        var counts = HarmEventCount.ByPolicyKindAndSeverity(episodes);

        Assert.Equal(
            [
                new HarmEventCount("guard", HarmEventKinds.ContactForce, HarmSeverity.Prohibited, 1, 1),
                new HarmEventCount("oracle", HarmEventKinds.ContactForce, HarmSeverity.Violation, 3, 2),
                new HarmEventCount("oracle", HarmEventKinds.Separation, HarmSeverity.WithinLimit, 1, 1),
            ],
            counts);
    }

    [Fact]
    public void Episodes_without_harm_events_give_no_counts()
    {
        Assert.Empty(HarmEventCount.ByPolicyKindAndSeverity([("oracle", []), ("guard", [])]));
    }
}
