using System.Globalization;

namespace Testbed.Controller.Policies;

/// <summary>
/// Whether a policy's first answer suits the robot beyond its shape (the adapters already refuse a wrong number of
/// values): every executed target inside its actuator's control range, read in the convention's terms (an absolute
/// value, or a delta or velocity that carries the joint out of range); a gripper value inside the range of the
/// policy's gripper convention; a rotation delta of at most half a turn; and enough rows for the actions executed per
/// query. Each mismatch names the row, the action index, the value, the actuator and the range, so a wrong convention
/// or a forgotten un-normalisation is recognisable from the message alone.
/// </summary>
public static class ActionFit
{
    public static IReadOnlyList<string> Mismatches(EpisodeBrief brief, PolicyAction action, PolicyConfig config)
    {
        var found = new List<string>();
        var convention = action.Convention ?? ActionConvention.AbsoluteJointPositions;
        var rows = action.ServerRows ?? action.Periods;
        if (config.ActionsPerQuery is { } perQuery && rows.Count < perQuery)
        {
            found.Add($"the server answered {rows.Count} row(s) per query; actions_per_query in {config.Source} is {perQuery}, so the rest of each query would be missing");
        }

        if (convention.IsEndEffector())
        {
            EndEffectorRows(brief, rows, config, convention, found);
        }
        else
        {
            JointTargets(brief, action.Periods, convention, rows, found);
        }

        return found;
    }

    private static void JointTargets(EpisodeBrief brief, IReadOnlyList<double[]> targets, ActionConvention convention, IReadOnlyList<double[]> rows, List<string> found)
    {
        for (var r = 0; r < targets.Count; r++)
        {
            for (var i = 0; i < targets[r].Length && i < brief.ControlRanges.Count; i++)
            {
                if (brief.ControlRanges[i] is not { } range || range.Contains(targets[r][i])) continue;
                var name = brief.Actuators[i];
                var isJoint = brief.JointActuators.Contains(name);
                var unit = isJoint ? " rad" : "";
                var row = targets.Count > 1 ? $"row {r}: " : "";
                found.Add(!isJoint || convention == ActionConvention.AbsoluteJointPositions
                    ? $"{row}action[{i}] = {Number(targets[r][i])}{unit} outside {name}'s control range {range}"
                    : $"{row}action[{i}] = {Number(r < rows.Count && i < rows[r].Length ? rows[r][i] : double.NaN)} ({(convention == ActionConvention.JointDeltas ? "a joint delta" : "a joint velocity")}) takes {name} to {Number(targets[r][i])}{unit}, outside its control range {range}");
            }
        }
    }

    private static void EndEffectorRows(EpisodeBrief brief, IReadOnlyList<double[]> rows, PolicyConfig config, ActionConvention convention, List<string> found)
    {
        var (low, high) = (Math.Min(config.Gripper.Open, config.Gripper.Closed), Math.Max(config.Gripper.Open, config.Gripper.Closed));
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r].Select((v, i) => config.Normalisation?.Unnormalise(i, v) ?? v).ToArray();
            var at = rows.Count > 1 ? $"row {r}: " : "";
            if (row.Length >= 6)
            {
                var angle = convention == ActionConvention.EndEffectorDeltasAxisAngle
                    ? Math.Sqrt((row[3] * row[3]) + (row[4] * row[4]) + (row[5] * row[5]))
                    : new[] { row[3], row[4], row[5] }.Max(Math.Abs);
                if (angle > Math.PI) found.Add($"{at}the rotation delta action[3..5] = ({Number(row[3])}, {Number(row[4])}, {Number(row[5])}) turns {Number(angle)} rad in one step, more than half a turn; expected radians per step ({convention.ToId()})");
            }

            // A little slack: policies answer 1.0001 as readily as 1.
            var slack = 0.05 * (high - low);
            if (row.Length == 7 && (row[6] < low - slack || row[6] > high + slack))
            {
                var gripper = brief.Kinematics?.EndEffector.GripperActuator ?? "the gripper";
                found.Add($"{at}action[6] = {Number(row[6])} outside the gripper convention's range {Number(low)}…{Number(high)} (open {Number(config.Gripper.Open)}, closed {Number(config.Gripper.Closed)}) for {gripper}; expected the policy's gripper values, set with \"gripper\" in {config.Source}");
            }
        }
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
