using Testbed.Sim.V1;

namespace Testbed.Tests.Bridge;

/// <summary>The model description carries the body tree, so a client can find every body below a person's root.</summary>
[Collection(BridgeCollection.Name)]
public sealed class BodyTreeTests(BridgeFixture bridge)
{
    [Fact]
    public async Task Every_body_comes_with_its_parent_and_the_world_with_none()
    {
        var opened = await bridge.Connection.Client.OpenSessionAsync(new OpenSessionRequest { SceneId = "warehouse" });
        var model = opened.Model;
        await bridge.Connection.Client.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });

        Assert.Equal(model.BodyNames.Count, model.BodyParentNames.Count);
        var parentOf = model.BodyNames.Zip(model.BodyParentNames).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("", parentOf["world"]);
        Assert.Equal("world", parentOf["worker"]);
        Assert.Equal("worker", parentOf["worker_pelvis"]);
        Assert.Equal("worker_thorax", parentOf["worker_upper_arm_r"]);
        Assert.Equal("worker_lower_arm_r", parentOf["worker_hand_r"]);
        Assert.Equal("arm_wrist_roll", parentOf["arm_tool"]);
        Assert.All(model.BodyParentNames.Where(p => p.Length > 0), p => Assert.Contains(p, model.BodyNames));
    }
}
