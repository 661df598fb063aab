namespace Testbed.Controller.Policies.Remote;

/// <summary>A policy server's reply that cannot be used: wrongly shaped, not finite, or an error the server sent.</summary>
public sealed class PolicyReplyException(string message) : Exception(message);

/// <summary>Turns the rows a server answered into the runner's targets: checks the shape, un-normalises, applies
/// the action convention and keeps the rows the config executes before the next query.</summary>
public static class ActionChunkReading
{
    public static IReadOnlyList<double[]> Targets(IReadOnlyList<double[]> rows, EpisodeBrief brief, IReadOnlyList<double> observedPositions, PolicyConfig config, ActionConvention convention)
    {
        var dimension = brief.Actuators.Count;
        if (rows.Count == 0) throw new PolicyReplyException("the server answered an empty action chunk; expected at least one row");
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != dimension)
            {
                throw new PolicyReplyException(
                    $"action row {r} has {rows[r].Length} values; expected {dimension}, one per robot actuator ({string.Join(", ", brief.Actuators)})");
            }
            if (rows[r].FirstOrDefault(v => !double.IsFinite(v)) is var bad && !double.IsFinite(bad))
            {
                throw new PolicyReplyException($"action row {r} holds {bad}; expected finite numbers");
            }
        }
        if (config.Normalisation is { } n && n.Offset.Count != dimension)
        {
            throw new PolicyReplyException($"{config.Source}: normalisation has {n.Offset.Count} numbers per statistic; the robot has {dimension} actuators");
        }
        var kept = config.ActionsPerQuery is { } k ? rows.Take(k) : rows;
        var isJoint = brief.Actuators.Select(brief.JointActuators.Contains).ToArray();
        var previous = observedPositions.ToArray();
        var targets = new List<double[]>();
        foreach (var row in kept)
        {
            var target = new double[dimension];
            for (var i = 0; i < dimension; i++)
            {
                var value = config.Normalisation?.Unnormalise(i, row[i]) ?? row[i];
                target[i] = !isJoint[i] ? value : convention switch
                {
                    ActionConvention.JointDeltas => previous[i] + value,
                    ActionConvention.JointVelocities => previous[i] + (value * brief.ControlPeriodS),
                    _ => value,
                };
            }
            targets.Add(target);
            previous = target;
        }
        return targets;
    }
}
