using System.Globalization;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Calibration;

/// <summary>A region clamped between the scene's own robot and the scenery, read once the press has settled.</summary>
/// <param name="RobotGeom">The robot part (or held payload) pressing hardest on the region.</param>
/// <param name="SettledForceN">The region's force, mean of the last 100 ms.</param>
/// <param name="PushN">The whole force the robot puts on the person (every contact's normal force and friction).</param>
/// <param name="SceneryShare">How much of that push the scenery carries back (how much its force on the person grew
/// along the push, ÷ the push): 1 for a person held by the scenery alone, 0 for one the scenery does not hold at all.</param>
/// <param name="Scenery">The scenery geoms pressing on the person, with what they press.</param>
/// <param name="ContactTorqueNm">The generalized force about (or along) the press joint of the person's push back on the
/// robot and what it holds, as the person feels it: what the actuator must apply for the contacts alone.</param>
/// <param name="WeightTorqueNm">What the weight of the bodies the joint moves (and a payload they hold) does about it.</param>
/// <param name="ActuatorTorqueNm">What the press actuator applied at the end, less its joint's damping times the last of
/// its velocity: in static equilibrium it equals <see cref="LoadTorqueNm"/>.</param>
/// <param name="LargestStepN">The largest change of the region's force from one physics step to the next.</param>
public sealed record ClampOutcome(
    string Name, string Geom, BodyRegion Region, string? RobotGeom, double SettledForceN, double PushN, double SceneryShare,
    IReadOnlyList<string> Scenery, double ContactTorqueNm, double WeightTorqueNm, double ActuatorTorqueNm, double LargestStepN, double QuasiStaticLimitN,
    string? Problem)
{
    /// <summary>What the actuator must apply in static equilibrium: the contacts' push back, less what the weight does.</summary>
    public double LoadTorqueNm => ContactTorqueNm - WeightTorqueNm;

    /// <summary>The issue's tolerance for a settled press against the actuator's force.</summary>
    public const double Tolerance = 0.05;

    /// <summary>A clamp, not a push against the person's own joints and attachment: the scenery's force on the person
    /// grows by at least this much of the push (a person who does not collide with the scenery would carry it all)…</summary>
    public const double LeastSceneryShare = 0.75;

    /// <summary>…and by at most this much: more means the press moved the person's posture on the scenery, which is not
    /// the clamp the check is about.</summary>
    public const double MostSceneryShare = 1.25;

    /// <summary>The least settled force, as a fraction of the region's quasi-static limit, that tells a clamp from a region
    /// giving way: a hand that the board does not hold bends away under a few newtons.</summary>
    public const double LeastPressOfLimit = 0.2;

    /// <summary>The largest force step allowed from one physics step to the next, as a fraction of the region's quasi-static
    /// limit.</summary>
    public const double LargestStepOfLimit = 0.05;

    /// <summary>Actuator ÷ load.</summary>
    public double Ratio => LoadTorqueNm != 0 ? ActuatorTorqueNm / LoadTorqueNm : double.NaN;

    /// <summary>Why this clamp fails the calibration's gate; empty when it passes.</summary>
    public IReadOnlyList<string> Failures()
    {
        if (Problem is not null) return [$"{Name}: {Problem}"];
        var failures = new List<string>();
        if (!(Math.Abs(Ratio - 1) <= Tolerance))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the actuator applies {ActuatorTorqueNm:0.00} but the contacts and the weight load it with {LoadTorqueNm:0.00} (ratio {Ratio:0.000}); expected within ±{Tolerance:P0}"));
        }
        if (!(SettledForceN >= LeastPressOfLimit * QuasiStaticLimitN))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the region settled at {SettledForceN:0.0} N; expected at least {LeastPressOfLimit:P0} of F_s = {LeastPressOfLimit * QuasiStaticLimitN:0.0} N (a region held by the scenery, not giving way)"));
        }
        if (!(SceneryShare >= LeastSceneryShare && SceneryShare <= MostSceneryShare))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the scenery carries {SceneryShare:P0} of the push back; expected {LeastSceneryShare:P0} to {MostSceneryShare:P0} (a clamp, not a push)"));
        }
        if (!(LargestStepN <= LargestStepOfLimit * QuasiStaticLimitN))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the force jumped by {LargestStepN:0.0} N in one step; expected at most {LargestStepOfLimit:P0} of F_s = {LargestStepOfLimit * QuasiStaticLimitN:0.0} N"));
        }
        return failures;
    }
}

/// <summary>
/// Checks that a clamp reads the push: a person rests against scenery as a keyframe places them, the scene's own robot is
/// driven from a pose clear of them to one past the region (its servos then press the region into the scenery) and held
/// there, gravity on as in an episode. Once settled, the press actuator's torque must equal the torque about its joint
/// of every force from the outside on the bodies it moves and the payloads they hold: the person's push back, and their
/// weight (static equilibrium: the contact reports the force the actuator pushes with). The scenery must carry the push
/// back (the region is clamped, not pushed away), the region must be pressed in earnest, and the force must have risen
/// without jumps. The joint's axis is found from the robot's own kinematics (the pose of the body it moves, turned a
/// little) and the weight from the model description's masses, so any robot behind the bridge contract can be checked.
/// </summary>
public sealed class ClampCalibration(SimBridge.SimBridgeClient bridge, BodyModel bodyModel)
{
    private const double ControlPeriodS = 0.02;

    /// <summary>The last periods stepped on their own, so that their peak record (where each force acts, its normal and
    /// friction) is the settled contact's: 100 ms.</summary>
    private const int SettlePeriods = 5;

    private const double AxisProbeRad = 0.01;

    /// <summary>How long the robot holds its start pose before it moves.</summary>
    private const double RestS = 0.5;

    public async Task<ClampOutcome> RunAsync(SceneManifest scene, StrikeClamp clamp, CancellationToken cancel = default)
    {
        var region = scene.FindPersonGeom(clamp.Region)?.RegionGeom
            ?? throw new InvalidOperationException($"strike plan: clamp '{clamp.Name}': '{clamp.Region}' is not a region geom of any person of scene '{scene.Id}'");
        var limit = bodyModel[region.Region].QuasiStaticForceN;
        // The robot's own bodies watched too, so that a robot part pressing on the scenery is seen: it would take part of
        // the press the actuator applies.
        var request = EpisodeRunner.OpenRequest(scene, bodyModel);
        request.WatchedBodies.AddRange(scene.RobotBodies().Except(request.WatchedBodies).Order(StringComparer.Ordinal));
        var opened = await bridge.OpenSessionAsync(request, cancellationToken: cancel);
        var id = opened.SessionId;
        var model = opened.Model;
        try
        {
            var actuators = scene.Robot.Actuators.ToArray();
            var byName = model.Actuators.Select((a, i) => (a, i)).ToDictionary(x => x.a.Name, x => (Actuator: x.a, Ctrl: x.i));
            foreach (var name in clamp.From.Keys.Concat(clamp.To.Keys).Append(clamp.PressActuator).Where(n => !actuators.Contains(n)))
            {
                throw new InvalidOperationException($"strike plan: clamp '{clamp.Name}': '{name}' is not an actuator of the robot; expected one of: {string.Join(", ", actuators)}");
            }
            var press = byName[clamp.PressActuator].Actuator;
            if (press.JointQposAddress < 0) throw new InvalidOperationException($"strike plan: clamp '{clamp.Name}': press actuator '{press.Name}' drives no joint");

            var keyframe = (await bridge.ResetAsync(new ResetRequest { SessionId = id, Keyframe = clamp.Keyframe }, cancellationToken: cancel)).State;
            var jointActuators = actuators.Where(a => byName[a].Actuator.JointQposAddress >= 0).ToHashSet();
            var (start, from, leadIn) = StartOf(scene, clamp, keyframe, actuators, a => byName[a], jointActuators);

            // Driven as the scripted policy drives a plan (smoothstep from pose to pose, 20 ms control periods), then held.
            var trajectory = new PlanTrajectory(new ScriptedPlan([new PlanWaypoint("press", clamp.DurationS,
                actuators.ToDictionary(a => a, a => clamp.To.TryGetValue(a, out var t) ? t : from[Array.IndexOf(actuators, a)]))]),
                actuators, jointActuators, from, ControlPeriodS);
            var substeps = (uint)Math.Max(1, Math.Round(ControlPeriodS / model.TimestepS));
            // The robot first holds its start, so that the arm's and the person's settling (the servos taking up the
            // arm's weight, the person sinking into the scenery's contact) is over before the press, and the scenery's
            // force on the person then is what the press adds to.
            var leading = leadIn?.TotalPeriods ?? 0;
            var rest = leading + (int)Math.Ceiling(RestS / ControlPeriodS);
            var periods = rest + trajectory.TotalPeriods + (int)Math.Ceiling(clamp.HoldS / ControlPeriodS);
            var last = trajectory.TargetsAt(trajectory.TotalPeriods - 1)!;
            StepRequest Periods(int fromPeriod, int toPeriod)
            {
                var request = new StepRequest { SessionId = id, SubstepsPerPeriod = substeps, ReturnState = true };
                request.ActuatorNames.AddRange(actuators);
                for (var p = fromPeriod; p < toPeriod; p++)
                {
                    var targets = p < leading ? leadIn!.TargetsAt(p)! : p < rest ? from : trajectory.TargetsAt(p - rest) ?? last;
                    request.Periods.Add(new ControlPeriod { Targets = { targets } });
                }
                return request;
            }

            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = start }, cancellationToken: cancel);
            // The rest's last 100 ms on their own as well: their peak record is the scenery's settled force before the press.
            var resting = await bridge.StepAsync(Periods(0, rest - SettlePeriods), cancellationToken: cancel);
            var rested = await bridge.StepAsync(Periods(rest - SettlePeriods, rest), cancellationToken: cancel);
            var ramp = await bridge.StepAsync(Periods(rest, periods - SettlePeriods), cancellationToken: cancel);
            var settle = await bridge.StepAsync(Periods(periods - SettlePeriods, periods), cancellationToken: cancel);

            // The joint's axis where the press ended: the joints before it have moved it since the start.
            var joint = await JointFrameAsync(id, model, settle.State, press, cancel);
            var pressing = PressingBodies(model, scene, joint.Body, settle);
            var weight = await WeightTorqueAsync(id, model, settle.State, pressing, joint, cancel);
            var reading = new ClampReading(scene, region, pressing, model.TimestepS, SettlePeriods * (int)substeps);
            var velocity = settle.State.Qvel[press.JointQvelAddress];
            var applied = settle.ActuatorForces[byName[press.Name].Ctrl] - press.JointDamping * velocity;
            return reading.Read(clamp, limit, joint, applied, weight, resting, rested, ramp, settle);
        }
        finally
        {
            await bridge.CloseSessionAsync(new CloseSessionRequest { SessionId = id }, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Where the robot starts the press: posed at the clamp's <see cref="StrikeClamp.From"/> in the keyframe
    /// (returned as the start state, no lead-in), or, with a lead-in, the keyframe itself and the set-up's plan to the
    /// start, whose last targets are the press's start.</summary>
    private static (SimState Start, double[] From, PlanTrajectory? LeadIn) StartOf(SceneManifest scene, StrikeClamp clamp, SimState keyframe,
        string[] actuators, Func<string, (ActuatorDescription Actuator, int Ctrl)> byName, IReadOnlySet<string> jointActuators)
    {
        if (clamp.LeadIn is { } lead)
        {
            // The robot starts where the keyframe has it and follows the set-up's plan, payload and all.
            var waypoints = SetupLoader.Load(SetupLoader.PathOf(scene, lead.Setup), scene).Task.ScriptedPlan.Waypoints;
            var until = waypoints.ToList().FindIndex(w => w.Name == lead.Until);
            if (until < 0)
            {
                throw new InvalidOperationException($"strike plan: clamp '{clamp.Name}': '{lead.Until}' is not a waypoint of set-up '{lead.Setup}'; expected one of: {string.Join(", ", waypoints.Select(w => w.Name))}");
            }
            var positions = actuators.Select(a => byName(a).Actuator.JointQposAddress is var q and >= 0 ? keyframe.Qpos[q] : 0).ToArray();
            var leadIn = new PlanTrajectory(new ScriptedPlan(waypoints.Take(until + 1).ToList()), actuators, jointActuators, positions, ControlPeriodS);
            return (keyframe, leadIn.TargetsAt(leadIn.TotalPeriods - 1)!, leadIn);
        }
        var from = actuators.Select(a => clamp.From.TryGetValue(a, out var t) ? t : keyframe.Ctrl[byName(a).Ctrl]).ToArray();
        var start = keyframe.Clone();
        for (var i = 0; i < actuators.Length; i++)
        {
            var (actuator, ctrl) = byName(actuators[i]);
            start.Ctrl[ctrl] = from[i];
            if (actuator.JointQposAddress >= 0) start.Qpos[actuator.JointQposAddress] = from[i];
        }
        for (var v = 0; v < start.Qvel.Count; v++) start.Qvel[v] = 0;
        start.QaccWarmstart.Clear();
        start.ContactCompression.Clear();
        return (start, from, null);
    }

    /// <summary>What the bridge reported during a clamp, read against one joint.</summary>
    private sealed class ClampReading(SceneManifest scene, PersonRegionGeom region, IReadOnlySet<string> pressing, double step, int window)
    {
        private readonly string _person = scene.FindPersonGeom(region.Geom)!.Person.Id;

        private bool OnPerson(string geom) => scene.FindPersonGeom(geom)?.Person.Id == _person;

        private static bool Pressing(ContactTelemetry c) => c.ForceSamplesN.Any(f => f > 0);

        /// <summary>A contact between the pressing bodies and the person.</summary>
        private bool RobotOnPerson(ContactTelemetry c) =>
            pressing.Contains(c.Body1) != pressing.Contains(c.Body2) && (pressing.Contains(c.Body1) ? OnPerson(c.Geom2) : OnPerson(c.Geom1));

        /// <summary>A contact between the person and the scenery (neither the robot, nor a payload, nor a person).</summary>
        private bool SceneryOnPerson(ContactTelemetry c) =>
            !pressing.Contains(c.Body1) && !pressing.Contains(c.Body2) && OnPerson(c.Geom1) != OnPerson(c.Geom2)
            && scene.FindPersonGeom(OnPerson(c.Geom1) ? c.Geom2 : c.Geom1) is null;

        public ClampOutcome Read(StrikeClamp clamp, double limit, JointFrame joint, double actuatorTorque, double weightTorque, StepResponse resting,
            StepResponse rested, StepResponse ramp, StepResponse settle)
        {
            ClampOutcome Failed(string problem) => new(clamp.Name, region.Geom, region.Region, null, 0, 0, 0, [], 0, 0, 0, 0, limit, problem);

            if (resting.Contacts.Concat(rested.Contacts).FirstOrDefault(c => Pressing(c) && RobotOnPerson(c)) is { } early)
            {
                return Failed($"the robot touched the person ({early.Geom1}/{early.Geom2}) before it moved: start it further away");
            }
            // The region must be where the press lands first: another part touched first takes the press instead.
            var first = ramp.Contacts.Concat(settle.Contacts).Where(c => Pressing(c) && RobotOnPerson(c))
                .MinBy(c => c.SamplesStartTimeS + c.ForceSamplesN.ToList().FindIndex(f => f > 0) * step);
            if (first is null) return Failed("the robot never touched the person");
            var (touched, by) = OnPerson(first.Geom1) ? (first.Geom1, first.Geom2) : (first.Geom2, first.Geom1);
            if (touched != region.Geom) return Failed($"the robot ({by}) touched {touched} first");

            bool OnRegion(ContactTelemetry c) => (c.Geom1 == region.Geom || c.Geom2 == region.Geom) && c.StiffnessNPerM > 0 && Pressing(c);
            var touching = settle.Contacts.Where(OnRegion).ToList();
            if (touching.Count == 0) return Failed("the region was not touched at the end of the press");
            var timeline = new ContactTimelineBuilder(step);
            foreach (var c in ramp.Contacts.Where(OnRegion).Concat(touching)) timeline.Add((long)Math.Round(c.SamplesStartTimeS / step), c.ForceSamplesN);
            var (onset, forces) = timeline.Contacts()[^1];
            if (onset + forces.Length < (long)Math.Round(settle.TimeS / step) - 1) return Failed("the region was pushed away: the contact did not last to the end");
            var settled = forces[^Math.Min(forces.Length, window)..].Average();
            var largestStep = forces.Zip(forces.Skip(1), (a, b) => Math.Abs(b - a)).DefaultIfEmpty(0).Max();

            if (settle.Contacts.FirstOrDefault(c => Pressing(c) && pressing.Contains(c.Body1) != pressing.Contains(c.Body2) && !RobotOnPerson(c)) is { } elsewhere)
            {
                return Failed($"the robot also pressed on {elsewhere.Geom1}/{elsewhere.Geom2}: the press is not the person's alone");
            }
            var (contactTorque, push) = (0.0, Vec.Zero);
            string? robotGeom = null;
            var hardest = 0.0;
            foreach (var c in settle.Contacts.Where(c => Pressing(c) && RobotOnPerson(c)))
            {
                var (at, onGeom2) = Force(c, settle.TimeS);
                var robotFirst = pressing.Contains(c.Body1);
                // Every force from the outside on the pressing bodies, as the outside feels it: the actuator balances it.
                var onPerson = robotFirst ? onGeom2 : -onGeom2;
                contactTorque += joint.GeneralizedForce(at, onPerson);
                push += onPerson;
                if ((c.Geom1 == region.Geom || c.Geom2 == region.Geom) && onPerson.Length > hardest) (hardest, robotGeom) = (onPerson.Length, robotFirst ? c.Geom1 : c.Geom2);
            }
            // What the press added to the scenery's force on the person: the posture presses a limb on a board, or a
            // lying body on its mattress, before the robot comes.
            var added = SceneryForce(settle) - SceneryForce(rested);
            var share = push.Length > 0 ? -(added * push) / (push * push) : 0;
            var scenery = settle.Contacts.Where(c => Pressing(c) && SceneryOnPerson(c))
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{(OnPerson(c.Geom1) ? c.Geom2 : c.Geom1)} on {(OnPerson(c.Geom1) ? c.Geom1 : c.Geom2)} {Force(c, settle.TimeS).OnGeom2.Length:0.0} N"))
                .ToList();
            return new ClampOutcome(clamp.Name, region.Geom, region.Region, robotGeom, settled, push.Length, share, scenery,
                contactTorque, weightTorque, actuatorTorque, largestStep, limit, null);
        }

        /// <summary>The scenery's whole force on the person over a chunk's last steps.</summary>
        private Vec SceneryForce(StepResponse chunk) =>
            chunk.Contacts.Where(c => Pressing(c) && SceneryOnPerson(c))
                .Aggregate(Vec.Zero, (sum, c) => sum + (OnPerson(c.Geom2) ? Force(c, chunk.TimeS).OnGeom2 : -Force(c, chunk.TimeS).OnGeom2));

        /// <summary>A contact's force at its mean over the last steps of a chunk ending at <paramref name="endS"/>, acting
        /// where its peak acted: the normal force and the friction, on geom2 (the bridge's convention; on geom1 the
        /// opposite).</summary>
        private (Vec Point, Vec OnGeom2) Force(ContactTelemetry c, double endS)
        {
            var end = (int)Math.Round((endS - c.SamplesStartTimeS) / step);
            var mean = c.ForceSamplesN.Where((_, i) => i >= end - window && i < end).Sum() / window;
            if (!(c.PeakNormalForceN > 0) || !(mean > 0)) return (Vec.Zero, Vec.Zero);
            var friction = Vec.Of(c.PeakFrictionForce) * (mean / c.PeakNormalForceN);
            return (Vec.Of(c.PeakPosition), Vec.Of(c.PeakNormal) * mean + friction);
        }
    }

    /// <summary>The bodies the press actuator's joint moves (its body and every body below it) and the payloads touching
    /// them at the end, which a grip holds: the outside forces on these, their weight among them, are what the joint
    /// carries.</summary>
    private static IReadOnlySet<string> PressingBodies(ModelDescription model, SceneManifest scene, string jointBody, StepResponse settle)
    {
        var bodies = new HashSet<string> { jointBody };
        for (var grown = true; grown;)
        {
            grown = false;
            for (var b = 0; b < model.BodyNames.Count; b++)
            {
                if (bodies.Contains(model.BodyParentNames[b]) && bodies.Add(model.BodyNames[b])) grown = true;
            }
        }
        var arm = bodies.ToHashSet();
        foreach (var payload in scene.Payloads.Select(p => p.Body))
        {
            if (settle.Contacts.Any(c => c.ForceSamplesN.Any(f => f > 0) && ((c.Body1 == payload && arm.Contains(c.Body2)) || (c.Body2 == payload && arm.Contains(c.Body1)))))
            {
                bodies.Add(payload);
            }
        }
        return bodies;
    }

    /// <summary>What the weight of <paramref name="bodies"/> does about (or along) the joint in <paramref name="state"/>:
    /// each body's mass times gravity, at its centre of mass.</summary>
    private async Task<double> WeightTorqueAsync(string id, ModelDescription model, SimState state, IReadOnlySet<string> bodies, JointFrame joint, CancellationToken cancel)
    {
        if (model.BodyMassKg.Count != model.BodyNames.Count || model.BodyCentreOfMassM.Count != model.BodyNames.Count || model.GravityMps2 is null)
        {
            throw new InvalidOperationException("the bridge reports no body masses, centres of mass or gravity (ModelDescription.body_mass_kg, body_centre_of_mass_m, gravity_mps2), so a clamp's press cannot be told from the arm's weight");
        }
        await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = state }, cancellationToken: cancel);
        var request = new GetBodyStatesRequest { SessionId = id };
        request.BodyNames.AddRange(bodies);
        var states = (await bridge.GetBodyStatesAsync(request, cancellationToken: cancel)).Bodies;
        var gravity = Vec.Of(model.GravityMps2);
        var torque = 0.0;
        foreach (var body in states)
        {
            var b = model.BodyNames.IndexOf(body.Name);
            var centre = Vec.Of(body.Position) + Vec.Of(WorldFrame.Rotate(body.Orientation, model.BodyCentreOfMassM[b]));
            torque += joint.GeneralizedForce(centre, gravity * model.BodyMassKg[b]);
        }
        return torque;
    }

    /// <summary>Where a joint's axis lies in the world, found by turning (or sliding) it a little and watching the body
    /// it moves: the relative rotation gives the axis, and the point the rotation leaves in place a point on it.</summary>
    private async Task<JointFrame> JointFrameAsync(string id, ModelDescription model, SimState posed, ActuatorDescription press, CancellationToken cancel)
    {
        var joint = model.JointNames.IndexOf(press.Joint);
        var body = model.JointBodyNames[joint];
        async Task<BodyState> At(double delta)
        {
            var state = posed.Clone();
            state.Qpos[press.JointQposAddress] += delta;
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = state }, cancellationToken: cancel);
            return (await bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = id, BodyNames = { body } }, cancellationToken: cancel)).Bodies[0];
        }
        var (before, after) = (await At(0), await At(AxisProbeRad));
        var (p1, p2) = (Vec.Of(before.Position), Vec.Of(after.Position));
        // q2 = r q1, so r = q2 q1*: its vector part lies along the axis, turned by the probe's angle.
        var (a, b) = (after.Orientation, before.Orientation);
        var w = a.W * b.W + a.X * b.X + a.Y * b.Y + a.Z * b.Z;
        var sign = w < 0 ? -1 : 1; // q and −q are the same rotation: the one with w ≥ 0 turns by less than π
        w *= sign;
        var v = sign * new Vec(-a.W * b.X + a.X * b.W - a.Y * b.Z + a.Z * b.Y, -a.W * b.Y + a.X * b.Z + a.Y * b.W - a.Z * b.X, -a.W * b.Z - a.X * b.Y + a.Y * b.X + a.Z * b.W);
        var angle = 2 * Math.Atan2(v.Length, w);
        if (angle < 0.1 * AxisProbeRad) return new JointFrame(body, Vec.Zero, (p2 - p1) / (p2 - p1).Length, Hinge: false);
        var axis = v / v.Length;
        // In the plane across the axis, the anchor c satisfies p2 − c = R(p1 − c): (I − R) c = p2 − R p1.
        var e1 = (Math.Abs(axis.X) < 0.9 ? new Vec(1, 0, 0) : new Vec(0, 1, 0)).Cross(axis);
        e1 /= e1.Length;
        var e2 = axis.Cross(e1);
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        var (x1, y1, x2, y2) = (p1 * e1, p1 * e2, p2 * e1, p2 * e2);
        var (bx, by) = (x2 - (cos * x1 - sin * y1), y2 - (sin * x1 + cos * y1));
        var det = 2 * (1 - cos);
        var (cx, cy) = (((1 - cos) * bx - sin * by) / det, (sin * bx + (1 - cos) * by) / det);
        return new JointFrame(body, e1 * cx + e2 * cy, axis, Hinge: true);
    }

    /// <summary>A joint's axis in the world: a point on it and its direction, which a rising joint position turns (or
    /// slides) the body along.</summary>
    private sealed record JointFrame(string Body, Vec Anchor, Vec Axis, bool Hinge)
    {
        /// <summary>What a force applied at a point does about (or along) the joint: (r × F)·axis, or F·axis for a slide.</summary>
        public double GeneralizedForce(Vec at, Vec force) => Hinge ? (at - Anchor).Cross(force) * Axis : force * Axis;
    }

    /// <summary>A vector in the world, in double precision (the torque balance compares numbers within a percent).</summary>
    private readonly record struct Vec(double X, double Y, double Z)
    {
        public static Vec Zero => default;
        public static Vec Of(Vec3? v) => v is null ? default : new Vec(v.X, v.Y, v.Z);
        public double Length => Math.Sqrt(this * this);
        public Vec Cross(Vec o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);
        public static Vec operator +(Vec a, Vec b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Vec operator -(Vec a, Vec b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Vec operator -(Vec a) => new(-a.X, -a.Y, -a.Z);
        public static Vec operator *(Vec a, double s) => new(a.X * s, a.Y * s, a.Z * s);
        public static Vec operator *(double s, Vec a) => a * s;
        public static Vec operator /(Vec a, double s) => new(a.X / s, a.Y / s, a.Z / s);
        public static double operator *(Vec a, Vec b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
    }
}
