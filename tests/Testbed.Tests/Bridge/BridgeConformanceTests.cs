using Testbed.Controller.Conformance;

namespace Testbed.Tests.Bridge;

/// <summary>Every conformance check of `testbed bridge check`, against the real MuJoCo bridge: free fall,
/// resting contact force, determinism, checkpoints, rendering, and each kind of bad input.</summary>
[Collection(BridgeCollection.Name)]
public sealed class BridgeConformanceTests(BridgeFixture bridge)
{
    public static TheoryData<string> Checks => new(BridgeConformance.CheckNames);

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Check_passes_against_the_MuJoCo_bridge(string check)
    {
        var result = await new BridgeConformance(bridge.Connection.Client).RunAsync(check);
        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{check}: {result.Outcome}: {result.Detail}");
    }

    [Fact]
    public void The_check_list_covers_the_contract()
    {
        // The required checks; a rename must not silently drop one.
        string[] required =
        [
            "free-fall", "resting-contact-force", "same-seed-same-trajectory", "render", "bad-input-malformed-mjcf",
            "bad-input-unknown-scene", "bad-input-path-outside-scene-root", "bad-input-nan-target", "bad-input-infinite-target",
            "bad-input-wrong-target-count", "bad-input-unknown-actuator", "bad-input-unknown-session", "bad-input-closed-session",
            "bad-input-include-outside-scene-root", "body-trace-free-fall", "body-trace-leaves-trajectory-unchanged",
            "bad-input-unknown-traced-body", "calibration-switches-friction-and-collisions", "contact-clamp-reads-the-push", "model-describes-masses-and-gravity",
        ];
        Assert.Empty(required.Except(BridgeConformance.CheckNames));
    }
}
