using System.Globalization;
using Testbed.Domain.Scenarios;
using Testbed.Sim.V1;
using Xunit.Abstractions;

namespace Testbed.Tests.Sites;

/// <summary>
/// What the hospital site relies on beyond its set-ups' harm: the elderly patient (1.55 m, 50 kg) lies still on the
/// mattress and the nurse stays standing in every keyframe, and no scripted plan asks the Kinova Gen3 for a joint
/// speed its actuators cannot reach, even at the fastest speed scale a seed may draw.
/// </summary>
[Collection(BridgeCollection.Name)]
public sealed class HospitalSiteTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private const string Scene = "hospital";
    private const double StillToleranceM = 0.01;
    private const double LyingToleranceDeg = 5;

    // Kinova Gen3 (7-DoF) maximum joint speeds: 1.39 rad/s (80°/s) for the large actuators of joints 1 to 4,
    // 1.22 rad/s (70°/s) for the small ones of joints 5 to 7 (the scene README gives the source).
    private static readonly Dictionary<string, double> Gen3MaxSpeedRadPerS = new(StringComparer.Ordinal)
    {
        ["gen3_joint_1"] = 1.39, ["gen3_joint_2"] = 1.39, ["gen3_joint_3"] = 1.39, ["gen3_joint_4"] = 1.39,
        ["gen3_joint_5"] = 1.22, ["gen3_joint_6"] = 1.22, ["gen3_joint_7"] = 1.22,
    };

    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);

    public static TheoryData<string> Keyframes()
    {
        var data = new TheoryData<string>();
        foreach (var keyframe in Corpus.Scenes[Scene].Keyframes) data.Add(keyframe.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Keyframes))]
    public async Task The_elderly_patient_lies_still_on_the_mattress_and_the_nurse_stands(string keyframe)
    {
        var session = (await bridge.Connection.Client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "hospital/hospital.xml" })).SessionId;
        try
        {
            await bridge.Connection.Client.ResetAsync(new ResetRequest { SessionId = session, Keyframe = keyframe });
            string[] patient = ["patient_pelvis", "patient_thorax", "patient_head"];
            string[] bodies = [.. patient, "nurse_pelvis", "nurse_head"];
            var start = await BodiesAsync(session, bodies);

            // 2 s in 0.1 s chunks of 0.5 ms steps (the scene's timestep), the arm holding its keyframe pose.
            Dictionary<string, BodyState> now = start;
            for (var chunk = 0; chunk < 20; chunk++)
            {
                var request = new StepRequest { SessionId = session, SubstepsPerPeriod = 200 };
                request.Periods.Add(new ControlPeriod());
                request.BodyStateNames.AddRange(bodies);
                now = (await bridge.Connection.Client.StepAsync(request)).BodyStates.ToDictionary(b => b.Name);
                foreach (var name in bodies)
                {
                    var moved = Distance(now[name].Position, start[name].Position);
                    Assert.True(moved < StillToleranceM, $"{keyframe}: {name} moved {moved * 1000:0.#} mm by t = {(chunk + 1) * 0.1:0.0} s");
                }
            }

            foreach (var name in patient)
            {
                // Lying: the body's own long axis (z) is horizontal; the pelvis, thorax and head rest on the mattress (top 0.60 m).
                var fromVertical = AxisFromVerticalDeg(now[name].Orientation);
                Assert.True(Math.Abs(fromVertical - 90) < LyingToleranceDeg, $"{keyframe}: {name}'s long axis is {fromVertical:0.#}° from vertical; lying is 90°");
                Assert.InRange(now[name].Position.Z, 0.60, 0.80);
            }

            Assert.True(AxisFromVerticalDeg(now["nurse_pelvis"].Orientation) < LyingToleranceDeg, $"{keyframe}: the nurse's pelvis tilts");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{keyframe}: after 2 s the patient's pelvis, thorax and head moved {string.Join(" / ", patient.Select(n => $"{Distance(now[n].Position, start[n].Position) * 1000:0.0}"))} mm; heights {string.Join(" / ", patient.Select(n => $"{now[n].Position.Z:0.###}"))} m"));
        }
        finally
        {
            await bridge.Connection.Client.CloseSessionAsync(new CloseSessionRequest { SessionId = session });
        }
    }

    [Fact]
    public async Task No_scripted_plan_asks_the_Gen3_for_more_than_its_joint_speeds()
    {
        var setups = Corpus.Setups.Where(s => s.SceneId == Scene).ToList();
        Assert.True(setups.Count >= 6, $"the hospital has {setups.Count} set-ups; the site needs at least 6");
        foreach (var setup in setups)
        {
            // Every hospital keyframe starts the arm at the same home pose; read it from the model.
            var session = (await bridge.Connection.Client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "hospital/hospital.xml" })).SessionId;
            await bridge.Connection.Client.ResetAsync(new ResetRequest { SessionId = session, Keyframe = setup.Variants[SetupVariant.Benign].Keyframe });
            var state = await bridge.Connection.Client.GetStateAsync(new GetStateRequest { SessionId = session });
            await bridge.Connection.Client.CloseSessionAsync(new CloseSessionRequest { SessionId = session });

            // Joint i of the arm is qpos[i - 1] (the arm's joints come first in the model).
            var previous = Gen3MaxSpeedRadPerS.Keys.Select((joint, i) => (joint, value: state.Qpos[i])).ToDictionary(p => p.joint, p => p.value);
            var fastest = setup.Task.ScriptedPlan.AtSpeed(setup.SeedRanges.SpeedScale.Max);
            foreach (var waypoint in fastest.Waypoints)
            {
                foreach (var (joint, limit) in Gen3MaxSpeedRadPerS)
                {
                    // Smoothstep from a to b over T peaks at 1.5·|b − a|/T, halfway through the segment.
                    var peak = 1.5 * Math.Abs(waypoint.Targets[joint] - previous[joint]) / waypoint.DurationS;
                    Assert.True(peak <= limit, string.Create(CultureInfo.InvariantCulture,
                        $"set-up '{setup.Id}', waypoint '{waypoint.Name}': {joint} peaks at {peak:0.###} rad/s at speed scale {setup.SeedRanges.SpeedScale.Max}; the Gen3 reaches {limit} rad/s"));
                    previous[joint] = waypoint.Targets[joint];
                }
            }
        }
    }

    private static double Distance(Vec3 a, Vec3 b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)) + ((a.Z - b.Z) * (a.Z - b.Z)));

    // Angle between the body's z axis and the world's vertical.
    private static double AxisFromVerticalDeg(Quat q) => Math.Acos(Math.Clamp(1 - (2 * ((q.X * q.X) + (q.Y * q.Y))), -1, 1)) * 180 / Math.PI;

    private async Task<Dictionary<string, BodyState>> BodiesAsync(string session, IEnumerable<string> bodies)
    {
        var request = new GetBodyStatesRequest { SessionId = session };
        request.BodyNames.AddRange(bodies);
        return (await bridge.Connection.Client.GetBodyStatesAsync(request)).Bodies.ToDictionary(b => b.Name);
    }
}
