using Testbed.Domain.Input;

namespace Testbed.Domain.Harm;

/// <summary>The terms of S_p at one robot speed, so a record or a reader can see which term dominates.</summary>
/// <param name="HumanTravelM">S_h = v_h·(T_r + T_s): the person's approach while the robot reacts and stops.</param>
/// <param name="RobotReactionTravelM">S_r = v_r·T_r: the robot's travel before it starts to brake.</param>
/// <param name="RobotStoppingTravelM">S_s = v_r²/(2·a_stop): the robot's braking distance at constant deceleration.</param>
/// <param name="StopTimeS">T_s used in S_h.</param>
public sealed record ProtectiveSeparationTerms(
    double HumanTravelM,
    double RobotReactionTravelM,
    double RobotStoppingTravelM,
    double IntrusionDistanceM,
    double HumanPositionUncertaintyM,
    double RobotPositionUncertaintyM,
    double StopTimeS)
{
    /// <summary>S_p = S_h + S_r + S_s + C + Z_d + Z_r.</summary>
    public double TotalM =>
        HumanTravelM + RobotReactionTravelM + RobotStoppingTravelM + IntrusionDistanceM + HumanPositionUncertaintyM + RobotPositionUncertaintyM;
}

/// <summary>
/// A site's speed-and-separation-monitoring parameters (ISO/TS 15066 clause 5.5.4) and the protective separation
/// distance they give: S_p = S_h + S_r + S_s + C + Z_d + Z_r, with S_h = v_h·(T_r + T_s), S_r = v_r·T_r,
/// S_s = v_r²/(2·a_stop), and T_s = v_r / a_stop unless the site gives a measured stopping time.
/// </summary>
/// <param name="HumanSpeedMps">v_h, the person's approach speed (1.6 m/s walking by default).</param>
/// <param name="ReactionTimeS">T_r, from the person entering S_p to the robot starting to stop (detection and
/// processing).</param>
/// <param name="StopDecelerationMps2">a_stop, the robot's braking deceleration.</param>
/// <param name="IntrusionDistanceM">C, how far a body part can pass the detection boundary before it is detected.</param>
/// <param name="HumanPositionUncertaintyM">Z_d, the sensing uncertainty of the person's position.</param>
/// <param name="RobotPositionUncertaintyM">Z_r, the uncertainty of the robot's position.</param>
/// <param name="StopTimeS">T_s if the site measured one; null derives it as v_r / a_stop (constant deceleration).</param>
public sealed record ProtectiveSeparation(
    double HumanSpeedMps,
    double ReactionTimeS,
    double StopDecelerationMps2,
    double IntrusionDistanceM,
    double HumanPositionUncertaintyM,
    double RobotPositionUncertaintyM,
    double? StopTimeS = null)
{
    /// <summary>The terms of S_p for a robot moving toward the person at <paramref name="robotSpeedMps"/>; a robot
    /// moving away (negative speed) is taken as standing.</summary>
    public ProtectiveSeparationTerms Terms(double robotSpeedMps)
    {
        if (!double.IsFinite(robotSpeedMps))
        {
            throw new ArgumentException($"robot speed {robotSpeedMps} m/s is not a finite number", nameof(robotSpeedMps));
        }

        var speed = Math.Max(0, robotSpeedMps);
        var stopTime = StopTimeS ?? speed / StopDecelerationMps2;
        return new ProtectiveSeparationTerms(
            HumanSpeedMps * (ReactionTimeS + stopTime),
            speed * ReactionTimeS,
            speed * speed / (2 * StopDecelerationMps2),
            IntrusionDistanceM,
            HumanPositionUncertaintyM,
            RobotPositionUncertaintyM,
            stopTime);
    }

    /// <summary>S_p in metres for a robot moving toward the person at <paramref name="robotSpeedMps"/>.</summary>
    public double DistanceM(double robotSpeedMps) => Terms(robotSpeedMps).TotalM;

    /// <summary>The fastest speed toward a person at <paramref name="distanceM"/> whose S_p does not exceed that
    /// distance (what speed and separation monitoring may allow there); 0 when the distance is within S_p of a standing
    /// robot. S_p is quadratic in the speed (S_s = v²/(2·a_stop); S_h grows linearly with the derived stopping time), so
    /// the bound is the positive root.</summary>
    public double AllowedSpeedMps(double distanceM)
    {
        var standing = DistanceM(0);
        if (!(distanceM > standing)) return 0;
        var a = 1 / (2 * StopDecelerationMps2);
        var b = DistanceM(1) - standing - a;
        return (-b + Math.Sqrt(b * b + 4 * a * (distanceM - standing))) / (2 * a);
    }

    /// <summary>
    /// Reads a site's parameters: <c>{"human_speed_mps"?, "reaction_time_s", "stop_deceleration_mps2", "stop_time_s"?,
    /// "intrusion_distance_m", "human_position_uncertainty_m", "robot_position_uncertainty_m"}</c>. Without
    /// human_speed_mps the walking speed of <paramref name="defaults"/> applies.
    /// </summary>
    public static ProtectiveSeparation Read(InputNode node, SeparationLimits defaults)
    {
        node.ExpectOnly(
            "human_speed_mps", "reaction_time_s", "stop_deceleration_mps2", "stop_time_s", "intrusion_distance_m",
            "human_position_uncertainty_m", "robot_position_uncertainty_m");
        return new ProtectiveSeparation(
            node.Has("human_speed_mps") ? node.PositiveNumber("human_speed_mps") : defaults.WalkingSpeedMps.Value,
            NonNegative(node, "reaction_time_s"),
            node.PositiveNumber("stop_deceleration_mps2"),
            NonNegative(node, "intrusion_distance_m"),
            NonNegative(node, "human_position_uncertainty_m"),
            NonNegative(node, "robot_position_uncertainty_m"),
            node.Has("stop_time_s") ? NonNegative(node, "stop_time_s") : null);
    }

    private static double NonNegative(InputNode node, string name)
    {
        var field = node.Required(name);
        var value = field.AsNumber();
        if (value < 0)
        {
            throw field.Fail($"{value} is negative", "a number >= 0");
        }

        return value;
    }
}
