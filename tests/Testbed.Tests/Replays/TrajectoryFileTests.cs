using Testbed.Controller.Replays;
using Testbed.Controller.Trajectories;
using Testbed.Sim.V1;

namespace Testbed.Tests.Replays;

/// <summary>The trajectory format without a bridge: names of state values, an exact round trip through Parquet, and
/// how a divergence is named.</summary>
public sealed class TrajectoryFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "testbed-trajectory-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A model with a free joint, a ball joint and a hinge driven by one actuator, and one mocap body.</summary>
    private static ModelDescription Model()
    {
        var model = new ModelDescription { Nq = 12, Nv = 10, Na = 0, Nu = 2, Nmocap = 1, TimestepS = 0.001, ModelSha256 = "abc" };
        model.JointNames.AddRange(["box_free", "ball", "hinge"]);
        model.JointQposAddresses.AddRange([0, 7, 11]);
        model.Actuators.Add(new ActuatorDescription { Name = "motor", Joint = "hinge", JointQposAddress = 11 });
        model.Actuators.Add(new ActuatorDescription { Name = "suction", Joint = "", JointQposAddress = -1 });
        model.MocapBodyNames.Add("visitor");
        return model;
    }

    private static SimState State(double time, double seed)
    {
        var s = new SimState { TimeS = time };
        // Values a rounding or text round trip would change: the smallest subnormal, -0, a long mantissa.
        s.Qpos.AddRange(Enumerable.Range(0, 12).Select(i => i == 3 ? double.Epsilon : i == 4 ? -0.0 : Math.PI * seed / (i + 1)));
        s.Qvel.AddRange(Enumerable.Range(0, 10).Select(i => Math.Sqrt(2) * seed * (i - 4.5)));
        s.Ctrl.AddRange([seed / 3, 1]);
        s.MocapPos.AddRange([1.3, 1.5, 0]);
        s.MocapQuat.AddRange([0.415373, 0, 0, -0.909651]);
        s.QaccWarmstart.AddRange(Enumerable.Range(0, 10).Select(i => 1e-300 * seed * i));
        return s;
    }

    private static EpisodeTrajectory Trajectory()
    {
        var model = Model();
        var trajectory = new EpisodeTrajectory
        {
            Header = new TrajectoryHeader
            {
                Scenario = "s", Scene = "scene", Language = "ja", Policy = "scripted", Seed = 3, Keyframe = "k", InitialQposNoise = 0.001,
                ModelSha256 = model.ModelSha256, Bridge = new BridgeIdentity("MuJoCo", "2.2.2", "b", "1.0.0", "f00"), TimestepS = 0.001,
                SubstepsPerPeriod = 20, Actuators = ["motor", "suction"], StateLayout = StateLayout.Of(model),
            },
        };
        trajectory.AddReset(State(0, 0.5));
        trajectory.AddChunk(0, 2, false, null, null, null);
        Assert.True(trajectory.TryAddPeriods([[0.1, 0], [0.2, 1]], [State(0.02, 1), State(0.04, 2)]));
        trajectory.AddChunk(0.04, 1, true, "I must stop: a person is near", "warning", 0.25);
        Assert.True(trajectory.TryAddPeriods([[0.3, 1]], [State(0.06, 3)]));
        return trajectory;
    }

    [Fact]
    public void State_values_are_named_after_their_joint_component_actuator_and_mocap_body()
    {
        var layout = StateLayout.Of(Model());

        Assert.Equal(["box_free/x", "box_free/y", "box_free/z", "box_free/qw", "box_free/qx", "box_free/qy", "box_free/qz", "ball/qw", "ball/qx", "ball/qy", "ball/qz", "hinge"], layout.Qpos);
        Assert.Equal(["box_free/vx", "box_free/vy", "box_free/vz", "box_free/wx", "box_free/wy", "box_free/wz", "ball/wx", "ball/wy", "ball/wz", "hinge"], layout.Qvel);
        Assert.Equal(layout.Qvel, layout.QaccWarmstart);
        Assert.Equal(["motor", "suction"], layout.Ctrl);
        Assert.Equal(["visitor/x", "visitor/y", "visitor/z"], layout.MocapPos);
    }

    [Fact]
    public void A_model_described_without_joint_addresses_is_refused_with_what_is_missing()
    {
        var model = Model();
        model.JointQposAddresses.Clear();

        var e = Assert.Throws<ArgumentException>(() => StateLayout.Of(model));

        Assert.Contains("3 joints but 0 qpos addresses", e.Message);
    }

    [Fact]
    public async Task A_written_trajectory_reads_back_bit_for_bit_with_its_header_targets_and_chunks()
    {
        var written = Trajectory();
        var hashes = await TrajectoryFile.WriteAsync(_folder, written);
        var read = await TrajectoryFile.ReadAsync(_folder);

        Assert.Equal(TrajectoryFile.Files.Order(), hashes.Keys.Order());
        Assert.Equal(written.Periods.Count, read.Periods.Count);
        for (var p = 0; p < written.Periods.Count; p++)
        {
            Assert.Null(StateDivergence.Between(p, written.Periods[p].State, read.Periods[p].State, read.Header.StateLayout));
            Assert.Equal(written.Periods[p].Chunk, read.Periods[p].Chunk);
            Assert.Equal(written.Periods[p].Targets, read.Periods[p].Targets);
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(read.Periods[2].State.Qpos[4]));
        Assert.Equal(double.Epsilon, read.Periods[2].State.Qpos[3]);
        Assert.Equal(written.Chunks, read.Chunks);
        Assert.Equal("f00", read.Header.Bridge.BridgeBuild);
        Assert.Equal(written.Header.StateLayout.Qpos, read.Header.StateLayout.Qpos);
    }

    [Fact]
    public void Periods_without_one_state_each_are_not_recorded()
    {
        var trajectory = Trajectory();

        Assert.False(trajectory.TryAddPeriods([[0.4, 1], [0.5, 1]], [State(0.08, 4)]));
        Assert.Equal(4, trajectory.Periods.Count);
    }

    [Fact]
    public void A_divergence_names_the_first_differing_value_and_counts_the_others()
    {
        var layout = StateLayout.Of(Model());
        var recorded = State(0.04, 2);
        var replayed = State(0.04, 2);
        replayed.Qvel[7] += 1e-12;
        replayed.QaccWarmstart[1] = 5;

        var divergence = StateDivergence.Between(2, recorded, replayed, layout);

        Assert.NotNull(divergence);
        Assert.Equal("qvel", divergence.Field);
        Assert.Equal("ball/wy", divergence.Name);
        Assert.Equal(2, divergence.DifferingValues);
        Assert.Contains("qvel of joint 'ball/wy'", divergence.Describe());
    }

    [Fact]
    public async Task A_folder_without_the_periods_table_is_an_error_naming_the_file()
    {
        await TrajectoryFile.WriteAsync(_folder, Trajectory());
        File.Delete(Path.Combine(_folder, TrajectoryFile.PeriodsFile));

        var e = await Assert.ThrowsAsync<TrajectoryFileException>(() => TrajectoryFile.ReadAsync(_folder));

        Assert.Contains(TrajectoryFile.PeriodsFile, e.Message);
    }
}
