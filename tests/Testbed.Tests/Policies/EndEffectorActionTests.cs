using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Actions;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Tests.Policies;

/// <summary>Pure checks of the inverse-kinematics arithmetic against closed forms.</summary>
public sealed class InverseKinematicsMathTests
{
    [Fact]
    public void Damped_least_squares_with_no_damping_inverts_a_square_jacobian()
    {
        var jacobian = new double[,] { { 2, 1 }, { 1, 3 } };

        var step = DampedLeastSquares.Step(jacobian, [5, 10], damping: 0);

        // J x = e: x = (1, 3).
        Assert.Equal(1, step[0], 12);
        Assert.Equal(3, step[1], 12);
    }

    [Fact]
    public void Damping_shrinks_the_step_near_a_singularity()
    {
        var nearlySingular = new double[,] { { 1, 1 }, { 1, 1.000001 } };

        var undamped = DampedLeastSquares.Step(nearlySingular, [1, 0], damping: 1e-9);
        var damped = DampedLeastSquares.Step(nearlySingular, [1, 0], damping: 0.05);

        Assert.True(Math.Abs(undamped[0]) > 1e5, $"undamped step {undamped[0]}");
        Assert.True(Math.Abs(damped[0]) < 10, $"damped step {damped[0]}");
    }

    [Theory]
    [InlineData(0.3, -0.2, 1.1)]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(-1.2, 0.4, 2.5)]
    public void Axis_angle_round_trips_through_a_rotation_matrix(double x, double y, double z)
    {
        var back = Rotation.ToAxisAngle(Rotation.FromAxisAngle(x, y, z));

        Assert.Equal(x, back[0], 9);
        Assert.Equal(y, back[1], 9);
        Assert.Equal(z, back[2], 9);
    }

    [Fact]
    public void Roll_pitch_yaw_are_extrinsic_x_then_y_then_z()
    {
        var r = Rotation.FromRollPitchYaw(0.2, 0.3, 0.4);
        var expected = Rotation.Multiply(Rotation.FromAxisAngle(0, 0, 0.4), Rotation.Multiply(Rotation.FromAxisAngle(0, 0.3, 0), Rotation.FromAxisAngle(0.2, 0, 0)));

        Assert.All(r.Zip(expected), pair => Assert.Equal(pair.Second, pair.First, 12));
    }

    [Fact]
    public async Task A_planar_two_link_arm_reaches_a_point_found_by_the_closed_form()
    {
        var arm = new PlanarArm();
        // Closed form: with links of 1 m, the joints (0.4, 0.9) put the tip here.
        var (x, y) = (Math.Cos(0.4) + Math.Cos(1.3), Math.Sin(0.4) + Math.Sin(1.3));

        var q = await EndEffectorActions.SolveAsync(arm, [0.1, 1.2], [x, y, 0], Rotation.FromAxisAngle(0, 0, 1.3), CancellationToken.None);

        // A two-joint arm is solved for position alone, to 0.1 mm: on 1 m links that is about 1e-4 rad.
        Assert.Equal(0.4, q[0], 3);
        Assert.Equal(0.9, q[1], 3);
    }

    [Fact]
    public async Task A_target_beyond_the_elbows_limit_ends_with_the_elbow_at_its_limit_not_beyond()
    {
        // The closed-form answer needs the elbow at 0.9 rad; it may only reach 0.5.
        var arm = new PlanarArm { JointRanges = [null, new ControlRange(-1, 0.5)] };
        var (x, y) = (Math.Cos(0.4) + Math.Cos(1.3), Math.Sin(0.4) + Math.Sin(1.3));

        var q = await EndEffectorActions.SolveAsync(arm, [0.1, 0.2], [x, y, 0], Rotation.FromAxisAngle(0, 0, 1.3), CancellationToken.None);

        Assert.Equal(0.5, q[1], 12);
        // Unlimited, the same start reaches the closed form: the limit, not the solver, stopped the elbow.
        var free = await EndEffectorActions.SolveAsync(new PlanarArm(), [0.1, 0.2], [x, y, 0], Rotation.FromAxisAngle(0, 0, 1.3), CancellationToken.None);
        Assert.Equal(0.9, free[1], 3);
    }

    [Fact]
    public async Task A_start_outside_a_joints_range_is_brought_inside_it()
    {
        var arm = new PlanarArm { JointRanges = [new ControlRange(-0.2, 0.2), new ControlRange(-1, 1)] };

        var q = await EndEffectorActions.SolveAsync(arm, [0.7, 0.3], [0, 2, 0], Rotation.FromAxisAngle(0, 0, 1.57), CancellationToken.None);

        Assert.InRange(q[0], -0.2, 0.2);
        Assert.InRange(q[1], -1, 1);
    }

    /// <summary>Two 1 m links turning about z in the xy plane: the textbook case with a closed-form answer.</summary>
    private sealed class PlanarArm : IRobotKinematics
    {
        public EndEffector EndEffector { get; } = new("tip", [0, 0, 0], ["shoulder", "elbow"], null, 0, 0);

        public IReadOnlyList<ControlRange?> JointRanges { get; init; } = [null, null];

        public Task<PointKinematics> AtAsync(IReadOnlyList<double> q, CancellationToken cancel)
        {
            var (a, b) = (q[0], q[0] + q[1]);
            double[] position = [Math.Cos(a) + Math.Cos(b), Math.Sin(a) + Math.Sin(b), 0];
            var jacobian = new double[6, 2];
            (jacobian[0, 0], jacobian[0, 1]) = (-Math.Sin(a) - Math.Sin(b), -Math.Sin(b));
            (jacobian[1, 0], jacobian[1, 1]) = (Math.Cos(a) + Math.Cos(b), Math.Cos(b));
            (jacobian[5, 0], jacobian[5, 1]) = (1, 1);
            return Task.FromResult(new PointKinematics(position, Rotation.FromAxisAngle(0, 0, b), jacobian));
        }
    }
}

/// <summary>End-effector actions on the warehouse arm itself, through the bridge's Jacobian.</summary>
[Collection(BridgeCollection.Name)]
public sealed class EndEffectorActionTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);

    [Theory]
    [InlineData(0.05, 0.0, 0.0, 0.0, 0.0, 0.0)]
    [InlineData(0.0, -0.04, 0.03, 0.0, 0.0, 0.0)]
    [InlineData(0.0, 0.0, 0.0, 0.1, 0.0, 0.0)]
    [InlineData(0.02, 0.0, 0.0, 0.0, 0.15, -0.1)]
    public async Task A_tool_delta_moves_the_warehouse_arms_tool_by_that_much(double dx, double dy, double dz, double roll, double pitch, double yaw)
    {
        var scene = Corpus.Scenes["warehouse"];
        var scenario = Corpus.Scenarios.Single(s => s.Id == "tote-to-conveyor-worker-clear");
        var calls = new BridgeCalls(bridge.Connection.Client, CallDeadlines.Default);
        var opened = await calls.OpenSessionAsync(new OpenSessionRequest { SceneId = "warehouse" }, CancellationToken.None);
        try
        {
            var state = (await calls.ResetAsync(new ResetRequest { SessionId = opened.SessionId, Keyframe = scenario.Keyframe }, CancellationToken.None)).State;
            var actuators = opened.Model.Actuators;
            var kinematics = new BridgeRobotKinematics(calls, opened.SessionId, scene.Robot.EndEffector!, actuators, () => state);
            var names = scene.Robot.Actuators;
            var observed = names.Select(n => actuators.Single(a => a.Name == n)).Select(a => a.JointQposAddress >= 0 ? state.Qpos[a.JointQposAddress] : 0.0).ToArray();
            var brief = new EpisodeBrief(scenario, LanguageTag.English, "", names, names.Where(n => n != "suction").ToHashSet(), observed, 0.02, 1) { Kinematics = kinematics };
            var jointsBefore = kinematics.EndEffector.Joints.Select(j => observed[names.ToList().IndexOf(j)]).ToArray();
            var before = await kinematics.AtAsync(jointsBefore, CancellationToken.None);

            var targets = await EndEffectorActions.TargetsAsync(
                [[dx, dy, dz, roll, pitch, yaw, 1.0]], brief, observed, PolicyConfig.Default, ActionConvention.EndEffectorDeltasRollPitchYaw, CancellationToken.None);

            var jointsAfter = kinematics.EndEffector.Joints.Select(j => targets[0][names.ToList().IndexOf(j)]).ToArray();
            var after = await kinematics.AtAsync(jointsAfter, CancellationToken.None);
            // Within the solver's own tolerance (0.1 mm, 1 mrad), far below a policy's step of centimetres.
            var miss = Math.Sqrt(Math.Pow(before.Position[0] + dx - after.Position[0], 2) + Math.Pow(before.Position[1] + dy - after.Position[1], 2) + Math.Pow(before.Position[2] + dz - after.Position[2], 2));
            Assert.True(miss < EndEffectorActions.PositionToleranceM, $"the tool ends {miss * 1000:0.###} mm from where the action puts it");
            var turned = Rotation.ToAxisAngle(Rotation.Multiply(after.Rotation, Rotation.Transpose(before.Rotation)));
            var expected = Rotation.ToAxisAngle(Rotation.FromRollPitchYaw(roll, pitch, yaw));
            Assert.All(turned.Zip(expected), pair => Assert.InRange(pair.First - pair.Second, -EndEffectorActions.RotationToleranceRad, EndEffectorActions.RotationToleranceRad));
            // OpenVLA's gripper 1 means open: the suction stays off (the scene's open command).
            Assert.Equal(0, targets[0][names.ToList().IndexOf("suction")]);
        }
        finally
        {
            await calls.CloseQuietlyAsync(opened.SessionId);
        }
    }
}

/// <summary>End-effector delta steps on the mining boom (four joints: the position of the grab's face is solved) and the
/// hospital's Gen3 (seven joints: the whole pose), through the bridge's Jacobian.</summary>
[Collection(BridgeCollection.Name)]
public sealed class SiteEndEffectorTests(BridgeFixture bridge)
{
    private static readonly ScenarioCorpus Corpus = ScenarioCorpus.Load(BridgeFixture.ScenesRoot);

    [Theory]
    [InlineData("mining", 0.10, 0.0, -0.05, 0.0, 0.0, 0.0)]
    [InlineData("mining", 0.0, 0.08, 0.0, 0.0, 0.0, 0.0)]
    [InlineData("hospital", 0.03, -0.02, 0.02, 0.0, 0.0, 0.0)]
    [InlineData("hospital", 0.0, 0.0, 0.0, 0.1, -0.1, 0.05)]
    public async Task A_tool_delta_moves_the_sites_tool_point_by_that_much_within_a_millimetre(string site, double dx, double dy, double dz, double roll, double pitch, double yaw)
    {
        var scene = Corpus.Scenes[site];
        var scenario = Corpus.Scenarios.First(s => s.SceneId == site);
        var calls = new BridgeCalls(bridge.Connection.Client, CallDeadlines.Default);
        var opened = await calls.OpenSessionAsync(new OpenSessionRequest { SceneId = site }, CancellationToken.None);
        try
        {
            var state = (await calls.ResetAsync(new ResetRequest { SessionId = opened.SessionId, Keyframe = scenario.Keyframe }, CancellationToken.None)).State;
            var actuators = opened.Model.Actuators;
            var effector = scene.Robot.EndEffector!;
            var kinematics = new BridgeRobotKinematics(calls, opened.SessionId, effector, actuators, () => state);
            var names = scene.Robot.Actuators.ToList();
            var observed = names.Select(n => actuators.Single(a => a.Name == n)).Select(a => a.JointQposAddress >= 0 ? state.Qpos[a.JointQposAddress] : 0.0).ToArray();
            var brief = new EpisodeBrief(scenario, LanguageTag.English, "", names, effector.Joints.ToHashSet(), observed, 0.02, 1) { Kinematics = kinematics };
            var before = await kinematics.AtAsync(effector.Joints.Select(j => observed[names.IndexOf(j)]).ToArray(), CancellationToken.None);

            var targets = await EndEffectorActions.TargetsAsync(
                [[dx, dy, dz, roll, pitch, yaw, 0.0]], brief, observed, PolicyConfig.Default, ActionConvention.EndEffectorDeltasRollPitchYaw, CancellationToken.None);

            var joints = effector.Joints.Select(j => targets[0][names.IndexOf(j)]).ToArray();
            var after = await kinematics.AtAsync(joints, CancellationToken.None);
            var miss = Math.Sqrt(Math.Pow(before.Position[0] + dx - after.Position[0], 2) + Math.Pow(before.Position[1] + dy - after.Position[1], 2) + Math.Pow(before.Position[2] + dz - after.Position[2], 2));
            Assert.True(miss < 0.001, $"the {site} tool point ends {miss * 1000:0.###} mm from where the action puts it");
            Assert.All(joints.Zip(kinematics.JointRanges), p => Assert.True(p.Second is null || p.Second.Contains(p.First), $"{p.First} outside {p.Second}"));
            if (effector.Joints.Count >= 6)
            {
                var turned = Rotation.ToAxisAngle(Rotation.Multiply(after.Rotation, Rotation.Transpose(before.Rotation)));
                var expected = Rotation.ToAxisAngle(Rotation.FromRollPitchYaw(roll, pitch, yaw));
                Assert.All(turned.Zip(expected), pair => Assert.InRange(pair.First - pair.Second, -EndEffectorActions.RotationToleranceRad, EndEffectorActions.RotationToleranceRad));
            }

            // The gripper value 0 is the policy's "closed" (OpenVLA's convention): the scene's closed command, 1.
            Assert.Equal(1, targets[0][names.IndexOf(effector.GripperActuator!)]);
        }
        finally
        {
            await calls.CloseQuietlyAsync(opened.SessionId);
        }
    }
}
