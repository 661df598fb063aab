using System.Globalization;
using Testbed.Domain.Input;

namespace Testbed.Controller.Calibration;

/// <summary>An arm shape of a strike plan: targets for the actuators that are neither the sweep nor the lift, and the
/// payload it holds when the payload, not the arm, is to strike.</summary>
public sealed record StrikeShape(string Name, IReadOnlyDictionary<string, double> Targets, StrikeHold? Holding = null);

/// <summary>A payload held in the end body's grip for a strike: where its body's origin sits in the end body's frame and
/// how it is turned there (the rig then turns it about the grip's line so that a side face leads). The shape's targets
/// close the grip; the payload is aimed at the region instead of the end body, and 5 ms before the impact the grip lets
/// go with the other actuators and stops touching it, so the payload alone meets the region, as the two-body model
/// assumes.</summary>
/// <param name="Orientation">A unit quaternion (w, x, y, z) from the end body's frame to the payload's.</param>
/// <param name="TiltRad">How far the leading face is then tipped about the horizontal line across the sweep, its top
/// forward (0: the face leads upright). A face laid along a standing limb meets it at two points and its force moves
/// as the limb turns; a tipped face leads with its top edge, which crosses the limb at one point.</param>
public sealed record StrikeHold(string Payload, IReadOnlyList<double> PositionM, IReadOnlyList<double> Orientation, double TiltRad = 0);

/// <summary>How one person is placed for the strikes, where the plan's defaults do not suit them.</summary>
/// <param name="HitAngleRad">Where this person's regions are placed along the sweep (null: the plan's); the sweep starts
/// as far before it as the plan's does.</param>
/// <param name="StandUpright">Strike this person standing (their root turned upright about the vertical, on the floor)
/// though the scene lays them down: a horizontal sweep meets a lying patient's side, where her arms, trunk and legs lie
/// side by side and a neighbour is always hit first. The two-body model's masses are measured in the pose struck.</param>
public sealed record StrikePersonPlacement(double? HitAngleRad, bool StandUpright);

/// <summary>A clamp to check: a person placed by a keyframe against scenery (a hand on a shelf board, a patient on her
/// mattress, a back to a rock wall), and the robot driven from one pose to another that presses a region into it, then
/// held. The settled press must balance the press actuator's torque and the scenery must carry it (see
/// <see cref="ClampCalibration"/>).</summary>
/// <param name="Keyframe">Where the person rests against the scenery (the scene's own keyframe).</param>
/// <param name="Region">The region geom the press is aimed at; it must be the first part of the person the robot touches.</param>
/// <param name="PressActuator">The actuator whose torque the press is balanced against: a position actuator on a hinge or
/// slide joint.</param>
/// <param name="From">Targets the robot starts from, clear of the person (actuators not named hold the keyframe's); empty
/// with a <paramref name="LeadIn"/>, whose last waypoint is the start instead.</param>
/// <param name="To">Targets it is driven to, past the region, so that the servos press it into the scenery.</param>
/// <param name="DurationS">How long the drive from <paramref name="From"/> to <paramref name="To"/> takes (smoothstep).</param>
/// <param name="HoldS">How long the robot then holds at <paramref name="To"/> before the press is read.</param>
/// <param name="LeadIn">How the robot gets to its start when it must pick a payload up on the way: a set-up's scripted
/// plan, run from the keyframe to one of its waypoints; null when it is posed at <paramref name="From"/> directly.</param>
public sealed record StrikeClamp(string Name, string Keyframe, string Region, string PressActuator,
    IReadOnlyDictionary<string, double> From, IReadOnlyDictionary<string, double> To, double DurationS, double HoldS, StrikeClampLeadIn? LeadIn = null);

/// <summary>A set-up's scripted plan, followed from the clamp's keyframe up to and including the waypoint
/// <paramref name="Until"/> (the shelf-stow plan picks the tote up and swings it over the shelf).</summary>
public sealed record StrikeClampLeadIn(string Setup, string Until);

/// <summary>
/// How to drive a scene's own robot into its people to prove the contact physics (sim-scenes/&lt;scene&gt;/strike-plan.json):
/// the robot holds a shape, the lift actuator sets the height its end body strikes at, and the sweep actuator swings
/// it through the person at a set speed. Scene authors write one per robot; the calibration picks, per region, the
/// lift that brings the end body to the region's height.
/// </summary>
/// <param name="SweepActuator">A position actuator on a joint that swings the arm about a vertical axis at the origin.</param>
/// <param name="SweepStartRad">Where each sweep starts; clear of scenery.</param>
/// <param name="HitAngleRad">Where the struck region is placed along the sweep.</param>
/// <param name="LiftActuator">A position actuator that raises and lowers the end body.</param>
/// <param name="EndBody">The body whose height is matched to the region's (in a shape holding a payload, the payload's
/// origin, where this body holds it).</param>
/// <param name="People">Per person id, where that person is placed when the plan's defaults do not suit them.</param>
public sealed record StrikePlan(
    string SweepActuator,
    double SweepStartRad,
    double HitAngleRad,
    string LiftActuator,
    double LiftMinRad,
    double LiftMaxRad,
    string EndBody,
    IReadOnlyList<StrikeShape> Shapes,
    IReadOnlyList<double> SpeedsMps,
    IReadOnlyDictionary<string, StrikePersonPlacement>? People = null,
    IReadOnlyList<StrikeClamp>? Clamps = null)
{
    public const string Schema = "testbed.strike-plan/v1";
    public const string FileName = "strike-plan.json";

    public static StrikePlan Load(string sceneFolder)
    {
        var path = Path.Combine(sceneFolder, FileName);
        var root = InputNode.Parse(File.ReadAllText(path), path);
        root.ExpectOnly("schema", "sweep_actuator", "sweep_start_rad", "hit_angle_rad", "lift_actuator", "lift_range_rad", "end_body", "shapes", "speeds_mps", "people", "clamps");
        var schema = root.String("schema");
        if (schema != Schema) throw root.Fail("schema", $"'{schema}' is not supported", $"\"{Schema}\"");
        var lift = root.Array("lift_range_rad");
        if (lift.Count != 2 || !(lift[0].AsNumber() < lift[1].AsNumber()))
        {
            throw root.Fail("lift_range_rad", "is not an increasing pair", "[lowest, highest] in rad");
        }
        var shapes = root.Array("shapes").Select(s =>
        {
            s.ExpectOnly("name", "targets", "holding");
            var targets = s.Object("targets").Properties().ToDictionary(p => p.Name, p => p.Value.AsNumber());
            return new StrikeShape(s.NonEmptyString("name"), targets, s.Has("holding") ? LoadHold(s.Object("holding")) : null);
        }).ToList();
        var speeds = root.Array("speeds_mps").Select(n => n.AsNumber()).ToList();
        if (shapes.Count == 0) throw root.Fail("shapes", "is empty", "at least one arm shape");
        if (speeds.Count == 0 || speeds.Any(v => !(v > 0))) throw root.Fail("speeds_mps", "is empty or not positive", "speeds in m/s, each > 0");
        var people = new Dictionary<string, StrikePersonPlacement>();
        if (root.Has("people"))
        {
            foreach (var (id, placement) in root.Object("people").Properties())
            {
                placement.ExpectOnly("hit_angle_rad", "stand_upright");
                people[id] = new StrikePersonPlacement(placement.Has("hit_angle_rad") ? placement.Number("hit_angle_rad") : null,
                    placement.Has("stand_upright") && placement.Boolean("stand_upright"));
            }
        }
        var clamps = root.Has("clamps") ? root.Array("clamps").Select(LoadClamp).ToList() : [];
        var plan = new StrikePlan(
            root.NonEmptyString("sweep_actuator"), root.Number("sweep_start_rad"), root.Number("hit_angle_rad"),
            root.NonEmptyString("lift_actuator"), lift[0].AsNumber(), lift[1].AsNumber(), root.NonEmptyString("end_body"), shapes, speeds, people, clamps);
        if (!(plan.SweepStartRad < plan.HitAngleRad)) throw root.Fail("sweep_start_rad", "is not below hit_angle_rad", "a start before the hit angle (the sweep target rises)");
        return plan;
    }

    private static StrikeClamp LoadClamp(InputNode clamp)
    {
        clamp.ExpectOnly("name", "keyframe", "region", "press_actuator", "from", "lead_in", "to", "duration_s", "hold_s");
        IReadOnlyDictionary<string, double> Targets(string field)
        {
            var targets = clamp.Object(field).Properties().ToDictionary(p => p.Name, p => p.Value.AsNumber());
            if (targets.Count == 0) throw clamp.Fail(field, "is empty", "targets by actuator name, in rad (m for a slide)");
            return targets;
        }
        if (clamp.Has("from") == clamp.Has("lead_in"))
        {
            throw clamp.Fail("from", clamp.Has("from") ? "is given with lead_in" : "is missing", "either from (targets to pose the robot at) or lead_in (a set-up's plan to follow there), not both");
        }
        StrikeClampLeadIn? leadIn = null;
        if (clamp.Has("lead_in"))
        {
            var lead = clamp.Object("lead_in");
            lead.ExpectOnly("setup", "until");
            leadIn = new StrikeClampLeadIn(lead.NonEmptyString("setup"), lead.NonEmptyString("until"));
        }
        var from = clamp.Has("from") ? Targets("from") : new Dictionary<string, double>();
        var to = Targets("to");
        var press = clamp.NonEmptyString("press_actuator");
        if (!to.ContainsKey(press)) throw clamp.Fail("to", $"has no target for the press actuator '{press}'", "a target for every actuator that moves, the press actuator's among them");
        return new StrikeClamp(clamp.NonEmptyString("name"), clamp.NonEmptyString("keyframe"), clamp.NonEmptyString("region"), press,
            from, to, clamp.PositiveNumber("duration_s"), clamp.PositiveNumber("hold_s"), leadIn);
    }

    private static StrikeHold LoadHold(InputNode hold)
    {
        hold.ExpectOnly("payload", "pos_m", "quat", "tilt_deg");
        var position = hold.Array("pos_m").Select(n => n.AsNumber()).ToList();
        if (position.Count != 3) throw hold.Fail("pos_m", $"has {position.Count} numbers", "[x, y, z] in m, in the end body's frame");
        var orientation = hold.Has("quat") ? hold.Array("quat").Select(n => n.AsNumber()).ToList() : [1.0, 0, 0, 0];
        var norm = Math.Sqrt(orientation.Sum(q => q * q));
        if (orientation.Count != 4 || Math.Abs(norm - 1) > 1e-3)
        {
            throw hold.Fail("quat", string.Create(CultureInfo.InvariantCulture, $"is not a unit quaternion ({orientation.Count} numbers, norm {norm:0.###})"),
                "[w, x, y, z] with norm 1");
        }
        var tilt = hold.Has("tilt_deg") ? hold.Number("tilt_deg") : 0;
        if (!(Math.Abs(tilt) < 90)) throw hold.Fail("tilt_deg", string.Create(CultureInfo.InvariantCulture, $"is {tilt}"), "an angle in degrees between -90 and 90");
        return new StrikeHold(hold.NonEmptyString("payload"), position, orientation.Select(q => q / norm).ToList(), tilt * Math.PI / 180);
    }

    /// <summary>The plan for one person: their hit angle, the sweep starting as far before it as the plan's.</summary>
    public StrikePlan ForPerson(string personId) =>
        People?.GetValueOrDefault(personId)?.HitAngleRad is { } hit ? this with { HitAngleRad = hit, SweepStartRad = hit - (HitAngleRad - SweepStartRad) } : this;

    /// <summary>Whether the plan strikes this person standing upright.</summary>
    public bool StandsUpright(string personId) => People?.GetValueOrDefault(personId)?.StandUpright ?? false;
}
