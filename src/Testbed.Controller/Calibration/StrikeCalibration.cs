using System.Globalization;
using Grpc.Core;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Calibration;

/// <summary>One strike of a person's region by the scene's own robot.</summary>
/// <param name="RobotGeom">The robot geom that struck, null when the strike could not be set up.</param>
/// <param name="ApproachSpeedMps">How fast the two bodies closed along the contact normal at the peak's force centroid,
/// just before the contact began.</param>
/// <param name="RobotMassKg">The robot side's effective mass along the normal at the first point touched.</param>
/// <param name="PersonMassKg">The person side's, at the same point.</param>
/// <param name="ReducedMassKg">μ_true = 1/A, A the pair's inverse effective mass along the normal where the force acted
/// at its peak (the force centroid of the contact's points; the point itself for a point contact).</param>
/// <param name="ModelForceN">v·√(μ_true·k): the ISO/TS 15066 two-body model for these masses. The strike is frictionless,
/// as that model is.</param>
/// <param name="Problem">Why the strike could not be measured; null when it was.</param>
/// <param name="ContactPoints">The most contact points between the robot and the region at one step of the impact: 1 is
/// a point contact; a box face or edge touches at several, two capsules side by side at two.</param>
/// <param name="FirstPointModelForceN">The model with μ_true at the first point touched instead, for comparison:
/// the reference a face or edge strike is not measured against (it misses the inertia of the points that follow).</param>
/// <param name="RiseLightestKg">The least inertia the region's force met at any step while it rose to its peak.</param>
/// <param name="RiseHeaviestKg">The greatest; the two differ when the force moved while it rose.</param>
public sealed record StrikeOutcome(
    string Person, string Geom, BodyRegion Region, string Shape, double TargetSpeedMps, string? RobotGeom,
    double ApproachSpeedMps, double? RobotMassKg, double? PersonMassKg, double ReducedMassKg,
    double StiffnessNPerM, double PeakForceN, double ModelForceN, string? Problem, int ContactPoints = 0,
    double FirstPointModelForceN = 0, double RiseLightestKg = 0, double RiseHeaviestKg = 0)
{
    /// <summary>Measured ÷ model.</summary>
    public double Ratio => ModelForceN > 0 ? PeakForceN / ModelForceN : double.NaN;

    /// <summary>Measured ÷ the model at the first point touched.</summary>
    public double FirstPointRatio => FirstPointModelForceN > 0 ? PeakForceN / FirstPointModelForceN : double.NaN;

    /// <summary>How far the peak lies from the model, as a fraction of it.</summary>
    public double Deviation => Math.Abs(Ratio - 1);
}

/// <summary>A slow push of a standing person's region by the scene's own robot, held until it settles.</summary>
/// <param name="SettledForceN">The region's force, mean of the last 100 ms.</param>
/// <param name="ContactTorqueNm">The torque about the sweep axis of every force from the robot on the person (each contact's
/// normal force and friction where it acts): the region's, and its neighbours' where the same part presses them too.</param>
/// <param name="ActuatorTorqueNm">The torque the sweep joint applied at the end (its actuator, less its damping times the last
/// of its velocity): in static equilibrium it matches the contact torque.</param>
/// <param name="LargestStepN">The largest change of the region's force from one physics step to the next, control
/// updates included.</param>
public sealed record PushOutcome(
    string Geom, BodyRegion Region, string Shape, string? RobotGeom, double SettledForceN, double ContactTorqueNm,
    double ActuatorTorqueNm, double LargestStepN, double QuasiStaticLimitN, string? Problem)
{
    public double Ratio => ContactTorqueNm != 0 ? ActuatorTorqueNm / ContactTorqueNm : double.NaN;
}

/// <summary>
/// Proves a scene's contact physics with its own robot: for every region geom of every person and every arm shape of
/// the scene's <see cref="StrikePlan"/>, the lift actuator brings the robot's end body to the height of the region
/// geom's centre, the person is placed (by its mocap root, turned about the vertical only or stood upright where the
/// plan says so, lifted off the floor, and raised or lowered further when the region stands outside the heights the
/// shape reaches; its other geoms out of every contact, other people moved away) so that the region stands in the
/// sweep at the person's hit angle, and the sweep actuator swings the arm into it at each speed. The sweep's axis and
/// direction are found from the robot's own kinematics. The actuators bring the arm to speed; 5 ms before the impact
/// they, the joints' passive forces, gravity and contact friction are switched off, so the arm coasts into the region as
/// the standard's free, frictionless two-body model assumes (with friction the peak lies anywhere from that model up to
/// one with every contact point stuck, and against a heavy striker that bound is several times higher: no test at all).
/// The impact peak is then compared with v·√(μ_true·k), μ_true from the model's inertia at that contact. A shape
/// holding a payload strikes with the payload instead: it sits in the grip at rest with the arm, its origin aimed where
/// the end body's would be, and the grip lets go of it (its force off, its geoms no longer touching) when the coast
/// begins, so the payload alone meets the region.
/// </summary>
public sealed class StrikeCalibration(SimBridge.SimBridgeClient bridge, BodyModel bodyModel)
{
    private const int HeadingTrials = 8;

    /// <summary>People are lifted this far off the floor for a strike, so that the region meets the robot with its
    /// body's inertia alone, as in the two-body model; a person held by the floor is a clamp, tested apart.</summary>
    private const double LiftOffFloorM = 0.1;

    /// <summary>How far inside the highest and lowest heights the end body reaches in a shape a region is struck: room
    /// for the aiming rounds' height corrections.</summary>
    private const double ReachMarginM = 0.05;

    /// <summary>The lowest a region's centre is taken when the person is lowered towards a tool that cannot reach as
    /// high as the region stands: its geom stays clear of the floor.</summary>
    private const double LowestRegionM = 0.3;
    private const int AimingRounds = 3;
    private const double AimingLengthM = 0.08;

    /// <summary>15°: a strike is head-on when the contact normal lies within it of the sweep's direction of travel, and the
    /// striker's velocity relative to the region, where the force acts, within it of the normal.</summary>
    private const double MaxObliqueRad = 15 * Math.PI / 180;
    private static readonly double MinHeadOnCosine = Math.Cos(MaxObliqueRad);
    private const double CoastBeforeImpactS = 0.005;

    private const double MaxClosingOverTarget = 1.5;
    private const double MinClosingOverTarget = 0.5;

    /// <summary>The most the inertia the region's force met may change while the force rises to its peak: a twentieth,
    /// which moves the model force by 2.5 %, half the calibration's tolerance, so that which inertia the model takes
    /// cannot by itself decide whether a strike is within. More means the force moved during the impact (from a shallow
    /// point to a deep one along a limb, from a corner to a face, from one robot part to another, or between the points
    /// of a face on a light limb as it turns), and no single two-body model describes it.</summary>
    private const double MaxInertiaChange = 0.05;

    /// <param name="regionGeoms">Only these region geoms (null: every region geom of every person).</param>
    /// <param name="measured">Called with each strike as soon as it is measured or found impossible, for progress.</param>
    public async Task<IReadOnlyList<StrikeOutcome>> RunAsync(SceneManifest scene, StrikePlan plan, string keyframe, CancellationToken cancel = default,
        IReadOnlySet<string>? regionGeoms = null, Action<StrikeOutcome>? measured = null)
    {
        var opened = await bridge.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, bodyModel), cancellationToken: cancel);
        try
        {
            var keyframeState = (await bridge.ResetAsync(new ResetRequest { SessionId = opened.SessionId, Keyframe = keyframe }, cancellationToken: cancel)).State;
            var outcomes = new List<StrikeOutcome>();
            foreach (var person in scene.People)
            {
                // Each person where the plan places them: their own hit angle, upright if the plan says so.
                var session = new StrikeSession(bridge, opened.SessionId, opened.Model, scene, plan.ForPerson(person.Id));
                var standing = plan.StandsUpright(person.Id) ? session.Upright(keyframeState, person) : keyframeState;
                var offsets = await session.RegionOffsetsAsync(person, standing, atGeomCentres: true, cancel);
                foreach (var region in person.Regions.Where(r => regionGeoms is null || regionGeoms.Contains(r.Geom)))
                {
                    // The person's other geoms out of the robot's way: a neighbour (the skull over the neck, the
                    // thighs beside the hands) would otherwise always be hit first. Masses and this contact are unchanged.
                    await session.CollisionsOffAsync(person.Regions.Select(r => r.Geom).Where(g => g != region.Geom).ToArray(), cancel);
                    var (offset, height) = offsets[region.Geom];
                    foreach (var shape in plan.Shapes)
                    {
                        foreach (var speed in plan.SpeedsMps)
                        {
                            var outcome = await StrikeAsync(session, standing, person, region, shape, height, offset, speed, cancel);
                            outcomes.Add(outcome);
                            measured?.Invoke(outcome);
                        }
                    }
                }
            }
            return outcomes;
        }
        finally
        {
            await bridge.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId }, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>
    /// Pushes a standing person's region slowly with the robot's own actuators: the sweep target ramps at
    /// <paramref name="speedMps"/> until the region is touched head-on, goes on to <paramref name="pushRad"/> past the
    /// angle of first touch and holds there, with the plan's control updates every 20 ms. The settled contact must
    /// carry what the sweep actuator applies (static equilibrium), and the force must rise without jumps.
    /// </summary>
    public async Task<PushOutcome> PushAsync(SceneManifest scene, StrikePlan plan, string keyframe, string regionGeom, string shapeName,
        double speedMps, double pushRad, double holdS, CancellationToken cancel = default)
    {
        var person = scene.People.First(p => p.Regions.Any(r => r.Geom == regionGeom));
        var region = person.Regions.First(r => r.Geom == regionGeom);
        var shape = plan.Shapes.First(s => s.Name == shapeName);
        var opened = await bridge.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, bodyModel), cancellationToken: cancel);
        var session = new StrikeSession(bridge, opened.SessionId, opened.Model, scene, plan);
        try
        {
            var standing = (await bridge.ResetAsync(new ResetRequest { SessionId = session.Id, Keyframe = keyframe }, cancellationToken: cancel)).State;
            var (offset, height) = (await session.RegionOffsetsAsync(person, standing, atGeomCentres: false, cancel))[region.Body];
            var limit = bodyModel[region.Region].QuasiStaticForceN;
            var (outcome, rejected) = await HeadOnAsync<PushOutcome>(session, standing, person, region, shape, height, offset, speedMps,
                async (start, sweep, first) => (await session.PushAsync(start, sweep, first.TimeS, pushRad, holdS, region, shape, limit, cancel), null),
                raise: 0, cancel);
            return outcome ?? new PushOutcome(region.Geom, region.Region, shape.Name, null, 0, 0, 0, 0, limit,
                $"no heading met it head-on ({string.Join(", ", rejected.Distinct())})");
        }
        finally
        {
            await bridge.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId }, cancellationToken: CancellationToken.None);
        }
    }

    private async Task<StrikeOutcome> StrikeAsync(StrikeSession session, SimState standing, ScenePerson person, PersonRegionGeom region,
        StrikeShape shape, double height, (double X, double Y) offset, double speed, CancellationToken cancel)
    {
        var k = bodyModel[region.Region].SpringConstantNPerM;
        // Lifted off the floor, and further up or down where the tool cannot reach the region's height in this shape (a
        // foot below the lowest it reaches, a head above the highest): the person's pose and masses stay as they are.
        // Where no placement at that height strikes cleanly, the region is tried again in the middle of the heights the
        // tool reaches: near the edge of its reach the arm can meet its own cart or the scenery first (the hospital's
        // thighs at the height of the cart's tray were missed in every heading), and a person off the floor is the same
        // two bodies at any height.
        List<double> raises = [LiftOffFloorM];
        if (await session.ReachAsync(standing, shape, cancel) is { } reach)
        {
            var middle = Math.Max((reach.Lowest + reach.Highest) / 2, LowestRegionM) - height;
            if (height + LiftOffFloorM < reach.Lowest + ReachMarginM || height + LiftOffFloorM > reach.Highest - ReachMarginM) raises = [middle];
            else if (Math.Abs(middle - LiftOffFloorM) > AimingLengthM) raises.Add(middle);
        }
        var rejected = new List<string>();
        foreach (var raise in raises)
        {
            var (outcome, why) = await HeadOnAsync<StrikeOutcome>(session, standing, person, region, shape, height + raise, offset, speed, Measure, raise, cancel);
            if (outcome is not null) return outcome;
            rejected.AddRange(why);
        }
        return Unmeasured(person, region, shape, speed, $"no heading struck it head-on ({string.Join(", ", rejected.Distinct())})");

        async Task<(StrikeOutcome?, string?)> Measure(SimState start, IReadOnlyList<double[]> sweep, FirstContact first)
        {
            var coastFrom = first.TimeS - CoastBeforeImpactS;
            var impact = await session.CoastingImpactAsync(start, sweep, coastFrom, region.Geom, shape.Holding is not null, cancel);
            if (impact is null) return (null, "no impact when coasting");
            if (impact.Value.Disturbed is { } disturbed) return (null, disturbed);
            var c = impact.Value.Contact;
            // The sweep closes at most at its target speed (less inside the tool's radius); a closing faster by half is
            // another motion (the arm dropping onto a foot), and one slower by half a graze or a drift (a payload turning
            // in the grip as the arm brings it to speed), not the strike this placement set up.
            if (c.ApproachSpeedMps > MaxClosingOverTarget * speed || c.ApproachSpeedMps < MinClosingOverTarget * speed)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"closed at {c.ApproachSpeedMps:0.00} m/s, not the sweep's {speed} m/s"));
            }
            var personFirst = c.Geom1 == region.Geom;
            var robotInverse = personFirst ? c.InverseEffectiveMass2PerKg : c.InverseEffectiveMass1PerKg;
            var personInverse = personFirst ? c.InverseEffectiveMass1PerKg : c.InverseEffectiveMass2PerKg;
            if (Math.Abs(c.StiffnessNPerM - k) > 1e-6 * k)
            {
                return (Unmeasured(person, region, shape, speed, $"the bridge applied k = {c.StiffnessNPerM} N/m; the region's is {k} N/m"), null);
            }
            // With friction off nothing holds a point tangentially, so the inertia the contact meets sticking is the one it
            // meets sliding; a bridge that left friction on reports more.
            if (Math.Abs(c.InverseEffectiveMassAtPeakStickingPerKg - c.InverseEffectiveMassAtPeakPerKg) > 1e-9 * c.InverseEffectiveMassAtPeakPerKg)
            {
                return (Unmeasured(person, region, shape, speed, "the bridge left friction on during the coast (the contact's sticking inertia differs from its sliding one)"), null);
            }
            // The model where the force acted at its peak, for the speed at which that point closed before the impact.
            var reduced = 1 / c.InverseEffectiveMassAtPeakPerKg;
            var (lightest, heaviest) = (1 / c.InverseEffectiveMassRiseMaxPerKg, 1 / c.InverseEffectiveMassRiseMinPerKg);
            if (heaviest > (1 + MaxInertiaChange) * lightest)
            {
                return (null, string.Create(CultureInfo.InvariantCulture,
                    $"the force moved while it rose (the inertia it met ranged from {lightest:0.00} to {heaviest:0.00} kg)"));
            }
            var (closing, oblique) = await session.ClosingSpeedBeforeImpactAsync(start, sweep, coastFrom, c, shape.Holding is not null, cancel);
            // Head-on in motion too: a striker that also slides across the region (a payload turning and sinking in the
            // grip) brings tangential momentum that friction turns into normal force, which no two-body model along the
            // normal holds (with friction on, a tote sliding 0.22 m/s across a thigh read 17 % high).
            if (oblique > MaxObliqueRad)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"it closed {oblique * 180 / Math.PI:0}° off the normal, sliding across the region"));
            }
            return (new StrikeOutcome(person.Id, region.Geom, region.Region, shape.Name, speed, personFirst ? c.Geom2 : c.Geom1,
                closing, robotInverse > 0 ? 1 / robotInverse : null, personInverse > 0 ? 1 / personInverse : null,
                reduced, k, impact.Value.PeakN, closing * Math.Sqrt(reduced * k), null,
                impact.Value.Points, c.ModelPeakForceN, lightest, heaviest), null);
        }
    }

    /// <summary>
    /// Finds a placement of the person (heading, and small shifts along the radius and in height) at which the sweep
    /// meets the region first and head-on, then measures there; a measurement may reject the placement and the search
    /// goes on. Returns the first measurement, or every reason a placement was rejected.
    /// </summary>
    private static async Task<(T? Result, List<string> Rejected)> HeadOnAsync<T>(StrikeSession session, SimState standing, ScenePerson person,
        PersonRegionGeom region, StrikeShape shape, double strikeHeight, (double X, double Y) offset, double speed,
        Func<SimState, IReadOnlyList<double[]>, FirstContact, Task<(T? Result, string? Rejected)>> measure, double raise, CancellationToken cancel)
        where T : class
    {
        var rejected = new List<string>();
        for (var trial = 0; trial < HeadingTrials; trial++)
        {
            var heading = session.Plan.HitAngleRad + trial * 2 * Math.PI / HeadingTrials;
            var (radialShift, heightShift) = (0.0, 0.0);
            for (var aim = 0; aim < AimingRounds; aim++)
            {
                var lift = await session.LiftForHeightAsync(standing, shape, strikeHeight + heightShift, cancel);
                if (lift is null) { rejected.Add("out of reach"); break; }
                var start = await session.StartStateAsync(standing, shape, lift.Value, person, offset, radialShift, heading, raise, cancel);
                var sweep = session.SweepTargets(shape, lift.Value.Angle, lift.Value.Radius, speed / lift.Value.Radius);

                FirstContact? first;
                try
                {
                    first = await session.FirstPersonContactAsync(start, sweep, session.Axis(shape), atOnset: shape.Holding is not null, cancel);
                }
                catch (RpcException e) when (Diverged(e))
                {
                    // A placement that drives the person into scenery (a bed, a cart) can blow the step up; the next
                    // placement starts from a fresh state, so this one is only rejected.
                    rejected.Add("diverged at placement"); break;
                }
                if (first is null) { rejected.Add("missed"); break; }
                if (first.Geom != region.Geom) { rejected.Add($"hit {first.Geom} first"); break; }
                if (shape.Holding is { } hold && first.StrikerBody != session.PayloadBody(hold))
                {
                    rejected.Add($"{first.Striker} struck before the {hold.Payload}"); break;
                }
                if (first.TimeS < 0.02) { rejected.Add("overlapped at placement"); break; }

                // Head-on means the contact normal lies along the sweep's direction of travel; a radial or vertical
                // component is the misalignment between the striker's path and the region's centre, corrected by moving
                // the person along the radius and the striker up or down, by about the sum of the two radii.
                var (tangential, radial, vertical) = first.NormalInSweepFrame();
                if (tangential < MinHeadOnCosine)
                {
                    radialShift -= radial * AimingLengthM;
                    heightShift -= vertical * AimingLengthM;
                    if (aim == AimingRounds - 1) rejected.Add($"oblique ({Math.Acos(Math.Clamp(tangential, -1, 1)) * 180 / Math.PI:0}°)");
                    continue;
                }

                T? result;
                string? reason;
                try
                {
                    (result, reason) = await measure(start, sweep, first);
                }
                catch (RpcException e) when (Diverged(e))
                {
                    rejected.Add("diverged during the impact"); break;
                }
                if (result is not null) return (result, rejected);
                rejected.Add(reason ?? "rejected");
                break;
            }
        }
        return (null, rejected);
    }

    private static bool Diverged(RpcException e) => e.StatusCode == StatusCode.Internal && e.Status.Detail.Contains("diverged", StringComparison.Ordinal);

    /// <summary>Where the sweep joint's vertical axis stands (world x, y) and which way a rising target turns the arm
    /// (+1 counterclockwise seen from above, −1 clockwise).</summary>
    private sealed record SweepAxis(double X, double Y, int Turn);

    /// <summary>Where the sweep first pressed on a person, relative to the sweep axis, the normal from the robot into the
    /// person there, which way the sweep turns, and the robot geom or payload geom that pressed (and its body).</summary>
    private sealed record FirstContact(string Geom, double TimeS, double X, double Y, double Nx, double Ny, double Nz, int Turn, string Striker, string StrikerBody)
    {
        /// <summary>The normal's components along the sweep's direction of travel, outward along the radius, and up.</summary>
        public (double Tangential, double Radial, double Vertical) NormalInSweepFrame()
        {
            var phi = Math.Atan2(Y, X);
            return (Turn * (-Math.Sin(phi) * Nx + Math.Cos(phi) * Ny), Math.Cos(phi) * Nx + Math.Sin(phi) * Ny, Nz);
        }
    }

    private static StrikeOutcome Unmeasured(ScenePerson person, PersonRegionGeom region, StrikeShape shape, double speed, string problem) =>
        new(person.Id, region.Geom, region.Region, shape.Name, speed, null, 0, null, null, 0, 0, 0, 0, problem);

    /// <summary>The session's model and the plan's actuators; state building and stepping.</summary>
    private sealed class StrikeSession(SimBridge.SimBridgeClient bridge, string id, ModelDescription model, SceneManifest scene, StrikePlan plan)
    {
        private readonly string[] _actuators = scene.Robot.Actuators.ToArray();
        private readonly Dictionary<string, SweepAxis> _axes = [];
        private readonly Dictionary<string, IReadOnlyList<(double Angle, double Z, double R)>> _liftScans = [];
        private readonly IReadOnlyDictionary<string, (ActuatorDescription Actuator, int Ctrl)> _byName =
            model.Actuators.Select((a, i) => (a, i)).ToDictionary(x => x.a.Name, x => (x.a, x.i));

        public string Id => id;
        public StrikePlan Plan => plan;

        /// <summary>The sweep axis found for this shape by <see cref="LiftForHeightAsync"/>.</summary>
        public SweepAxis Axis(StrikeShape shape) => _axes[shape.Name];
        private double Step => model.TimestepS;

        /// <summary>Each region's horizontal offset from its person's root in the root's heading frame, and its height:
        /// of the region geom's centre, keyed by geom (strikes aim at the geom: a lying person's chest lies above her
        /// thorax's origin), or of the region's body origin, keyed by body (<paramref name="atGeomCentres"/> false).</summary>
        public async Task<Dictionary<string, ((double X, double Y) Offset, double Height)>> RegionOffsetsAsync(ScenePerson person, SimState standing,
            bool atGeomCentres, CancellationToken cancel)
        {
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = standing }, cancellationToken: cancel);
            var request = new GetBodyStatesRequest { SessionId = id, BodyNames = { person.RootBody } };
            var bodies = person.Regions.Select(r => r.Body).Distinct().ToArray();
            request.BodyNames.AddRange(bodies);
            var states = (await bridge.GetBodyStatesAsync(request, cancellationToken: cancel)).Bodies;
            var root = states[0];
            var yaw = Yaw(root.Orientation);
            var byBody = bodies.Select((b, i) => (b, states[i + 1])).ToDictionary(x => x.b, x => x.Item2);
            var result = new Dictionary<string, ((double, double), double)>();
            void Add(string key, Vec3 p)
            {
                var (dx, dy) = (p.X - root.Position.X, p.Y - root.Position.Y);
                result[key] = ((Math.Cos(-yaw) * dx - Math.Sin(-yaw) * dy, Math.Sin(-yaw) * dx + Math.Cos(-yaw) * dy), p.Z);
            }
            if (!atGeomCentres)
            {
                foreach (var (body, state) in byBody) Add(body, state.Position);
                return result;
            }
            var geoms = model.Geoms.ToDictionary(g => g.Name);
            foreach (var region in person.Regions)
            {
                var body = byBody[region.Body];
                var local = geoms.TryGetValue(region.Geom, out var g) && g.LocalPosition is { } l ? l : new Vec3();
                var r = Rotate(body.Orientation, local);
                Add(region.Geom, new Vec3 { X = body.Position.X + r.X, Y = body.Position.Y + r.Y, Z = body.Position.Z + r.Z });
            }
            return result;
        }

        private static Vec3 Rotate(Quat q, Vec3 v) => WorldFrame.Rotate(q, v);

        /// <summary>Closer than this to the sweep axis the end body barely moves: no strike is set up there.</summary>
        private const double MinStrikeRadiusM = 0.3;

        /// <summary>The lift angle that puts the end body at <paramref name="height"/> in this shape, the end body's
        /// distance from the sweep axis there, and the world azimuth (about the axis) at which it passes the plan's hit
        /// angle; null when the shape cannot reach it.</summary>
        public async Task<(double Angle, double Radius, double HitAzimuth)?> LiftForHeightAsync(SimState standing, StrikeShape shape, double height, CancellationToken cancel)
        {
            var axis = await SweepAxisAsync(standing, shape, cancel);
            var scan = await LiftScanAsync(standing, shape, cancel);
            for (var i = 1; i < scan.Count; i++)
            {
                var (p, q) = (scan[i - 1], scan[i]);
                if ((p.Z - height) * (q.Z - height) > 0 || Math.Min(p.R, q.R) <= MinStrikeRadiusM) continue;
                var (lo, hi) = (p.Angle, q.Angle);
                var loAbove = p.Z > height;
                for (var b = 0; b < 20; b++)
                {
                    var mid = (lo + hi) / 2;
                    var (zm, _, _) = await EndBodyAsync(standing, shape, mid, axis, cancel);
                    if ((zm > height) == loAbove) lo = mid; else hi = mid;
                }
                var (_, radius, azimuth) = await EndBodyAsync(standing, shape, (lo + hi) / 2, axis, cancel);
                return ((lo + hi) / 2, radius, azimuth + axis.Turn * (plan.HitAngleRad - plan.SweepStartRad));
            }
            return null;
        }

        /// <summary>The lowest and highest heights the end body reaches in this shape at the sweep's start, where it is
        /// far enough from the sweep axis to strike (as <see cref="LiftForHeightAsync"/> requires); null when nowhere.</summary>
        public async Task<(double Lowest, double Highest)?> ReachAsync(SimState standing, StrikeShape shape, CancellationToken cancel)
        {
            var usable = (await LiftScanAsync(standing, shape, cancel)).Where(s => s.R > MinStrikeRadiusM).ToArray();
            return usable.Length > 0 ? (usable.Min(s => s.Z), usable.Max(s => s.Z)) : null;
        }

        /// <summary>The end body's height and distance from the sweep axis at 49 lift angles across the plan's range, at
        /// the sweep's start: measured once per shape.</summary>
        private async Task<IReadOnlyList<(double Angle, double Z, double R)>> LiftScanAsync(SimState standing, StrikeShape shape, CancellationToken cancel)
        {
            if (_liftScans.TryGetValue(shape.Name, out var known)) return known;
            var axis = await SweepAxisAsync(standing, shape, cancel);
            const int steps = 48;
            var scan = new List<(double Angle, double Z, double R)>(steps + 1);
            for (var i = 0; i <= steps; i++)
            {
                var angle = plan.LiftMinRad + (plan.LiftMaxRad - plan.LiftMinRad) * i / steps;
                var (z, r, _) = await EndBodyAsync(standing, shape, angle, axis, cancel);
                scan.Add((angle, z, r));
            }
            return _liftScans[shape.Name] = scan;
        }

        /// <summary>The end body's height, its distance from the sweep axis and its azimuth about it, at the sweep's start.</summary>
        private async Task<(double Z, double R, double Azimuth)> EndBodyAsync(SimState standing, StrikeShape shape, double lift, SweepAxis axis, CancellationToken cancel)
        {
            var end = await StrikePointAsync(standing, shape, lift, plan.SweepStartRad, cancel);
            var (dx, dy) = (end.X - axis.X, end.Y - axis.Y);
            return (end.Z, Math.Sqrt(dx * dx + dy * dy), Math.Atan2(dy, dx));
        }

        /// <summary>The point aimed at the region: the end body's origin, or the origin of the payload it holds.</summary>
        private async Task<Vec3> StrikePointAsync(SimState standing, StrikeShape shape, double lift, double sweep, CancellationToken cancel)
        {
            var state = standing.Clone();
            Pose(state, shape, lift, sweep);
            var end = await EndBodyStateAsync(state, cancel);
            return shape.Holding is { } hold ? Held(end, hold).Position : end.Position;
        }

        /// <summary>The end body's pose and motion in <paramref name="state"/>.</summary>
        private async Task<BodyState> EndBodyStateAsync(SimState state, CancellationToken cancel)
        {
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = state }, cancellationToken: cancel);
            return (await bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = id, BodyNames = { plan.EndBody } }, cancellationToken: cancel)).Bodies[0];
        }

        /// <summary>Where the payload sits when <paramref name="end"/> holds it as the plan says: its origin and its
        /// orientation.</summary>
        private static (Vec3 Position, Quat Orientation) Held(BodyState end, StrikeHold hold)
        {
            var offset = Rotate(end.Orientation, new Vec3 { X = hold.PositionM[0], Y = hold.PositionM[1], Z = hold.PositionM[2] });
            var turn = new Quat { W = hold.Orientation[0], X = hold.Orientation[1], Y = hold.Orientation[2], Z = hold.Orientation[3] };
            return (new Vec3 { X = end.Position.X + offset.X, Y = end.Position.Y + offset.Y, Z = end.Position.Z + offset.Z },
                Compose(end.Orientation, turn));
        }

        /// <summary>The angle about <paramref name="axis"/> (a unit vector) that turns <paramref name="from"/> onto
        /// <paramref name="to"/>, both seen in the plane across the axis.</summary>
        private static double TurnOnto(Vec3 from, Vec3 to, Vec3 axis)
        {
            double Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
            Vec3 Across(Vec3 v) => new() { X = v.X - Dot(v, axis) * axis.X, Y = v.Y - Dot(v, axis) * axis.Y, Z = v.Z - Dot(v, axis) * axis.Z };
            var (f, t) = (Across(from), Across(to));
            var cross = new Vec3 { X = f.Y * t.Z - f.Z * t.Y, Y = f.Z * t.X - f.X * t.Z, Z = f.X * t.Y - f.Y * t.X };
            return Math.Atan2(Dot(cross, axis), Dot(f, t));
        }

        private static Vec3 Unit(Vec3 v)
        {
            var length = Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
            return length > 0 ? new Vec3 { X = v.X / length, Y = v.Y / length, Z = v.Z / length } : new Vec3 { Z = 1 };
        }

        /// <summary>The rotation by <paramref name="angle"/> about the unit vector <paramref name="axis"/>.</summary>
        private static Quat Turn(Vec3 axis, double angle)
        {
            var (c, s) = (Math.Cos(angle / 2), Math.Sin(angle / 2));
            return new Quat { W = c, X = s * axis.X, Y = s * axis.Y, Z = s * axis.Z };
        }

        /// <summary>The rotation <paramref name="a"/> after <paramref name="b"/>.</summary>
        private static Quat Compose(Quat a, Quat b) => new()
        {
            W = a.W * b.W - a.X * b.X - a.Y * b.Y - a.Z * b.Z,
            X = a.W * b.X + a.X * b.W + a.Y * b.Z - a.Z * b.Y,
            Y = a.W * b.Y - a.X * b.Z + a.Y * b.W + a.Z * b.X,
            Z = a.W * b.Z + a.X * b.Y - a.Y * b.X + a.Z * b.W,
        };

        /// <summary>The body of a held payload.</summary>
        public string PayloadBody(StrikeHold hold) =>
            scene.Payloads.FirstOrDefault(p => p.Id == hold.Payload)?.Body
            ?? throw new InvalidOperationException($"strike plan: '{hold.Payload}' is not a payload of scene '{scene.Id}'; expected one of: {string.Join(", ", scene.Payloads.Select(p => p.Id))}");

        /// <summary>Where a held payload's free joint starts in qpos.</summary>
        private int PayloadQposAddress(StrikeHold hold)
        {
            var body = PayloadBody(hold);
            var joint = model.JointBodyNames.IndexOf(body);
            var width = joint < 0 ? 0 : (joint + 1 < model.JointQposAddresses.Count ? model.JointQposAddresses[joint + 1] : (int)model.Nq) - model.JointQposAddresses[joint];
            if (width != 7 || model.JointBodyNames.Count(b => b == body) != 1)
            {
                throw new InvalidOperationException($"strike plan: payload '{hold.Payload}' (body '{body}') is not a free body; a held payload must have one free joint and no other");
            }
            return model.JointQposAddresses[joint];
        }

        /// <summary>
        /// Where the sweep joint's vertical axis stands and which way a rising sweep target turns the arm, found from the
        /// end body's positions at three sweep angles (the circle through them): a robot need not stand at the origin,
        /// and its sweep joint may turn about −z (the Kinova Gen3's first joint does).
        /// </summary>
        private async Task<SweepAxis> SweepAxisAsync(SimState standing, StrikeShape shape, CancellationToken cancel)
        {
            if (_axes.TryGetValue(shape.Name, out var known)) return known;
            var lift = (plan.LiftMinRad + plan.LiftMaxRad) / 2;
            var p = new Vec3[3];
            for (var i = 0; i < 3; i++) p[i] = await StrikePointAsync(standing, shape, lift, plan.SweepStartRad + 0.3 * i, cancel);
            var (ax, ay, bx, by, cx, cy) = (p[0].X, p[0].Y, p[1].X, p[1].Y, p[2].X, p[2].Y);
            var d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
            if (Math.Abs(d) < 1e-9)
            {
                throw new InvalidOperationException($"strike plan: the sweep actuator '{plan.SweepActuator}' does not swing the end body '{plan.EndBody}' about a vertical axis in shape '{shape.Name}'");
            }
            var a2 = ax * ax + ay * ay;
            var b2 = bx * bx + by * by;
            var c2 = cx * cx + cy * cy;
            var centre = ((a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d, (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d);
            // A rising target turns counterclockwise seen from above when the cross product of the first two radii points up.
            var cross = (ax - centre.Item1) * (by - centre.Item2) - (ay - centre.Item2) * (bx - centre.Item1);
            var axis = new SweepAxis(centre.Item1, centre.Item2, cross >= 0 ? 1 : -1);
            _axes[shape.Name] = axis;
            return axis;
        }

        /// <summary>The arm posed at the sweep's start, holding the shape's payload if it has one; the person turned about
        /// the vertical to <paramref name="heading"/> (a lying person stays lying) and moved so that the region body stands
        /// on the strike point's circle where it passes the hit angle; every other person of the scene moved far out of
        /// the sweep.</summary>
        public async Task<SimState> StartStateAsync(SimState standing, StrikeShape shape, (double Angle, double Radius, double HitAzimuth) lift, ScenePerson person,
            (double X, double Y) offset, double radialShift, double heading, double raise, CancellationToken cancel)
        {
            var state = standing.Clone();
            Pose(state, shape, lift.Angle, plan.SweepStartRad);
            var mocap = MocapIndex(person);
            var axis = _axes[shape.Name];
            var radius = lift.Radius + radialShift;
            var (hx, hy) = (axis.X + radius * Math.Cos(lift.HitAzimuth), axis.Y + radius * Math.Sin(lift.HitAzimuth));
            state.MocapPos[3 * mocap] = hx - (Math.Cos(heading) * offset.X - Math.Sin(heading) * offset.Y);
            state.MocapPos[3 * mocap + 1] = hy - (Math.Sin(heading) * offset.X + Math.Cos(heading) * offset.Y);
            state.MocapPos[3 * mocap + 2] += raise;
            // The offsets are in the root's heading frame (RegionOffsetsAsync), so turning by heading − that heading about
            // the world's vertical puts the region where it belongs and keeps any tilt of the root.
            var q = MocapQuat(standing, mocap);
            var turn = heading - Yaw(q);
            var facing = Compose(Turn(new Vec3 { Z = 1 }, turn), q);
            (state.MocapQuat[4 * mocap], state.MocapQuat[4 * mocap + 1], state.MocapQuat[4 * mocap + 2], state.MocapQuat[4 * mocap + 3]) =
                (facing.W, facing.X, facing.Y, facing.Z);
            foreach (var other in scene.People.Where(p => p.Id != person.Id))
            {
                // Out of every sweep: a bystander in the path would be struck first or press on the scenery the strike needs.
                state.MocapPos[3 * MocapIndex(other)] += OutOfTheWayM;
            }
            if (shape.Holding is { } hold)
            {
                // In the grip, at rest with the arm; the grip's own force holds it there until it lets go. Turned about the
                // grip's axis (from the end body's origin through the payload's) so that a side face leads, its x face (its
                // y face when x lies along the grip): a face, not a corner, meets the region.
                var end = await EndBodyStateAsync(state, cancel);
                var (at, held) = Held(end, hold);
                var grip = Unit(new Vec3 { X = at.X - end.Position.X, Y = at.Y - end.Position.Y, Z = at.Z - end.Position.Z });
                var phi = Math.Atan2(at.Y - axis.Y, at.X - axis.X);
                var travel = new Vec3 { X = -axis.Turn * Math.Sin(phi), Y = axis.Turn * Math.Cos(phi) };
                var face = Rotate(held, new Vec3 { X = 1 });
                if (Math.Abs(face.X * grip.X + face.Y * grip.Y + face.Z * grip.Z) > 0.7) face = Rotate(held, new Vec3 { Y = 1 });
                var turned = Compose(Turn(grip, TurnOnto(face, travel, grip)), held);
                // Tipped about the horizontal line across the sweep (up × travel turns the top towards the travel), so
                // that the face's top edge leads where the plan says so.
                if (hold.TiltRad != 0) turned = Compose(Turn(Unit(new Vec3 { X = -travel.Y, Y = travel.X }), hold.TiltRad), turned);
                var address = PayloadQposAddress(hold);
                double[] pose = [at.X, at.Y, at.Z, turned.W, turned.X, turned.Y, turned.Z];
                for (var i = 0; i < 7; i++) state.Qpos[address + i] = pose[i];
            }
            return state;
        }

        private const double OutOfTheWayM = 50;

        /// <summary><paramref name="state"/> with the person's root turned upright about the vertical (its heading kept)
        /// and standing on the floor (z = 0, where a generated person's root stands), joints as they were.</summary>
        public SimState Upright(SimState state, ScenePerson person)
        {
            var upright = state.Clone();
            var mocap = MocapIndex(person);
            var yaw = Yaw(MocapQuat(state, mocap));
            upright.MocapQuat[4 * mocap] = Math.Cos(yaw / 2);
            upright.MocapQuat[4 * mocap + 1] = 0;
            upright.MocapQuat[4 * mocap + 2] = 0;
            upright.MocapQuat[4 * mocap + 3] = Math.Sin(yaw / 2);
            upright.MocapPos[3 * mocap + 2] = 0;
            return upright;
        }

        private static Quat MocapQuat(SimState state, int mocap) =>
            new() { W = state.MocapQuat[4 * mocap], X = state.MocapQuat[4 * mocap + 1], Y = state.MocapQuat[4 * mocap + 2], Z = state.MocapQuat[4 * mocap + 3] };

        private int MocapIndex(ScenePerson person)
        {
            var mocap = model.MocapBodyNames.IndexOf(person.RootBody);
            if (mocap < 0) throw new InvalidOperationException($"person '{person.Id}': root body '{person.RootBody}' is not a mocap body; the strike calibration places people by their mocap root");
            return mocap;
        }

        /// <summary>Control periods of one physics step each: the sweep target ramps at ω from the start to well past the
        /// hit angle (0.5 m of arc at the end body, at most 0.5 rad), the other actuators hold the shape.</summary>
        public IReadOnlyList<double[]> SweepTargets(StrikeShape shape, double lift, double radius, double omega)
        {
            var end = plan.HitAngleRad + Math.Min(0.5, 0.5 / radius);
            var duration = (end - plan.SweepStartRad) / omega + 0.3;
            var periods = new List<double[]>();
            for (var p = 0; p * Step < duration; p++)
            {
                var targets = Targets(shape, lift, Math.Min(plan.SweepStartRad + omega * p * Step, end));
                periods.Add(targets);
            }
            return periods;
        }

        /// <summary>The first person contact with force along the sweep; null when the sweep touches nobody. Its normal is
        /// the one at the contact's peak over the driven sweep, or, with <paramref name="atOnset"/>, over its first
        /// <see cref="OnsetWindowS"/>: a payload held by its grip's force alone turns in the grip as the arm drives on
        /// into the person, so only the onset shows how it meets the region.</summary>
        public async Task<FirstContact?> FirstPersonContactAsync(SimState start, IReadOnlyList<double[]> sweep, SweepAxis axis, bool atOnset, CancellationToken cancel)
        {
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = start }, cancellationToken: cancel);
            var first = Earliest(await bridge.StepAsync(Chunk(sweep), cancellationToken: cancel), start, axis);
            if (first is null || !atOnset) return first;
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = start }, cancellationToken: cancel);
            var onset = (int)Math.Ceiling((first.TimeS + OnsetWindowS) / Step);
            return Earliest(await bridge.StepAsync(Chunk(sweep.Take(onset)), cancellationToken: cancel), start, axis) ?? first;
        }

        private const double OnsetWindowS = 0.003;

        private FirstContact? Earliest(StepResponse step, SimState start, SweepAxis axis)
        {
            FirstContact? first = null;
            foreach (var c in step.Contacts.Where(c => c.StiffnessNPerM > 0))
            {
                var i = c.ForceSamplesN.ToList().FindIndex(f => f > 0);
                if (i < 0) continue;
                var time = c.SamplesStartTimeS + i * Step - start.TimeS;
                var personFirst = scene.FindPersonGeom(c.Geom1) is not null;
                // The normal points from geom1 to geom2; turned to point from the robot into the person.
                var sign = personFirst ? -1 : 1;
                var n = c.PeakNormal ?? new Vec3();
                var p = c.PeakPosition ?? new Vec3();
                if (first is null || time < first.TimeS)
                {
                    first = new FirstContact(personFirst ? c.Geom1 : c.Geom2, time, p.X - axis.X, p.Y - axis.Y, sign * n.X, sign * n.Y, sign * n.Z, axis.Turn,
                        personFirst ? c.Geom2 : c.Geom1, personFirst ? c.Body2 : c.Body1);
                }
            }
            return first;
        }

        /// <summary>Replays the sweep to <paramref name="coastFromS"/>, lets the arm coast (<see cref="WhileCoastingAsync{T}"/>), and
        /// returns the region's first contact and its impact peak (the first local maximum of its force).</summary>
        public Task<(ContactTelemetry Contact, double PeakN, string? Disturbed, int Points)?> CoastingImpactAsync(SimState start, IReadOnlyList<double[]> sweep, double coastFromS, string geom,
            bool letGo, CancellationToken cancel) =>
            WhileCoastingAsync(start, sweep, coastFromS, letGo, _ => (int)Math.Round(0.3 / Step), step => Task.FromResult(Impact(step!, geom)), cancel);

        /// <summary>The region's first contact in a coasting step and its impact peak (the first local maximum of its
        /// force); null when nothing touched it.</summary>
        private (ContactTelemetry Contact, double PeakN, string? Disturbed, int Points)? Impact(StepResponse step, string geom)
        {
            // The region's force is the sum over every robot part pressing on it; the first part to touch gives the onset.
            var touching = step.Contacts.Where(c => (c.Geom1 == geom || c.Geom2 == geom) && c.StiffnessNPerM > 0 && c.ForceSamplesN.Any(f => f > 0)).ToList();
            var contact = touching.MinBy(c => c.SamplesStartTimeS);
            if (contact is null) return null;
            var region = new ContactTimelineBuilder(Step);
            foreach (var c in touching) region.Add((long)Math.Round(c.SamplesStartTimeS / Step), c.ForceSamplesN);
            var (first, forces) = region.Contacts()[0];
            var peak = forces[0];
            var end = 1;
            for (; end < forces.Length && forces[end] >= peak; end++) peak = forces[end];
            // A two-body impact: any other contact on the person or the robot while the force rises changes the
            // masses that meet, so such a strike does not test the two-body model.
            var (from, to) = (first, first + end);
            // Only the struck person counts: a bystander moved out of the sweep still stands on the floor.
            var struck = scene.FindPersonGeom(geom)?.Person.Id;
            bool OnStruckPerson(string g) => scene.FindPersonGeom(g)?.Person.Id is { } id && id == struck;
            var other = step.Contacts.FirstOrDefault(c => !touching.Contains(c) && IsPressingBetween(c, from, to) &&
                (OnStruckPerson(c.Geom1) || OnStruckPerson(c.Geom2) || c.StiffnessNPerM > 0));
            // Nor may anything press on the striker from the moment it coasts (this step) to the peak: scenery grazed by
            // an arm link or a payload just before it strikes changes how it meets the region, though not while it does.
            var striker = contact.Geom1 == geom ? contact.Body2 : contact.Body1;
            var onStriker = step.Contacts.FirstOrDefault(c => !touching.Contains(c) && (c.Body1 == striker || c.Body2 == striker) && IsPressingBetween(c, long.MinValue, to));
            var disturbed = other is not null ? $"{other.Geom1}/{other.Geom2} also pressed during the impact"
                : onStriker is not null ? $"{onStriker.Geom1}/{onStriker.Geom2} pressed on the striker as it coasted in" : null;
            return (contact, peak, disturbed, touching.Max(c => (int)c.MaxPoints));
        }

        /// <summary>Sets <paramref name="start"/>, drives the sweep to <paramref name="coastFromS"/>, switches actuators,
        /// passive joint forces, gravity and friction off (and, to <paramref name="letGo"/> of a held payload, the end
        /// body's collisions), steps the sweep on for the number of steps <paramref name="coastSteps"/> gives (from the driven
        /// steps; none when it is not positive), runs <paramref name="then"/> on that step's response (null when none) and
        /// switches the forces and collisions back on, whatever happens.</summary>
        private async Task<T> WhileCoastingAsync<T>(SimState start, IReadOnlyList<double[]> sweep, double coastFromS, bool letGo, Func<int, int> coastSteps,
            Func<StepResponse?, Task<T>> then, CancellationToken cancel)
        {
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = start }, cancellationToken: cancel);
            var driven = Math.Max(1, (int)Math.Floor(coastFromS / Step));
            await bridge.StepAsync(Chunk(sweep.Take(driven)), cancellationToken: cancel);
            await bridge.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = id, ActuatorsOff = true, PassiveOff = true, GravityOff = true, FrictionOff = true }, cancellationToken: cancel);
            // The grip's force stops with the actuators, but its contact, pressed in by that force, would spring back for
            // tens of milliseconds and push the payload on: the grip stops touching it instead, and the payload flies free.
            if (letGo) await SetCollisionsOffAsync(_collisionsOff.Concat(model.Geoms.Where(g => g.Body == plan.EndBody).Select(g => g.Name)), cancel);
            try
            {
                var coasted = coastSteps(driven);
                var step = coasted > 0 ? await bridge.StepAsync(Chunk(sweep.Skip(driven).Take(coasted)), cancellationToken: cancel) : null;
                return await then(step);
            }
            finally
            {
                await bridge.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = id }, cancellationToken: CancellationToken.None);
                if (letGo) await SetCollisionsOffAsync(_collisionsOff, CancellationToken.None);
            }
        }

        /// <summary>Makes these geoms of the person collide with nothing, and every other geom as the model says, until the
        /// next call: the struck region's neighbours out of the robot's way.</summary>
        public async Task CollisionsOffAsync(IReadOnlyList<string> geoms, CancellationToken cancel)
        {
            _collisionsOff = geoms;
            await SetCollisionsOffAsync(geoms, cancel);
        }

        private IReadOnlyList<string> _collisionsOff = [];

        private async Task SetCollisionsOffAsync(IEnumerable<string> geoms, CancellationToken cancel)
        {
            var request = new SetCollisionsOffRequest { SessionId = id };
            request.Geoms.AddRange(geoms);
            await bridge.SetCollisionsOffAsync(request, cancellationToken: cancel);
        }

        /// <summary>Replays the strike to the physics step in which <paramref name="contact"/> began and returns how fast the
        /// two bodies closed along its peak normal at its peak's force centroid before any contact force acted, and the
        /// angle between that normal and their whole relative velocity there (0 for a closing straight along it).</summary>
        public Task<(double Closing, double ObliqueRad)> ClosingSpeedBeforeImpactAsync(SimState start, IReadOnlyList<double[]> sweep, double coastFromS, ContactTelemetry contact, bool letGo,
            CancellationToken cancel) =>
            WhileCoastingAsync(start, sweep, coastFromS, letGo, driven => (int)Math.Round((contact.SamplesStartTimeS - start.TimeS) / Step) - driven, async _ =>
            {
                var bodies = (await bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = id, BodyNames = { contact.Body1, contact.Body2 } }, cancellationToken: cancel)).Bodies;
                var (p, n) = (contact.PeakPosition, contact.PeakNormal);
                (double X, double Y, double Z) At(BodyState b)
                {
                    var (rx, ry, rz) = (p.X - b.Position.X, p.Y - b.Position.Y, p.Z - b.Position.Z);
                    var (v, w) = (b.LinearVelocity, b.AngularVelocity);
                    return (v.X + w.Y * rz - w.Z * ry, v.Y + w.Z * rx - w.X * rz, v.Z + w.X * ry - w.Y * rx);
                }
                var (first, second) = (At(bodies[0]), At(bodies[1]));
                var (dx, dy, dz) = (first.X - second.X, first.Y - second.Y, first.Z - second.Z);
                // The normal points from geom1 to geom2: geom1 closing on geom2 moves along it.
                var closing = dx * n.X + dy * n.Y + dz * n.Z;
                var speed = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                return (closing, speed > 0 ? Math.Acos(Math.Clamp(closing / speed, -1, 1)) : 0);
            }, cancel);

        /// <summary>The push itself: from 50 ms before first touch, control periods of 20 ms, the sweep target ramping on
        /// to <paramref name="pushRad"/> past its value at first touch and held for <paramref name="holdS"/>.</summary>
        public async Task<PushOutcome> PushAsync(SimState start, IReadOnlyList<double[]> sweep, double touchS, double pushRad, double holdS,
            PersonRegionGeom region, StrikeShape shape, double limit, CancellationToken cancel)
        {
            await bridge.SetStateAsync(new SetStateRequest { SessionId = id, State = start }, cancellationToken: cancel);
            var approach = Math.Max(1, (int)Math.Floor((touchS - 0.05) / Step));
            var lift = start.Ctrl[_byName[plan.LiftActuator].Ctrl];
            var sweepIndex = Array.IndexOf(_actuators, plan.SweepActuator);
            var omega = (sweep[1][sweepIndex] - sweep[0][sweepIndex]) / Step;
            await bridge.StepAsync(Chunk(sweep.Take(approach)), cancellationToken: cancel);

            const int substeps = 20;
            var touchAngle = plan.SweepStartRad + omega * touchS;
            StepRequest Periods(int from, int to)
            {
                var request = new StepRequest { SessionId = id, SubstepsPerPeriod = substeps, ReturnState = true };
                request.ActuatorNames.AddRange(_actuators);
                for (var p = from; p < to; p++)
                {
                    var t = (approach + p * substeps) * Step;
                    request.Periods.Add(new ControlPeriod { Targets = { Targets(shape, lift, Math.Min(plan.SweepStartRad + omega * t, touchAngle + pushRad)) } });
                }
                return request;
            }
            var periods = (int)Math.Ceiling((0.05 + pushRad / omega + holdS) / (substeps * Step));
            // The last 100 ms on their own, so that their peak record (where the force acts, its normal, its friction) is
            // the settled contact's and not the ramp's.
            const int settlePeriods = 5;
            var rampStep = await bridge.StepAsync(Periods(0, periods - settlePeriods), cancellationToken: cancel);
            var step = await bridge.StepAsync(Periods(periods - settlePeriods, periods), cancellationToken: cancel);

            bool OnRegion(ContactTelemetry c) => (c.Geom1 == region.Geom || c.Geom2 == region.Geom) && c.StiffnessNPerM > 0 && c.ForceSamplesN.Any(f => f > 0);
            var touching = step.Contacts.Where(OnRegion).ToList();
            if (touching.Count == 0) return new PushOutcome(region.Geom, region.Region, shape.Name, null, 0, 0, 0, 0, limit, "the region was not touched at the end of the push");
            var builder = new ContactTimelineBuilder(Step);
            foreach (var c in rampStep.Contacts.Where(OnRegion).Concat(touching)) builder.Add((long)Math.Round(c.SamplesStartTimeS / Step), c.ForceSamplesN);
            var (first, forces) = builder.Contacts()[^1];
            var endStep = (long)Math.Round(step.TimeS / Step);
            if (first + forces.Length < endStep - 1) return new PushOutcome(region.Geom, region.Region, shape.Name, null, 0, 0, 0, 0, limit, "the region was pushed away: the contact did not last to the end");
            var window = Math.Min(forces.Length, (int)Math.Round(0.1 / Step));
            var settled = forces[^window..].Average();
            var largestStep = forces.Zip(forces.Skip(1), (a, b) => Math.Abs(b - a)).DefaultIfEmpty(0).Max();

            // Equilibrium about the sweep axis (vertical): the sweep joint's torque balances the torque of every force
            // from the robot on the person, (r × F) along the axis, r from the axis to where each contact's force acts and
            // F its whole force (the normal force and friction), each at its mean over the last chunk (100 ms, or 100
            // steps where the timestep is shorter than 1 ms); gravity has no torque about a vertical axis. A broad face
            // presses the region's neighbours too (mining's grab pad: chest, abdomen and pelvis at once), and the
            // actuator carries them all.
            var axis = Axis(shape);
            var lastChunk = Math.Min(window, settlePeriods * substeps);
            double TorqueOf(ContactTelemetry c)
            {
                var mean = c.ForceSamplesN.TakeLast(lastChunk).Sum() / lastChunk;
                if (!(c.PeakNormalForceN > 0) || !(mean > 0)) return 0;
                var toPerson = scene.FindPersonGeom(c.Geom1) is not null ? -1 : 1;
                var (n, friction, at) = (c.PeakNormal ?? new Vec3(), c.PeakFrictionForce ?? new Vec3(), c.PeakPosition ?? new Vec3());
                var (fx, fy) = (toPerson * (mean * n.X + friction.X * mean / c.PeakNormalForceN), toPerson * (mean * n.Y + friction.Y * mean / c.PeakNormalForceN));
                return axis.Turn * ((at.X - axis.X) * fy - (at.Y - axis.Y) * fx);
            }
            var contactTorque = step.Contacts.Where(c => c.StiffnessNPerM > 0).Sum(TorqueOf);
            var last = touching.MaxBy(c => c.PeakNormalForceN)!;
            var personFirst = last.Geom1 == region.Geom;
            // What the sweep joint applies: its actuator, less its own damping should the joint still be moving.
            var sweepJoint = _byName[plan.SweepActuator].Actuator;
            var creep = sweepJoint.JointQvelAddress >= 0 ? step.State.Qvel[sweepJoint.JointQvelAddress] : 0;
            var actuator = step.ActuatorForces[_byName[plan.SweepActuator].Ctrl] - sweepJoint.JointDamping * creep;
            return new PushOutcome(region.Geom, region.Region, shape.Name, personFirst ? last.Geom2 : last.Geom1, settled, contactTorque,
                actuator, largestStep, limit, null);
        }

        private bool IsPressingBetween(ContactTelemetry c, long fromStep, long toStep)
        {
            var start = (long)Math.Round(c.SamplesStartTimeS / Step);
            for (var i = 0; i < c.ForceSamplesN.Count; i++)
            {
                if (c.ForceSamplesN[i] > 0 && start + i >= fromStep && start + i < toStep) return true;
            }
            return false;
        }

        private StepRequest Chunk(IEnumerable<double[]> periods)
        {
            var request = new StepRequest { SessionId = id, SubstepsPerPeriod = 1 };
            request.ActuatorNames.AddRange(_actuators);
            foreach (var targets in periods) request.Periods.Add(new ControlPeriod { Targets = { targets } });
            return request;
        }

        private double[] Targets(StrikeShape shape, double lift, double sweep) =>
            _actuators.Select(a => a == plan.SweepActuator ? sweep : a == plan.LiftActuator ? lift : shape.Targets.GetValueOrDefault(a)).ToArray();

        private void Pose(SimState state, StrikeShape shape, double lift, double sweep)
        {
            var targets = Targets(shape, lift, sweep);
            for (var i = 0; i < _actuators.Length; i++)
            {
                var (actuator, ctrl) = _byName[_actuators[i]];
                state.Ctrl[ctrl] = targets[i];
                if (actuator.JointQposAddress >= 0) state.Qpos[actuator.JointQposAddress] = targets[i];
            }
            for (var v = 0; v < state.Qvel.Count; v++) state.Qvel[v] = 0;
            state.QaccWarmstart.Clear();
            state.ContactCompression.Clear();
        }

        private static double Yaw(Quat q) => Math.Atan2(2 * (q.W * q.Z + q.X * q.Y), 1 - 2 * (q.Y * q.Y + q.Z * q.Z));
    }
}
