using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Replays;

/// <summary>The first value in which a replayed state differs from the recorded one.</summary>
/// <param name="Field">The SimState field: time_s, qpos, qvel, act, ctrl, mocap_pos, mocap_quat, qacc_warmstart or
/// contact_compression.</param>
/// <param name="Name">What the value belongs to: a joint (and component), an actuator or a mocap body.</param>
/// <param name="DifferingValues">How many values of the period's state differ in all.</param>
public sealed record StateDivergence(int Period, double TimeS, string Field, string Name, double Recorded, double Replayed, int DifferingValues)
{
    public string Describe()
    {
        var what = Field switch
        {
            "time_s" => "the simulation time",
            "ctrl" => $"ctrl of actuator '{Name}'",
            "mocap_pos" or "mocap_quat" => $"{Field} of mocap body '{Name}'",
            "act" => $"activation {Name}",
            _ => $"{Field} of joint '{Name}'",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"diverged at period {Period} (t={TimeS:0.000} s): {what} recorded {Recorded:R}, replayed {Replayed:R}, difference {Replayed - Recorded:G3} ({DifferingValues} value(s) of that period's state differ)");
    }

    /// <summary>The first differing value, bit for bit (so -0 differs from 0 and NaN equals only the same NaN).</summary>
    public static StateDivergence? Between(int period, SimState recorded, SimState replayed, StateLayout layout)
    {
        if (!Same(recorded.TimeS, replayed.TimeS)) return new StateDivergence(period, recorded.TimeS, "time_s", "time_s", recorded.TimeS, replayed.TimeS, 1);
        StateDivergence? first = null;
        var differing = 0;
        foreach (var (field, names) in layout.Fields())
        {
            var a = StateLayout.Values(recorded, field);
            var b = StateLayout.Values(replayed, field);
            if (a.Count != b.Count)
            {
                first ??= new StateDivergence(period, recorded.TimeS, field, $"({a.Count} values recorded, {b.Count} replayed)", double.NaN, double.NaN, 0);
                differing += Math.Max(a.Count, b.Count);
                continue;
            }
            for (var i = 0; i < a.Count; i++)
            {
                if (Same(a[i], b[i])) continue;
                differing++;
                first ??= new StateDivergence(period, recorded.TimeS, field, i < names.Count ? names[i] : $"#{i}", a[i], b[i], 0);
            }
        }
        return first is null ? null : first with { DifferingValues = differing };
    }

    private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}

/// <summary>What a replay found.</summary>
/// <param name="Differences">What differs between the recording and now, apart from the states: changed trajectory
/// files, bridge build, engine version, scene hash, model hash.</param>
/// <param name="Failure">Why the replay could not run to the end (a model that no longer fits the recording), if so.</param>
public sealed record ReplayReport(int PeriodsRecorded, int PeriodsCompared, StateDivergence? Divergence, IReadOnlyList<string> Differences, IReadOnlyList<string> ChangedFiles, string? Failure)
{
    /// <summary>Every recorded state re-executed bit for bit, and the trajectory files as the run wrote them.</summary>
    public bool Identical => Divergence is null && Failure is null && ChangedFiles.Count == 0 && PeriodsCompared == PeriodsRecorded;
}

/// <summary>Re-executes a recorded episode on a bridge: the recorded reset state is set (SetState, with the solver's
/// warm start), the recorded targets are sent chunk by chunk as the policy sent them, and every state the bridge
/// returns after a control period is compared bit for bit with the recorded one.</summary>
public static class EpisodeReplay
{
    /// <param name="bridgeNow">The bridge the replay runs on.</param>
    /// <param name="sceneSha256Now">The scene's content hash now (scene.json, scenarios, MJCF files), to compare with the run's manifest.</param>
    public static async Task<ReplayReport> RunAsync(BridgeCalls bridge, BridgeIdentity bridgeNow, SceneManifest scene, string? sceneSha256Now,
        BodyModel body, RecordedTrajectory recorded, CancellationToken cancel)
    {
        var trajectory = recorded.Trajectory;
        var header = trajectory.Header;
        var differences = new List<string>(header.Bridge.Differences(bridgeNow));
        var sceneThen = header.SceneSha256 ?? recorded.Manifest.SceneSha256.GetValueOrDefault(header.Scene);
        if (sceneThen is not null && sceneSha256Now is not null && sceneThen != sceneSha256Now)
        {
            differences.Add($"scene '{header.Scene}' hash {sceneThen[..12]}… recorded, {sceneSha256Now[..12]}… now (its scene.json, scenarios or MJCF files changed)");
        }
        var recordedPeriods = trajectory.Periods.Count - 1;
        TrajectorySession session;
        try
        {
            session = await TrajectorySession.OpenAsync(bridge, scene, body, trajectory, cancel);
        }
        catch (ReplayMismatchException e)
        {
            return new ReplayReport(recordedPeriods, 0, null, differences, recorded.ChangedFiles, e.Message);
        }
        await using (session)
        {
            if (session.Model.ModelSha256 != header.ModelSha256)
            {
                differences.Add($"scene model (MJCF and the files it loads) hash {Short(header.ModelSha256)} recorded, {Short(session.Model.ModelSha256)} now");
            }
            await session.SetStateAsync(trajectory.ResetState, cancel);
            var compared = 0;
            foreach (var chunk in trajectory.Periods.Skip(1).GroupBy(p => p.Chunk))
            {
                var periods = chunk.ToArray();
                var states = await session.StepAsync(periods.Select(p => p.Targets!).ToArray(), cancel);
                for (var i = 0; i < periods.Length; i++)
                {
                    if (i >= states.Count)
                    {
                        return new ReplayReport(recordedPeriods, compared, null, differences, recorded.ChangedFiles,
                            $"the bridge returned {states.Count} period state(s) for a chunk of {periods.Length}; expected one per period (return_period_states)");
                    }
                    var divergence = StateDivergence.Between(periods[i].Period, periods[i].State, states[i], header.StateLayout);
                    if (divergence is not null) return new ReplayReport(recordedPeriods, compared, divergence, differences, recorded.ChangedFiles, null);
                    compared++;
                }
            }
            return new ReplayReport(recordedPeriods, compared, null, differences, recorded.ChangedFiles, null);
        }
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash.Length == 0 ? "(unknown)" : hash;
}
