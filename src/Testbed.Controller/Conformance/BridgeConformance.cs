using System.Diagnostics;
using Grpc.Core;
using Testbed.Sim.V1;

namespace Testbed.Controller.Conformance;

/// <summary>The checks any bridge must pass to be driven by the testbed, run over gRPC only: physics sanity,
/// determinism, checkpoints, rendering and the handling of bad input. The scenes they open live in the
/// bridge's scene root under conformance/ (sim-scenes/conformance in this repository).</summary>
public sealed partial class BridgeConformance(SimBridge.SimBridgeClient bridge)
{
    private readonly SimBridge.SimBridgeClient _bridge = bridge;
    private const double Gravity = 9.81;
    private const string FreeFall = "conformance/free-fall.xml";
    private const string BoxOnFloor = "conformance/box-on-floor.xml";
    private const string Pusher = "conformance/pusher.xml";
    private const string Malformed = "conformance/malformed.xml";
    private const string IncludeOutsideSceneRoot = "conformance/include-outside-scene-root.xml";
    private static readonly string[] PusherActuators = ["yaw", "reach"];

    private static readonly Dictionary<string, Func<BridgeConformance, Task<string>>> Checks = new()
    {
        ["capabilities"] = c => c.CapabilitiesAsync(),
        ["free-fall"] = c => c.FreeFallAsync(),
        ["body-trace-free-fall"] = c => c.TracedFreeFallAsync(),
        ["body-trace-leaves-trajectory-unchanged"] = c => c.TracedTrajectoryAsync(),
        ["resting-contact-force"] = c => c.RestingContactForceAsync(),
        ["same-seed-same-trajectory"] = c => c.DeterminismAsync(),
        ["seed-drives-initial-state"] = c => c.SeedAsync(),
        ["checkpoint-continues-exactly"] = c => c.CheckpointAsync(),
        ["step-stream-matches-step"] = c => c.StepStreamAsync(),
        ["period-states-replay-from-reset"] = c => c.PeriodStatesAsync(),
        ["render"] = c => c.RenderAsync(),
        ["point-jacobian-matches-closed-form"] = c => c.PointJacobianAsync(),
        ["model-describes-geoms-and-cameras"] = c => c.DrawableModelAsync(),
        ["model-describes-masses-and-gravity"] = c => c.MassesAsync(),
        ["contact-free-impact-matches-two-body-model"] = c => c.FreeImpactAsync(),
        ["contact-push-settles-without-jumps"] = c => c.PushAsync(),
        ["contact-clamp-reads-the-push"] = c => c.ClampAsync(),
        ["contact-straight-press-stiffens-at-k"] = c => c.PressAsync(),
        ["calibration-switches-friction-and-collisions"] = c => c.CalibrationSwitchesAsync(),
        ["bad-input-compliance-on-pyramidal-cone"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "elliptic",
            s => c._bridge.OpenSessionAsync(CompliantOpen(BoxOnFloor, "box_geom", "world")).ResponseAsync),
        ["bad-input-malformed-mjcf"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "malformed.xml",
            s => c._bridge.OpenSessionAsync(new OpenSessionRequest { MjcfPath = Malformed }).ResponseAsync),
        ["bad-input-unknown-scene"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no-such-scene",
            s => c._bridge.OpenSessionAsync(new OpenSessionRequest { SceneId = "no-such-scene" }).ResponseAsync),
        ["bad-input-path-outside-scene-root"] = c => c.ExpectErrorAsync(StatusCode.PermissionDenied, "../../etc/hostname",
            s => c._bridge.OpenSessionAsync(new OpenSessionRequest { MjcfPath = "../../etc/hostname" }).ResponseAsync),
        // Only the status is compared: how a bridge words the refusal of a file it loads is its own business.
        ["bad-input-include-outside-scene-root"] = c => c.ExpectErrorAsync(StatusCode.PermissionDenied, named: null,
            s => c._bridge.OpenSessionAsync(new OpenSessionRequest { MjcfPath = IncludeOutsideSceneRoot }).ResponseAsync),
        ["bad-input-nan-target"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "NaN",
            s => c._bridge.StepAsync(Chunk(s, [[0.0, double.NaN]])).ResponseAsync),
        ["bad-input-infinite-target"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "yaw",
            s => c._bridge.StepAsync(Chunk(s, [[double.PositiveInfinity, 0.0]])).ResponseAsync),
        ["bad-input-wrong-target-count"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "targets",
            s => c._bridge.StepAsync(Chunk(s, [[0.0]])).ResponseAsync),
        ["bad-input-unknown-actuator"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no_such_actuator",
            s => c._bridge.StepAsync(Chunk(s, [[0.0, 0.0]], ["yaw", "no_such_actuator"])).ResponseAsync),
        ["bad-input-unknown-traced-body"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no_such_body",
            s => c._bridge.StepAsync(Traced(Chunk(s, [[0.0, 0.0]]), "no_such_body")).ResponseAsync),
        ["bad-input-unknown-session"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no-such-session",
            s => c._bridge.StepAsync(Chunk("no-such-session", [[0.0, 0.0]])).ResponseAsync),
        ["bad-input-closed-session"] = c => c.ClosedSessionAsync(),
        ["bad-input-zero-substeps"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "substeps_per_period",
            s => c._bridge.StepAsync(Chunk(s, [[0.0, 0.0]], substeps: 0)).ResponseAsync),
        ["bad-input-unknown-keyframe"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no_such_key",
            s => c._bridge.ResetAsync(new ResetRequest { SessionId = s, Keyframe = "no_such_key" }).ResponseAsync),
        ["bad-input-unknown-camera"] = c => c.ExpectErrorAsync(StatusCode.NotFound, "no_such_camera",
            s => c._bridge.RenderAsync(new RenderRequest { SessionId = s, Camera = "no_such_camera", Width = 8, Height = 8 }).ResponseAsync),
        ["bad-input-jacobian-of-a-free-joint"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "box_free",
            s => c._bridge.GetPointJacobianAsync(new GetPointJacobianRequest { SessionId = s, Body = "box", JointNames = { "box_free" } }).ResponseAsync),
        ["bad-input-state-of-wrong-length"] = c => c.ExpectErrorAsync(StatusCode.InvalidArgument, "qpos",
            s => c._bridge.SetStateAsync(new SetStateRequest { SessionId = s, State = new SimState { Qpos = { 1.0 } } }).ResponseAsync),
    };

    public static IReadOnlyList<string> CheckNames { get; } = Checks.Keys.ToArray();

    public async Task<ConformanceResult> RunAsync(string check)
    {
        if (!Checks.TryGetValue(check, out var run))
        {
            throw new ArgumentException($"unknown conformance check '{check}'; expected one of: {string.Join(", ", CheckNames)}");
        }
        var clock = Stopwatch.StartNew();
        try
        {
            return new ConformanceResult(check, ConformanceOutcome.Passed, await run(this), clock.Elapsed);
        }
        catch (ConformanceSkip e)
        {
            return new ConformanceResult(check, ConformanceOutcome.Skipped, e.Message, clock.Elapsed);
        }
        catch (ConformanceFailure e)
        {
            return new ConformanceResult(check, ConformanceOutcome.Failed, e.Message, clock.Elapsed);
        }
        catch (RpcException e)
        {
            return new ConformanceResult(check, ConformanceOutcome.Failed, $"unexpected {e.StatusCode}: {e.Status.Detail}", clock.Elapsed);
        }
    }

    public async IAsyncEnumerable<ConformanceResult> RunAllAsync()
    {
        foreach (var check in CheckNames) yield return await RunAsync(check);
    }

    private async Task<string> CapabilitiesAsync()
    {
        var c = await _bridge.GetCapabilitiesAsync(new GetCapabilitiesRequest());
        Require(c.EngineName.Length > 0, "engine_name is empty");
        Require(c.EngineVersion.Length > 0, "engine_version is empty");
        Require(c.BridgeName.Length > 0, "bridge_name is empty");
        return $"{c.EngineName} {c.EngineVersion} via {c.BridgeName} {c.BridgeVersion}; renderer: {(c.RendererAvailable ? c.RendererDetail : "unavailable (" + c.RendererDetail + ")")}";
    }

    private async Task<string> FreeFallAsync()
    {
        await using var session = await OpenAsync(FreeFall);
        var start = (await _bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = session.Id, BodyNames = { "ball" } })).Bodies[0];
        var steps = (int)Math.Round(0.5 / session.Model.TimestepS);
        var step = await _bridge.StepAsync(Chunk(session.Id, [[]], [], substeps: (uint)steps, bodies: ["ball"]));
        var drop = start.Position.Z - step.BodyStates[0].Position.Z;
        var expected = 0.5 * Gravity * step.TimeS * step.TimeS;
        var error = Math.Abs(drop - expected) / expected;
        Require(Math.Abs(step.TimeS - 0.5) < 1e-9, $"time after {steps} steps is {step.TimeS} s; expected 0.5 s");
        Require(error <= 0.01, $"dropped {drop:F5} m in {step.TimeS} s; expected {expected:F5} m (g t^2/2) within 1 %, error {error:P2}");
        return $"dropped {drop:F5} m in 0.5 s; g t^2/2 = {expected:F5} m; error {error:P3} (limit 1 %)";
    }

    private async Task<string> RestingContactForceAsync()
    {
        await using var session = await OpenAsync(BoxOnFloor, "box");
        const double mass = 2.0;
        var settle = (uint)Math.Round(1.0 / session.Model.TimestepS);
        await _bridge.StepAsync(Chunk(session.Id, [[]], [], substeps: settle));
        var window = (uint)Math.Round(0.2 / session.Model.TimestepS);
        var step = await _bridge.StepAsync(Chunk(session.Id, [[]], [], substeps: window));
        var floor = step.Contacts.Where(c => (c.Geom1 == "box_geom" && c.Geom2 == "floor") || (c.Geom1 == "floor" && c.Geom2 == "box_geom")).ToArray();
        Require(floor.Length == 1, $"expected one box-floor contact record, got {floor.Length} ({string.Join(", ", step.Contacts.Select(c => c.Geom1 + "/" + c.Geom2))})");
        var contact = floor[0];
        var mean = contact.NormalImpulseNs / (window * session.Model.TimestepS);
        var weight = mass * Gravity;
        var meanError = Math.Abs(mean - weight) / weight;
        var peakError = Math.Abs(contact.PeakNormalForceN - weight) / weight;
        Require(contact.Ongoing, "the resting contact was reported as ended");
        Require(meanError <= 0.02, $"mean normal force {mean:F3} N; expected m g = {weight:F3} N within 2 % (error {meanError:P2})");
        Require(peakError <= 0.02, $"peak normal force {contact.PeakNormalForceN:F3} N; expected m g = {weight:F3} N within 2 % (error {peakError:P2})");
        return $"mean {mean:F4} N, peak {contact.PeakNormalForceN:F4} N vs m g {weight:F4} N (errors {meanError:P3}, {peakError:P3}; limit 2 %)";
    }

    /// <summary>The strike calibration's probes: with friction off a box pushed along the floor slides on at its speed
    /// (the standard's two-body model is frictionless), with collisions off it falls through the floor, and both come
    /// back on.</summary>
    private async Task<string> CalibrationSwitchesAsync()
    {
        await using var session = await OpenAsync(BoxOnFloor);
        var steps = (uint)Math.Round(0.3 / session.Model.TimestepS);
        async Task<SimState> After03s(double pushMps)
        {
            var rest = (await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id })).State;
            rest.Qvel[0] = pushMps;
            await _bridge.SetStateAsync(new SetStateRequest { SessionId = session.Id, State = rest });
            var request = Chunk(session.Id, [[]], [], substeps: steps);
            request.ReturnState = true;
            return (await _bridge.StepAsync(request)).State;
        }

        var stopped = (await After03s(1.0)).Qvel[0];
        Require(Math.Abs(stopped) < 0.01, $"with friction (μ = 1) a box pushed at 1 m/s still moves at {stopped:F3} m/s after 0.3 s");
        await _bridge.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = session.Id, FrictionOff = true });
        var sliding = await After03s(1.0);
        await _bridge.SetForceSwitchesAsync(new SetForceSwitchesRequest { SessionId = session.Id });
        Require(Math.Abs(sliding.Qvel[0] - 1.0) < 1e-3, $"with friction off the box slowed from 1 m/s to {sliding.Qvel[0]:F4} m/s in 0.3 s; expected no change");
        Require(Math.Abs(sliding.Qpos[2] - 0.1) < 0.01, $"with friction off the box left the floor (height {sliding.Qpos[2]:F3} m)");
        var again = (await After03s(1.0)).Qvel[0];
        Require(Math.Abs(again) < 0.01, $"with friction on again the box still moves at {again:F3} m/s after 0.3 s");

        await _bridge.SetCollisionsOffAsync(new SetCollisionsOffRequest { SessionId = session.Id, Geoms = { "box_geom" } });
        var fallen = (await After03s(0)).Qpos[2];
        await _bridge.SetCollisionsOffAsync(new SetCollisionsOffRequest { SessionId = session.Id });
        var expected = 0.1 - 0.5 * Gravity * 0.3 * 0.3;
        Require(Math.Abs(fallen - expected) < 0.01, $"with its collisions off the box stands at {fallen:F3} m after 0.3 s; expected {expected:F3} m (through the floor)");
        var resting = (await After03s(0)).Qpos[2];
        Require(Math.Abs(resting - 0.1) < 0.01, $"with collisions on again the box stands at {resting:F3} m; expected 0.1 m");
        return $"friction off: {sliding.Qvel[0]:F4} m/s after 0.3 s from 1 m/s (on: {stopped:F4}); collisions off: fell to {fallen:F3} m (on: {resting:F3})";
    }

    private async Task<string> DeterminismAsync()
    {
        var a = await RunPusherAsync(seed: 7, chunks: 50, chunkSeed: 11);
        var b = await RunPusherAsync(seed: 7, chunks: 50, chunkSeed: 11);
        var firstDifference = FirstDifference(a.Qpos, b.Qpos);
        Require(firstDifference < 0, $"two sessions with seed 7 and the same 1000 steps differ at qpos[{firstDifference}]");
        return $"qpos ({a.Qpos.Count} values) bit-identical after 1000 steps in two sessions";
    }

    private async Task<string> SeedAsync()
    {
        await using var session = await OpenAsync(Pusher);
        async Task<SimState> ResetWith(ulong seed) =>
            (await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id, Seed = seed, InitialQposNoise = 0.05 })).State;
        var first = await ResetWith(7);
        var again = await ResetWith(7);
        var other = await ResetWith(8);
        Require(FirstDifference(first.Qpos, again.Qpos) < 0, "reset with seed 7 twice gave different initial states");
        Require(FirstDifference(first.Qpos, other.Qpos) >= 0, "seeds 7 and 8 gave the same initial state with initial_qpos_noise 0.05");
        return "same seed, same initial state; another seed, another state";
    }

    private async Task<string> CheckpointAsync()
    {
        var chunks = PusherChunks(50, 13);
        await using var straight = await OpenAsync(Pusher);
        await _bridge.ResetAsync(new ResetRequest { SessionId = straight.Id, Seed = 3, InitialQposNoise = 0.05 });
        SimState? checkpoint = null;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i == 25) checkpoint = await _bridge.GetStateAsync(new GetStateRequest { SessionId = straight.Id });
            await _bridge.StepAsync(Chunk(straight.Id, chunks[i]));
        }
        var expected = await _bridge.GetStateAsync(new GetStateRequest { SessionId = straight.Id });

        await using var resumed = await OpenAsync(Pusher);
        await _bridge.SetStateAsync(new SetStateRequest { SessionId = resumed.Id, State = checkpoint });
        for (var i = 25; i < chunks.Count; i++) await _bridge.StepAsync(Chunk(resumed.Id, chunks[i]));
        var actual = await _bridge.GetStateAsync(new GetStateRequest { SessionId = resumed.Id });
        var difference = FirstDifference(expected.Qpos, actual.Qpos);
        Require(difference < 0, $"a session restored from the state at step 500 differs from the uninterrupted one at qpos[{difference}] after 500 more steps");
        Require(actual.TimeS == expected.TimeS, $"restored session time {actual.TimeS} s; expected {expected.TimeS} s");
        return "state saved at step 500 and restored in a new session continues bit-identically to step 1000";
    }

    /// <summary>What a recording relies on: a state after every control period (the last equal to the chunk's end state),
    /// and the same chunks from the reset state, set with SetState in another session, passing through every one of them
    /// bit for bit.</summary>
    private async Task<string> PeriodStatesAsync()
    {
        var chunks = PusherChunks(20, 19);
        await using var recording = await OpenAsync(Pusher);
        Require(recording.Model.JointQposAddresses.Count == recording.Model.JointNames.Count,
            $"the model describes {recording.Model.JointNames.Count} joints but {recording.Model.JointQposAddresses.Count} joint_qpos_addresses; expected one per joint");
        Require(recording.Model.JointBodyNames.Count == recording.Model.JointNames.Count && recording.Model.JointBodyNames.All(recording.Model.BodyNames.Contains),
            $"the model describes {recording.Model.JointNames.Count} joints but {recording.Model.JointBodyNames.Count} joint_body_names, or names a body it does not have; expected each joint's body");
        var reset = (await _bridge.ResetAsync(new ResetRequest { SessionId = recording.Id, Seed = 5, InitialQposNoise = 0.05 })).State;
        var recorded = new List<SimState>();
        foreach (var chunk in chunks)
        {
            var request = Chunk(recording.Id, chunk);
            request.ReturnState = true;
            request.ReturnPeriodStates = true;
            var response = await _bridge.StepAsync(request);
            Require(response.PeriodStates.Count == chunk.Length, $"a chunk of {chunk.Length} periods with return_period_states returned {response.PeriodStates.Count} period states; expected one per period");
            Require(response.PeriodStates[^1].Equals(response.State), "the last period state differs from the chunk's end state");
            recorded.AddRange(response.PeriodStates);
        }
        await using var replay = await OpenAsync(Pusher);
        await _bridge.SetStateAsync(new SetStateRequest { SessionId = replay.Id, State = reset });
        var period = 0;
        foreach (var chunk in chunks)
        {
            var request = Chunk(replay.Id, chunk);
            request.ReturnPeriodStates = true;
            foreach (var state in (await _bridge.StepAsync(request)).PeriodStates)
            {
                Require(state.Equals(recorded[period]), $"the replay from the reset state (SetState in a new session) differs from the recording after period {period + 1} (t={recorded[period].TimeS:0.###} s)");
                period++;
            }
        }
        return $"a state after each of {period} control periods; replayed from the reset state in a new session, every one bit-identical";
    }

    private async Task<string> StepStreamAsync()
    {
        var unary = await RunPusherAsync(seed: 4, chunks: 20, chunkSeed: 17);
        await using var session = await OpenAsync(Pusher);
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id, Seed = 4, InitialQposNoise = 0.05 });
        await using (var stream = new Bridge.StepStream(_bridge, CancellationToken.None))
        {
            foreach (var chunk in PusherChunks(20, 17)) await stream.StepAsync(Chunk(session.Id, chunk), TimeSpan.FromSeconds(30), CancellationToken.None);
            try
            {
                await stream.StepAsync(Chunk(session.Id, [[double.NaN, 0.0]]), TimeSpan.FromSeconds(30), CancellationToken.None);
                throw new ConformanceFailure("a NaN target on the step stream was accepted; expected InvalidArgument");
            }
            catch (RpcException e)
            {
                Require(e.StatusCode == StatusCode.InvalidArgument, $"a NaN target on the step stream gave {e.StatusCode}; expected InvalidArgument");
            }
        }
        var streamed = await _bridge.GetStateAsync(new GetStateRequest { SessionId = session.Id });
        var difference = FirstDifference(unary.Qpos, streamed.Qpos);
        Require(difference < 0, $"20 chunks through StepStream differ from the same chunks through Step at qpos[{difference}]");
        return "StepStream gives the bit-identical trajectory of Step, and ends with InvalidArgument on a NaN target";
    }

    // What a viewer needs to draw the scene without the MJCF: each geom's pose in its body, colour and group, and each
    // camera's body, pose and field of view. pusher.xml's link_geom is a capsule given by fromto along x, so its centre is
    // at x = 0.25 m and its local z axis (a capsule's axis) turned onto ±x; its colour is its own rgba.
    private async Task<string> DrawableModelAsync()
    {
        await using var session = await OpenAsync(Pusher);
        var model = session.Model;
        foreach (var g in model.Geoms)
        {
            Require(g.Rgba.Count == 4 && g.Rgba.All(v => v >= 0 && v <= 1), $"geom '{g.Name}' has rgba [{string.Join(", ", g.Rgba)}]; expected 4 values in 0..1");
            Require(g.LocalPosition is not null && g.LocalOrientation is not null, $"geom '{g.Name}' has no local_position or local_orientation");
            var q = g.LocalOrientation!;
            var norm = Math.Sqrt((q.W * q.W) + (q.X * q.X) + (q.Y * q.Y) + (q.Z * q.Z));
            Require(Math.Abs(norm - 1) < 1e-6, $"geom '{g.Name}' local_orientation has norm {norm}; expected a unit quaternion");
        }
        var link = model.Geoms.Single(g => g.Name == "link_geom");
        Require(Math.Abs(link.LocalPosition.X - 0.25) < 1e-9 && Math.Abs(link.LocalPosition.Y) < 1e-9 && Math.Abs(link.LocalPosition.Z) < 1e-9,
            $"link_geom local_position ({link.LocalPosition.X}, {link.LocalPosition.Y}, {link.LocalPosition.Z}); expected (0.25, 0, 0), the middle of its fromto");
        var lq = link.LocalOrientation;
        // The rotation's image of the local z axis: its x component is 2(xz + wy).
        var axisX = 2 * ((lq.X * lq.Z) + (lq.W * lq.Y));
        // A capsule is symmetric about its middle: MuJoCo may point its z either way along the fromto.
        Require(Math.Abs(Math.Abs(axisX) - 1) < 1e-6, $"link_geom's local z axis has x component {axisX}; expected ±1 (fromto along x)");
        Require(link.Rgba.Zip(new[] { 0.9, 0.6, 0.1, 1.0 }).All(p => Math.Abs(p.First - p.Second) < 1e-6), $"link_geom rgba [{string.Join(", ", link.Rgba)}]; expected [0.9, 0.6, 0.1, 1]");
        Require(model.Cameras.Count == model.CameraNames.Count, $"{model.Cameras.Count} cameras described for {model.CameraNames.Count} camera names; expected one each");
        var camera = model.Cameras.Single(c => c.Name == "overview");
        Require(camera.Body == "world" && camera.FixedToBody, $"camera overview is on body '{camera.Body}' (fixed: {camera.FixedToBody}); expected fixed to 'world'");
        Require(Math.Abs(camera.LocalPosition.Y + 2.2) < 1e-9 && Math.Abs(camera.LocalPosition.Z - 1.4) < 1e-9,
            $"camera overview at ({camera.LocalPosition.X}, {camera.LocalPosition.Y}, {camera.LocalPosition.Z}); expected (0, -2.2, 1.4)");
        Require(camera.FovyDeg > 0 && camera.FovyDeg < 180, $"camera overview fovy_deg {camera.FovyDeg}; expected an angle in (0, 180)");
        return $"{model.Geoms.Count} geoms with pose, colour and group; {model.Cameras.Count} camera(s) with body, pose and field of view";
    }

    /// <summary>The masses, centres of mass and gravity a client takes the weight out of a statics check with (the clamp
    /// calibration balances a joint against its bodies' weight): the pusher's 1 kg capsule link has its centre halfway
    /// along its 0.5 m fromto, the 0.5 kg box at its origin, and gravity is (0, 0, −9.81).</summary>
    private async Task<string> MassesAsync()
    {
        await using var session = await OpenAsync(Pusher);
        var model = session.Model;
        Require(model.BodyMassKg.Count == model.BodyNames.Count && model.BodyCentreOfMassM.Count == model.BodyNames.Count,
            $"{model.BodyMassKg.Count} masses and {model.BodyCentreOfMassM.Count} centres of mass for {model.BodyNames.Count} bodies; expected one each");
        var link = model.BodyNames.IndexOf("link");
        var box = model.BodyNames.IndexOf("box");
        Require(Math.Abs(model.BodyMassKg[link] - 1) < 1e-9 && Math.Abs(model.BodyMassKg[box] - 0.5) < 1e-9,
            $"link {model.BodyMassKg[link]} kg and box {model.BodyMassKg[box]} kg; expected 1 and 0.5 (the geoms' masses)");
        var c = model.BodyCentreOfMassM[link];
        Require(Math.Abs(c.X - 0.25) < 1e-9 && Math.Abs(c.Y) < 1e-9 && Math.Abs(c.Z) < 1e-9, $"link's centre of mass ({c.X}, {c.Y}, {c.Z}); expected (0.25, 0, 0), the middle of its capsule");
        var g = model.GravityMps2;
        Require(g is not null && Math.Abs(g.X) < 1e-12 && Math.Abs(g.Y) < 1e-12 && Math.Abs(g.Z + 9.81) < 1e-12,
            $"gravity ({g?.X}, {g?.Y}, {g?.Z}); expected (0, 0, -9.81), the model's option");
        return Invariant($"{model.BodyNames.Count} bodies with mass and centre of mass (link {model.BodyMassKg[link]} kg at {c.X} m); gravity {g!.Z} m/s²");
    }

    private async Task<string> RenderAsync()
    {
        var capabilities = await _bridge.GetCapabilitiesAsync(new GetCapabilitiesRequest());
        if (!capabilities.RendererAvailable) throw new ConformanceSkip($"the bridge reports no renderer: {capabilities.RendererDetail}");
        await using var session = await OpenAsync(Pusher);
        var image = await _bridge.RenderAsync(new RenderRequest { SessionId = session.Id, Camera = "overview", Width = 160, Height = 120 });
        Require(image.Width == 160 && image.Height == 120, $"image is {image.Width}x{image.Height}; expected 160x120");
        Require(image.Rgb.Length == 160 * 120 * 3, $"image has {image.Rgb.Length} bytes; expected {160 * 120 * 3} (RGB8)");
        var pixels = image.Rgb.Span;
        var colours = new HashSet<int>();
        for (var i = 0; i < pixels.Length; i += 3) colours.Add(pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]);
        Require(colours.Count > 1, "the image is a single colour");
        return $"160x120 RGB8 with {colours.Count} distinct colours";
    }

    private async Task<string> ClosedSessionAsync()
    {
        var opened = await _bridge.OpenSessionAsync(new OpenSessionRequest { MjcfPath = Pusher });
        await _bridge.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });
        return await ExpectErrorAsync(StatusCode.NotFound, opened.SessionId,
            _ => _bridge.StepAsync(Chunk(opened.SessionId, [[0.0, 0.0]])).ResponseAsync);
    }

    /// <summary>Sends a bad request and requires the given status with a message naming <paramref name="named"/>
    /// (when given); then requires that a healthy session opened before it still steps.</summary>
    private async Task<string> ExpectErrorAsync(StatusCode expected, string? named, Func<string, Task> badCall)
    {
        await using var healthy = await OpenAsync(Pusher);
        try
        {
            await badCall(healthy.Id);
            throw new ConformanceFailure($"the bad request succeeded; expected {expected}");
        }
        catch (RpcException e)
        {
            Require(e.StatusCode == expected, $"status {e.StatusCode} ({e.Status.Detail}); expected {expected}");
            Require(named is null || e.Status.Detail.Contains(named, StringComparison.Ordinal), $"message \"{e.Status.Detail}\" does not name '{named}'");
            var after = await _bridge.StepAsync(Chunk(healthy.Id, [[0.1, 0.1]]));
            Require(after.SubstepsTaken > 0, "the healthy session stopped stepping after the bad request");
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
    }

    private async Task<SimState> RunPusherAsync(ulong seed, int chunks, int chunkSeed)
    {
        await using var session = await OpenAsync(Pusher);
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id, Seed = seed, InitialQposNoise = 0.05 });
        foreach (var chunk in PusherChunks(chunks, chunkSeed)) await _bridge.StepAsync(Chunk(session.Id, chunk));
        return await _bridge.GetStateAsync(new GetStateRequest { SessionId = session.Id });
    }

    /// <summary>Chunks of 10 periods x 2 substeps (20 steps each) sweeping the arm through the box.</summary>
    private static List<double[][]> PusherChunks(int count, int seed)
    {
        var random = new Random(seed);
        var chunks = new List<double[][]>();
        for (var c = 0; c < count; c++)
        {
            var periods = new double[10][];
            for (var p = 0; p < periods.Length; p++) periods[p] = [random.NextDouble() * 1.2 - 0.2, random.NextDouble() * 0.5];
            chunks.Add(periods);
        }
        return chunks;
    }

    private static StepRequest Chunk(string session, double[][] periods, string[]? actuators = null, uint substeps = 2, string[]? bodies = null)
    {
        var request = new StepRequest { SessionId = session, SubstepsPerPeriod = substeps };
        request.ActuatorNames.AddRange(actuators ?? PusherActuators);
        foreach (var targets in periods) request.Periods.Add(new ControlPeriod { Targets = { targets } });
        if (bodies is not null) request.BodyStateNames.AddRange(bodies);
        return request;
    }

    private static StepRequest Traced(StepRequest request, params string[] bodies)
    {
        request.TracedBodies.AddRange(bodies);
        return request;
    }

    private static int FirstDifference(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) return 0;
        for (var i = 0; i < a.Count; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return i;
        }
        return -1;
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition) throw new ConformanceFailure(failure);
    }

    private async Task<OpenedSession> OpenAsync(string mjcfPath, params string[] watched)
    {
        var request = new OpenSessionRequest { MjcfPath = mjcfPath };
        request.WatchedBodies.AddRange(watched);
        var response = await _bridge.OpenSessionAsync(request);
        return new OpenedSession(_bridge, response.SessionId, response.Model);
    }

    private sealed class OpenedSession(SimBridge.SimBridgeClient bridge, string id, ModelDescription model) : IAsyncDisposable
    {
        public string Id { get; } = id;
        public ModelDescription Model { get; } = model;

        public async ValueTask DisposeAsync()
        {
            try { await bridge.CloseSessionAsync(new CloseSessionRequest { SessionId = Id }); }
            catch (RpcException) { /* already closed: nothing to release */ }
        }
    }
}
