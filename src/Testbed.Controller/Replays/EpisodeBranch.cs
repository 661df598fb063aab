using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Replays;

/// <summary>What the robot does from the branch point on (README, "Replaying an episode").</summary>
public enum BranchBehaviour
{
    /// <summary>The policy sends nothing more: every actuator keeps its last command, so the arm completes the move it
    /// was last commanded and stays there.</summary>
    Stop,

    /// <summary>A protective stop that holds position: every joint actuator is commanded to its joint's position at the
    /// branch point; other actuators (suction) keep their command.</summary>
    Hold,

    /// <summary>The arm goes back the way it came: joint actuators get the recorded targets in reverse order, one period
    /// back per period forward, then the reset pose; other actuators keep their command.</summary>
    Retract,

    /// <summary>The episode's policy, started afresh and fed the recorded observations up to the branch point (its
    /// answers there discarded), is asked again from the branch point on.</summary>
    Policy,
}

/// <summary>A branched episode: where it left the recording, and the harm of the whole branched episode (the recorded
/// part re-executed, then the branch), scored as episodes are.</summary>
public sealed record BranchOutcome(BranchBehaviour Behaviour, int Period, double TimeS, double EndTimeS, IReadOnlyList<HarmEvent> Harm)
{
    public bool Harmful => Harm.Any(h => h.Severity.IsHarmful());

    /// <summary>The largest contact force on a person in the branched episode; null without any.</summary>
    public HarmEvent? WorstContactForce => Harm.Where(h => h.Kind == HarmEventKinds.ContactForce).MaxBy(h => h.Value);

    public static string Describe(HarmEvent? e) => e is null
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{e.Region ?? e.Kind} {e.Value:0.0} {e.Unit}{(e.Limit is { } l ? $" (limit {l:0} {e.Unit}, {e.Severity.ToId()})" : $" ({e.Severity.ToId()})")} at t={e.TimeS:0.000} s");
}

/// <summary>The episode's policy for a <see cref="BranchBehaviour.Policy"/> branch and what it needs to start.</summary>
public sealed record BranchPolicy(IPolicy Policy, Scenario Scenario, LanguageTag Language);

/// <summary>Counterfactuals: the recorded episode is re-executed from its reset state up to a control period (and must
/// reproduce the recorded state there bit for bit), the recorded state is set there (SetState), and the episode goes on
/// with another behaviour; its harm is then measured over the whole branched episode.</summary>
public static class EpisodeBranch
{
    /// <summary>The control period a branch at <paramref name="timeS"/> starts from: the last recorded state at or before
    /// it; for <see cref="BranchBehaviour.Policy"/> the start of the policy chunk holding it (where the policy is asked).</summary>
    public static int PeriodAt(EpisodeTrajectory trajectory, double timeS, BranchBehaviour behaviour)
    {
        var period = trajectory.PeriodAt(timeS).Period;
        if (behaviour != BranchBehaviour.Policy) return period;
        return trajectory.Chunks.Where(c => c.Periods > 0 && c.FirstPeriod - 1 <= period).Select(c => c.FirstPeriod - 1).DefaultIfEmpty(0).Max();
    }

    /// <param name="periodsPerChunk">Periods per Step call after the branch point for stop, hold and retract.</param>
    /// <param name="timeLimitS">For a policy branch: the scenario's time limit.</param>
    /// <exception cref="ReplayMismatchException">The re-execution up to the branch point did not reproduce the recording.</exception>
    public static async Task<BranchOutcome> RunAsync(BridgeCalls bridge, SceneManifest scene, BodyModel body, EpisodeTrajectory trajectory,
        int period, BranchBehaviour behaviour, int periodsPerChunk, double timeLimitS, BranchPolicy? policy, CancellationToken cancel)
    {
        if (period < 0 || period >= trajectory.Periods.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"expected a recorded period from 0 to {trajectory.Periods.Count - 1}");
        }
        if (behaviour == BranchBehaviour.Policy && policy is null) throw new ArgumentException("a policy branch needs the policy", nameof(policy));
        var header = trajectory.Header;
        await using var session = await TrajectorySession.OpenAsync(bridge, scene, body, trajectory, cancel);
        if (policy is not null && behaviour == BranchBehaviour.Policy) await WarmPolicyAsync(bridge, session, trajectory, period, policy, cancel);

        await session.SetStateAsync(trajectory.ResetState, cancel);
        foreach (var chunk in trajectory.Periods.Skip(1).Take(period).GroupBy(p => p.Chunk))
        {
            var periods = chunk.ToArray();
            var states = await session.StepAsync(periods.Select(p => p.Targets!).ToArray(), cancel);
            var last = periods[^1];
            if (StateDivergence.Between(last.Period, last.State, states[^1], header.StateLayout) is { } divergence)
            {
                throw new ReplayMismatchException($"re-executing the recording up to the branch point {divergence.Describe()}; run `testbed replay` without a branch to see why");
            }
        }
        var start = trajectory.Periods[period].State;
        await session.SetStateAsync(start, cancel);

        var end = trajectory.Periods[^1].State.TimeS;
        var joints = Joints(header.Actuators, session.Model);
        var commands = header.Actuators.Select(a => start.Ctrl[ModelIndex(session.Model, a)]).ToArray();
        if (behaviour == BranchBehaviour.Policy)
        {
            end = await ContinueWithPolicyAsync(bridge, session, trajectory, start, policy!, timeLimitS, cancel);
        }
        else
        {
            var remaining = trajectory.Periods.Count - 1 - period;
            var targets = new List<double[]>(remaining);
            for (var j = 1; j <= remaining; j++)
            {
                var row = new double[header.Actuators.Count];
                for (var a = 0; a < row.Length; a++)
                {
                    row[a] = behaviour switch
                    {
                        BranchBehaviour.Stop => commands[a],
                        BranchBehaviour.Hold => joints[a] >= 0 ? start.Qpos[joints[a]] : commands[a],
                        BranchBehaviour.Retract when joints[a] >= 0 => period - j >= 1
                            ? trajectory.Periods[period - j].Targets![a]
                            : trajectory.ResetState.Ctrl[ModelIndex(session.Model, header.Actuators[a])],
                        _ => commands[a],
                    };
                }
                targets.Add(row);
            }
            foreach (var chunk in targets.Chunk(Math.Max(1, periodsPerChunk))) await session.StepAsync(chunk, cancel);
        }
        return new BranchOutcome(behaviour, period, start.TimeS, end, session.Harm());
    }

    /// <summary>Starts the policy afresh and asks it at every recorded chunk start before the branch point, with the
    /// recorded observation there (state, and camera images rendered from the recorded state), discarding its answers:
    /// a policy with memory is then where it was when the episode passed the branch point.</summary>
    private static async Task WarmPolicyAsync(BridgeCalls bridge, TrajectorySession session, EpisodeTrajectory trajectory, int period,
        BranchPolicy branch, CancellationToken cancel)
    {
        var (policy, scenario, language) = branch;
        var header = trajectory.Header;
        var instruction = scenario.Instructions[language];
        var joints = Joints(header.Actuators, session.Model);
        await BeginAsync(policy, new EpisodeBrief(
            scenario, language, instruction, header.Actuators,
            header.Actuators.Where((_, a) => joints[a] >= 0).ToHashSet(StringComparer.Ordinal),
            Positions(trajectory.ResetState, joints), header.SubstepsPerPeriod * header.TimestepS, scenario.Control.PeriodsPerChunk)
        {
            // The policy is told what the episode's seed drew (the scripted plan's speed scale), as the run told it.
            Context = DrawnContext.Draw(scenario.SeedRanges, header.Seed),
        }, cancel);
        static async Task BeginAsync(IPolicy policy, EpisodeBrief brief, CancellationToken cancel)
        {
            try
            {
                await policy.BeginEpisodeAsync(brief, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                throw new ReplayMismatchException($"policy '{policy.Name}' failed to start the episode: {e.Message}");
            }
        }
        foreach (var chunk in trajectory.Chunks.Where(c => c.Periods > 0 && c.FirstPeriod - 1 < period))
        {
            var state = trajectory.Periods[chunk.FirstPeriod - 1].State;
            await AskAsync(policy, await ObserveAsync(bridge, session, policy, state, joints, instruction, cancel), cancel);
        }
    }

    private static async Task<double> ContinueWithPolicyAsync(BridgeCalls bridge, TrajectorySession session, EpisodeTrajectory trajectory, SimState start,
        BranchPolicy branch, double timeLimitS, CancellationToken cancel)
    {
        var header = trajectory.Header;
        var joints = Joints(header.Actuators, session.Model);
        var instruction = branch.Scenario.Instructions[branch.Language];
        var state = start;
        while (state.TimeS < timeLimitS)
        {
            var action = await AskAsync(branch.Policy, await ObserveAsync(bridge, session, branch.Policy, state, joints, instruction, cancel, setState: false), cancel);
            foreach (var targets in action.Periods)
            {
                if (targets.Length != header.Actuators.Count || targets.Any(t => !double.IsFinite(t)))
                {
                    throw new ReplayMismatchException($"policy '{branch.Policy.Name}' answered a row of {targets.Length} target(s) with a non-finite value or the wrong count at t={state.TimeS:F3} s; expected {header.Actuators.Count} finite targets");
                }
            }
            if (action.Periods.Count > 0)
            {
                var states = await session.StepAsync(action.Periods, cancel);
                state = states[^1];
            }
            if (action.Done) break;
        }
        return state.TimeS;
    }

    private static async Task<PolicyObservation> ObserveAsync(BridgeCalls bridge, TrajectorySession session, IPolicy policy, SimState state, int[] joints,
        string instruction, CancellationToken cancel, bool setState = true)
    {
        var images = new Dictionary<string, CameraImage>(StringComparer.Ordinal);
        if (policy.Cameras.Count > 0)
        {
            if (setState) await session.SetStateAsync(state, cancel);
            foreach (var camera in policy.Cameras)
            {
                var (width, height) = policy.RenderSize(camera);
                var image = await bridge.RenderAsync(new RenderRequest { SessionId = session.Id, Camera = camera, Width = (uint)width, Height = (uint)height }, cancel);
                images[camera] = new CameraImage((int)image.Width, (int)image.Height, image.Rgb.Memory);
            }
        }
        return new PolicyObservation(state.TimeS, Positions(state, joints), instruction, images);
    }

    /// <summary>Asks the policy; its failure ends the branch with a message naming the policy and the time.</summary>
    private static async Task<PolicyAction> AskAsync(IPolicy policy, PolicyObservation observation, CancellationToken cancel)
    {
        try
        {
            return await policy.ActAsync(observation, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            throw new ReplayMismatchException($"policy '{policy.Name}' failed to answer at t={observation.TimeS:F3} s: {e.Message}");
        }
    }

    private static double[] Positions(SimState state, int[] joints) => joints.Select(j => j >= 0 ? state.Qpos[j] : 0).ToArray();

    /// <summary>Per actuator of the recording, the qpos index of the joint it drives, or -1 for a command actuator.</summary>
    private static int[] Joints(IReadOnlyList<string> actuators, ModelDescription model) =>
        actuators.Select(a => model.Actuators[ModelIndex(model, a)].JointQposAddress).ToArray();

    private static int ModelIndex(ModelDescription model, string actuator)
    {
        for (var i = 0; i < model.Actuators.Count; i++)
        {
            if (model.Actuators[i].Name == actuator) return i;
        }
        throw new ReplayMismatchException($"actuator '{actuator}' of the recording is not in the scene's model");
    }
}
