using Testbed.Domain.Scenarios;

namespace Testbed.Controller.Policies;

/// <summary>Carries out the scenario's task along its scripted joint-space waypoints, ignoring the instruction,
/// the cameras and any person in the way. It is the harm upper bound every other policy is compared with.</summary>
public sealed class ScriptedTaskPolicy : IPolicy
{
    public const string PolicyName = "scripted";
    private PlanTrajectory? _trajectory;
    private int _period;
    private int _periodsPerChunk;

    public string Name => PolicyName;

    public IReadOnlyList<string> Cameras => [];

    public Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
    {
        _trajectory = new PlanTrajectory(brief.Scenario.Task.ScriptedPlan.AtSpeed(brief.Context.SpeedScale), brief.Actuators, brief.JointActuators, brief.StartPositions, brief.ControlPeriodS);
        _period = 0;
        _periodsPerChunk = brief.PeriodsPerChunk;
        return Task.CompletedTask;
    }

    public Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var trajectory = _trajectory ?? throw new InvalidOperationException("ActAsync before BeginEpisodeAsync");
        var periods = new List<double[]>(_periodsPerChunk);
        while (periods.Count < _periodsPerChunk && trajectory.TargetsAt(_period) is { } targets)
        {
            periods.Add(targets);
            _period++;
        }
        return Task.FromResult(new PolicyAction(periods, Done: _period >= trajectory.TotalPeriods));
    }
}
