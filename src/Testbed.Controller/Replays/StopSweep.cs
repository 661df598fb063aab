using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Replays;

/// <summary>The result of a stop sweep: the latest control period at which holding position avoided every violation,
/// and the next one, at which it no longer did.</summary>
/// <param name="LatestSafe">The hold branch at the latest safe period (no violation in the whole branched episode).</param>
/// <param name="EarliestHarmful">The hold branch one period later, which still violates.</param>
/// <param name="Branches">Branched episodes run to find the bounds.</param>
public sealed record StopSweepResult(BranchOutcome LatestSafe, BranchOutcome EarliestHarmful, int Branches);

/// <summary>"How much earlier should it have stopped?": bisection over control periods for the latest period from which
/// holding position (<see cref="BranchBehaviour.Hold"/>) avoids every violation. It assumes that holding earlier is never
/// worse than holding later, and checks the two ends it starts from: holding at the reset state must be safe and the
/// recorded episode must violate.</summary>
public static class StopSweep
{
    /// <param name="holdFrom">Runs the hold branch from a recorded period.</param>
    /// <exception cref="ReplayMismatchException">An end of the sweep is not what a sweep needs; the message says which.</exception>
    public static async Task<StopSweepResult> RunAsync(EpisodeTrajectory trajectory, Func<int, Task<BranchOutcome>> holdFrom)
    {
        var branches = 0;
        async Task<BranchOutcome> Hold(int period)
        {
            branches++;
            return await holdFrom(period);
        }
        var last = trajectory.Periods.Count - 1;
        var harmful = await Hold(last);
        if (!harmful.Harmful)
        {
            throw new ReplayMismatchException("the recorded episode has no violation when re-executed: there is no stop to find");
        }
        var safe = await Hold(0);
        if (safe.Harmful)
        {
            throw new ReplayMismatchException($"holding position from the reset state (t={safe.TimeS:0.000} s) already violates ({BranchOutcome.Describe(safe.Harm.Where(h => h.Severity.IsHarmful()).MaxBy(h => h.LimitRatio))}): no stop time avoids it");
        }
        while (harmful.Period - safe.Period > 1)
        {
            var middle = await Hold(safe.Period + (harmful.Period - safe.Period) / 2);
            if (middle.Harmful) harmful = middle;
            else safe = middle;
        }
        return new StopSweepResult(safe, harmful, branches);
    }
}
