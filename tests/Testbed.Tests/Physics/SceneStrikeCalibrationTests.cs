using System.Globalization;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;
using Xunit.Abstractions;

namespace Testbed.Tests.Physics;

/// <summary>
/// The contact physics proved with each scene's own robot: for every body region of every person, the robot's own
/// links, driven by the scene's own actuators along a sweep of the base joint, strike the region at two speeds in
/// three arm configurations. The person is placed (by its mocap root) so that the region stands in the sweep; the
/// impact peak must be within ±5 % of v·√(μ_true·k), v the approach speed and μ_true the reduced mass the bridge
/// measured from the model's inertia at that contact.
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class SceneStrikeCalibrationTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    [Fact]
    public async Task Experiment()
    {
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");
        var client = bridge.Connection.Client;
        var opened = await client.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, Body));
        var id = opened.SessionId;
        var model = opened.Model;
        var actuators = scene.Robot.Actuators.Where(a => a != "suction").ToArray();
        var jointQpos = model.Actuators.Where(a => actuators.Contains(a.Name)).ToDictionary(a => a.Name, a => a.JointQposAddress);
        var reset = await client.ResetAsync(new ResetRequest { SessionId = id, Keyframe = "worker_clear" });
        var state = reset.State;
        // pose: shoulder s, elbow e, wrist pitch w
        double[] pose = [0, 0.6, 0.9, 0.0, 0, 0];
        for (var i = 0; i < actuators.Length; i++) { state.Qpos[jointQpos[actuators[i]]] = pose[i]; state.Ctrl[i] = pose[i]; }
        // park the tote away
        await client.SetStateAsync(new SetStateRequest { SessionId = id, State = state });
        var bodies = await client.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = id, BodyNames = { "arm_wrist", "arm_tool", "worker_chest", "worker" } });
        foreach (var b in bodies.Bodies) output.WriteLine($"{b.Name}: {b.Position}");
        var wrist = bodies.Bodies[0].Position;
        var r = Math.Sqrt(wrist.X * wrist.X + wrist.Y * wrist.Y);
        var chest = bodies.Bodies[2].Position;
        var root = bodies.Bodies[3].Position;
        foreach (var speed in new[] { 0.3, 1.0 })
        {
            state = (await client.ResetAsync(new ResetRequest { SessionId = id, Keyframe = "worker_clear" })).State;
            for (var i = 0; i < actuators.Length; i++) { state.Qpos[jointQpos[actuators[i]]] = pose[i]; state.Ctrl[i] = pose[i]; }
            // place the person so the chest centre sits on the wrist's circle at yaw 0.6 rad, facing the oncoming arm
            var hitYaw = 0.6;
            var chestRadius = 0.12 + 0.05;
            var cx = (r + 0.0) * Math.Cos(hitYaw);
            var cy = (r + 0.0) * Math.Sin(hitYaw);
            // facing: local +x towards -tangent (the arm comes from lower yaw)
            var face = hitYaw - Math.PI / 2;
            var offX = chest.X - root.X; // chest offset in world at keyframe orientation; approx: use distance
            var offY = chest.Y - root.Y;
            var off = Math.Sqrt(offX * offX + offY * offY);
            state.MocapPos[0] = cx - off * Math.Cos(face) + chestRadius * Math.Cos(face);
            state.MocapPos[1] = cy - off * Math.Sin(face) + chestRadius * Math.Sin(face);
            state.MocapPos[2] = wrist.Z - (chest.Z - root.Z);
            state.MocapQuat[0] = Math.Cos(face / 2); state.MocapQuat[1] = 0; state.MocapQuat[2] = 0; state.MocapQuat[3] = Math.Sin(face / 2);
            await client.SetStateAsync(new SetStateRequest { SessionId = id, State = state });
            var start = state.Clone();
            var omega = speed / r;
            var hold = double.PositiveInfinity;
            for (var pass = 0; pass < 2; pass++) {
            await client.SetStateAsync(new SetStateRequest { SessionId = id, State = start });
            var step = new StepRequest { SessionId = id, SubstepsPerPeriod = 1 };
            step.ActuatorNames.AddRange(actuators);
            var periods = (int)(1.2 / 0.001);
            for (var p = 0; p < periods; p++)
            {
                var t = p * 0.001;
                var yaw = Math.Min(Math.Min(omega * t, 1.5), hold);
                step.Periods.Add(new ControlPeriod { Targets = { yaw, pose[1], pose[2], pose[3], pose[4], pose[5] } });
            }
            if (pass == 1) {
                var before = (int)Math.Round(hold / omega / 0.001) - 5;
                var head = new StepRequest { SessionId = id, SubstepsPerPeriod = 1 };
                head.ActuatorNames.AddRange(actuators);
                head.Periods.AddRange(step.Periods.Take(before));
                await client.StepAsync(head);
                await client.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = id, ActuatorsOff = true, PassiveOff = true });
                var tail = new StepRequest { SessionId = id, SubstepsPerPeriod = 1 };
                tail.ActuatorNames.AddRange(actuators);
                tail.Periods.AddRange(step.Periods.Skip(before).Take(200));
                step = tail;
            }
            var result = await client.StepAsync(step);
            if (pass == 1) await client.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = id });
            var first = result.Contacts.Where(c => c.StiffnessNPerM > 0 && c.SamplesStartTimeS > 0.01).MinBy(c => c.SamplesStartTimeS);
            if (pass == 0) { hold = omega * first!.SamplesStartTimeS; continue; }
            foreach (var c in result.Contacts.Where(c => c.StiffnessNPerM > 0))
            {
                var forces = c.ForceSamplesN;
                var firstMax = 0;
                for (var i = 1; i < forces.Count - 1; i++) { if (forces[i] >= forces[i - 1] && forces[i] > forces[i + 1]) { firstMax = i; break; } }
                var mu = 1 / c.InverseEffectiveMassPerKg;
                var model1 = c.ApproachSpeedMps * Math.Sqrt(mu * c.StiffnessNPerM);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"v {speed} hold {hold:0.000}: {c.Geom1}/{c.Geom2} t {c.SamplesStartTimeS:0.000} n {forces.Count} v {c.ApproachSpeedMps:0.000} mu {mu:0.00} mR {1 / c.InverseEffectiveMass1PerKg:0.00} mH {1 / c.InverseEffectiveMass2PerKg:0.00} peak {c.PeakNormalForceN:0.0} first {forces[firstMax]:0.0}@{firstMax} model {model1:0.0} ratio {forces[firstMax] / model1:0.000} / {c.PeakNormalForceN / model1:0.000}"));
            }
            }
        }
    }
}
