using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Policies;

/// <summary>`testbed policy probe`'s fit checks on the real warehouse scene, against the fake openpi server: one that
/// fits, and ones whose answer does not suit the robot for each reason the probe names.</summary>
[Collection(BridgeCollection.Name)]
public sealed class PolicyProbeTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);

    private async Task<PolicyProbeResult> ProbeAsync(FakeOpenPiServer server, string configJson)
    {
        var config = PolicyConfig.Parse(configJson, "probe.json");
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        var policy = new PolicySelection(PolicyAddress.Parse(server.Uri), config).Create();
        try
        {
            return await PolicyProbe.RunAsync(new BridgeCalls(bridge.Connection.Client, CallDeadlines.Default), scenario, Corpus.Scenes["warehouse"], LanguageTag.English, policy, CancellationToken.None, config);
        }
        finally
        {
            await ((IAsyncDisposable)policy).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_holding_the_start_pose_fits_the_robot()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64);

        var result = await ProbeAsync(server, """{"actions_per_query": 5}""");

        Assert.True(result.Fits, result.Describe("probe"));
        Assert.Empty(result.Mismatches);
        Assert.Contains("the server sent 10 row(s) of 7 value(s), read as absolute_joint_positions", result.Describe("probe"), StringComparison.Ordinal);
        Assert.Contains("arm_elbow", result.Describe("probe"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absolute_value_beyond_a_joints_control_range_is_named_with_row_index_value_and_range()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.OutOfRange);

        var result = await ProbeAsync(server, """{"actions_per_query": 2}""");

        Assert.False(result.Fits);
        Assert.Equal(
            ["row 0: action[2] = 4.2 rad outside arm_elbow's control range -2.7…2.7", "row 1: action[2] = 4.2 rad outside arm_elbow's control range -2.7…2.7"],
            result.Mismatches);
        Assert.Contains("does not fit:", result.Describe("probe"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Absolute_positions_read_as_joint_deltas_carry_a_joint_out_of_range_and_the_message_says_so()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64);

        var result = await ProbeAsync(server, """{"action_convention": "joint_deltas"}""");

        Assert.False(result.Fits);
        Assert.Contains(result.Mismatches, m => m.Contains("(a joint delta) takes arm_", StringComparison.Ordinal) && m.Contains(", outside its control range", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fewer_rows_than_actions_per_query_is_a_mismatch()
    {
        await using var server = await FakeOpenPiServer.StartAsync(FakeOpenPiBehaviour.HoldFloat64);

        var result = await ProbeAsync(server, """{"actions_per_query": 20}""");

        Assert.False(result.Fits);
        Assert.Equal(["the server answered 10 row(s) per query; actions_per_query in probe.json is 20, so the rest of each query would be missing"], result.Mismatches);
    }
}
