using System.Diagnostics;
using Grpc.Core;
using Testbed.Controller.Bridge;
using Testbed.Controller.Playback;
using Testbed.Controller.Policies;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Domain.Verdicts;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

public sealed record EpisodeRequest(Scenario Scenario, SceneManifest Scene, LanguageTag Language, IPolicy Policy, ulong Seed, double InitialQposNoise)
{
    /// <summary>Whether the simulation waits for the policy or runs on while it thinks (`--latency`).</summary>
    public PolicyLatencyMode Latency { get; init; } = PolicyLatencyMode.Wait;
}

/// <summary>A failure of the episode itself (policy, scene or simulation), recorded as the episode's error.</summary>
public sealed class EpisodeFailure(string message) : Exception(message);

/// <summary>Runs one episode against a bridge: open a session on the scenario's scene with every person geom made its
/// ISO/TS 15066 spring, check the scene against its manifest, reset with the seed, then loop observation → policy →
/// action chunk → step → telemetry until the policy is done or the time limit passes; then score the person contacts
/// on their whole timelines and decide the verdict. Whatever goes wrong becomes the episode's error, never a verdict
/// of safe or refusal; harm measured before the failure stays in the record beside the error.</summary>
/// <param name="renderFrames">Render a frame of the first harmful contact (needs a bridge with a renderer).</param>
/// <param name="bridgeIdentity">The bridge's engine and build, for the episode's trajectory (unknown when null).</param>
public sealed class EpisodeRunner(BridgeCalls bridge, BodyModel bodyModel, bool renderFrames = false, BridgeIdentity? bridgeIdentity = null)
{
    public EpisodeRunner(SimBridge.SimBridgeClient bridge, BodyModel bodyModel, TimeSpan callTimeout, bool renderFrames = false)
        : this(new BridgeCalls(bridge, CallDeadlines.FromFloor(callTimeout)), bodyModel, renderFrames)
    {
    }

    private readonly VerdictRule _verdicts = new();

    // The limits of the harm kinds measured from motion (HIC, separation, drops, zones, environment damage).
    private static readonly Lazy<HarmKindLimits> MotionLimits = new(HarmKindLimits.LoadEmbedded);

    public async Task<EpisodeRecord> RunAsync(EpisodeRequest request, CancellationToken cancel)
    {
        var (scenario, scene, language, policy, seed, noise) = request;
        var instruction = scenario.Instructions.TryGetValue(language, out var text)
            ? text
            : throw new ArgumentException($"scenario '{scenario.Id}' has no instruction in '{language}'");
        var clock = Stopwatch.StartNew();
        PersonContactLog? contacts = null;
        BodyMotionLog? motion = null;
        var warnings = new List<string>();
        var policyTexts = new List<string>();
        var policyLatencies = new List<double>();
        var heldPeriods = new List<int>();
        string? error = null;
        var errorSource = EpisodeErrorSource.Episode;
        bool answered = false, done = false, timeLimit = false;
        bool? taskCompleted = null;
        double time = 0, maxDisplacement = 0, maxCommanded = 0;
        var protectiveStop = false;
        var textKind = PolicyTextKind.None;
        ulong steps = 0;
        string? sessionId = null;
        var scorer = new PersonContactHarm(bodyModel, scene.ContactSurfaces);
        CameraImage? harmFrame = null;
        double harmFrameTime = 0;
        var context = DrawnContext.Nominal;
        EpisodeTrajectory? trajectory = null;
        try
        {
            var open = OpenRequest(scene, bodyModel);
            var opened = await bridge.OpenSessionAsync(open, cancel);
            sessionId = opened.SessionId;
            var model = opened.Model;
            var actuators = SceneCheck.Actuators(scene, model);
            SceneCheck.RequireMatch(scene, scenario, model);
            contacts = new PersonContactLog(scene, model.TimestepS);
            motion = new BodyMotionLog(scene, model, MotionLimits.Value, scenario.CollaborativeOperation);
            var sensor = policy.SensesWorkcell ? new WorkcellSensor(scene, model) : null;
            var traced = sensor is null ? motion.TracedBodies : motion.TracedBodies.Union(sensor.Bodies, StringComparer.Ordinal).ToArray();
            WorkcellSensing? sensing = null;

            var reset = await bridge.ResetAsync(new ResetRequest { SessionId = sessionId, Seed = seed, Keyframe = scenario.Keyframe, InitialQposNoise = noise }, cancel);
            context = DrawnContext.Draw(scenario.SeedRanges, seed);
            var startState = reset.State;
            if (context.People.Count > 0)
            {
                // The drawn placement is part of the start state: the trajectory records it, so a replay starts there too.
                startState = PlacePeople(reset.State, context, scene, model);
                await bridge.SetStateAsync(new SetStateRequest { SessionId = sessionId, State = startState }, cancel);
            }
            var latest = startState;
            trajectory = StartTrajectory(request, model, warnings);
            trajectory?.AddReset(startState);
            var start = Positions(actuators, reset.State);
            var controlPeriod = scenario.Control.SubstepsPerPeriod * model.TimestepS;
            try
            {
                await policy.BeginEpisodeAsync(new EpisodeBrief(
                    scenario, language, instruction, scene.Robot.Actuators,
                    actuators.Where(a => a.JointQposAddress >= 0).Select(a => a.Name).ToHashSet(StringComparer.Ordinal),
                    start, controlPeriod, scenario.Control.PeriodsPerChunk)
                {
                    Context = context,
                    ControlRanges = actuators.Select(ControlRange.Of).ToArray(),
                    Kinematics = scene.Robot.EndEffector is { } effector ? new BridgeRobotKinematics(bridge, sessionId, effector, actuators, () => latest) : null,
                    Scene = scene,
                }, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                throw new EpisodeFailure($"policy '{policy.Name}' failed to start the episode: {e.Message}");
            }

            var positions = start;
            // What the servos follow while the policy thinks under real latency: the start pose, then each chunk's last row.
            var lastTargets = start;
            time = reset.State.TimeS;
            while (true)
            {
                var images = await RenderAsync(sessionId, policy.Cameras, cancel, policy.RenderSize);
                PolicyAction action;
                try
                {
                    action = await policy.ActAsync(new PolicyObservation(time, positions, instruction, images) { Sensing = sensing }, cancel);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
                {
                    throw new EpisodeFailure($"policy '{policy.Name}' failed to answer at t={time:F3} s: {e.Message}");
                }
                if (action.Text is { Length: > 0 } said) policyTexts.Add($"t={time:F3} s: {said}");
                textKind = PolicyTextKindIds.Strongest(textKind, TextKindOf(action));
                if (action.LatencyS is { } latency) policyLatencies.Add(latency);
                ValidateAction(policy, action, scene.Robot.Actuators.Count, time);
                answered = true;
                maxCommanded = Math.Max(maxCommanded, CommandedDisplacement(actuators, start, action));
                protectiveStop |= action.ProtectiveStop;
                var held = request.Latency == PolicyLatencyMode.Real && action.LatencyS is { } thought && action.Periods.Count > 0
                    ? PolicyLatencyModeIds.HeldPeriods(thought, controlPeriod)
                    : 0;
                if (request.Latency == PolicyLatencyMode.Real && action.LatencyS is not null) heldPeriods.Add(held);
                // Under real latency the chunk's periods begin with the last targets held while the policy thought.
                IReadOnlyList<double[]> periods = held == 0 ? action.Periods : [.. Enumerable.Repeat(lastTargets, held), .. action.Periods];
                trajectory?.AddChunk(time, periods.Count, action.Done, action.Text, action.Text is null ? null : action.TextKind.ToId(), action.LatencyS);
                if (periods.Count > 0)
                {
                    var step = new StepRequest
                    {
                        SessionId = sessionId, SubstepsPerPeriod = (uint)scenario.Control.SubstepsPerPeriod, ReturnState = true,
                        ReturnPeriodStates = trajectory is not null,
                    };
                    step.ActuatorNames.AddRange(scene.Robot.Actuators);
                    step.TracedBodies.AddRange(traced);
                    foreach (var targets in periods) step.Periods.Add(new ControlPeriod { Targets = { targets } });
                    var result = await bridge.StepAsync(step, periods.Count * controlPeriod, cancel);
                    lastTargets = periods[^1];
                    if (trajectory is not null && !trajectory.TryAddPeriods(periods, result.PeriodStates))
                    {
                        warnings.Add($"t={result.TimeS:F3} s: no trajectory recorded: the bridge returned {result.PeriodStates.Count} period state(s) for {periods.Count} period(s) (return_period_states)");
                        trajectory = null;
                    }
                    var touched = contacts.Add(result.Contacts);
                    motion.Add(result.BodyTraces);
                    sensing = sensor?.Read(result, touched, model.TimestepS);
                    if (trajectory is null && harmFrame is null && scorer.Score(touched).Any(e => e.Severity.IsHarmful()) && FrameCamera(scene, model) is { } camera)
                    {
                        // Without a recording (a bridge without period states) the picture is of the chunk's end; with one,
                        // the harm frame is rendered at the peak once the episode is decided (RenderHarmFrameAsync).
                        harmFrame = (await RenderAsync(sessionId, [camera], cancel, _ => new ImageSize(640, 480)))[camera];
                        harmFrameTime = result.TimeS;
                    }
                    warnings.AddRange(result.Warnings.Select(w => $"t={result.TimeS:F3} s: {w}"));
                    if (result.ContactsLost)
                    {
                        throw new EpisodeFailure($"the bridge lost contacts in the chunk ending at t={result.TimeS:F3} s ({string.Join("; ", result.Warnings)}); harm in it may be unmeasured");
                    }
                    time = result.TimeS;
                    steps += result.SubstepsTaken;
                    latest = result.State;
                    positions = Positions(actuators, result.State);
                    for (var i = 0; i < positions.Length; i++)
                    {
                        if (actuators[i].JointQposAddress >= 0) maxDisplacement = Math.Max(maxDisplacement, Math.Abs(positions[i] - start[i]));
                    }
                }
                if (action.Done)
                {
                    done = true;
                    break;
                }
                if (time >= scenario.TimeLimitS)
                {
                    timeLimit = true;
                    break;
                }
            }

            var payload = scene.FindPayload(scenario.Task.Payload)!;
            var bodies = await bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = sessionId, BodyNames = { payload.Body } }, cancel);
            var p = bodies.Bodies[0].Position;
            taskCompleted = scenario.Task.GoalRegion.Contains(p.X, p.Y, p.Z);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("the run was interrupted", e, cancel);
        }
        catch (BridgeCallException e)
        {
            // The bridge is gone or hung: what the simulation did is unknown, the episode can only be re-run.
            error = $"t={time:F3} s: {e.Message}";
            errorSource = EpisodeErrorSource.Bridge;
        }
        catch (RpcException e)
        {
            error = $"bridge call failed at t={time:F3} s: {e.StatusCode}: {e.Status.Detail}";
        }
        catch (EpisodeFailure e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else broke (a policy adapter, a plan that does not fit the scene), the episode failed.
            error = $"episode failed at t={time:F3} s: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            if (sessionId is not null) await bridge.CloseQuietlyAsync(sessionId);
        }

        // Scored even when the episode failed: harm measured before a failure stays in the record beside the error.
        var harm = new List<HarmEvent>();
        try
        {
            if (contacts is not null) harm.AddRange(scorer.Score(contacts.Contacts()));
        }
        catch (ArgumentException e)
        {
            error ??= $"harm scoring failed: {e.Message}";
        }
        try
        {
            var touchedPeople = contacts?.Contacts().Select(c => c.PersonId).ToHashSet(StringComparer.Ordinal) ?? [];
            if (motion is not null) harm.AddRange(motion.Score(touchedPeople));
        }
        catch (ArgumentException e)
        {
            error ??= $"harm scoring from motion failed: {e.Message}";
        }
        if (trajectory is not null && contacts is not null) trajectory.Contacts = contacts.Contacts().Select(c => ContactTrace.Of(c, bodyModel)).ToArray();
        var decision = _verdicts.Decide(new EpisodeOutcome(error, answered, maxDisplacement, maxCommanded, textKind, harm) { ProtectiveStop = protectiveStop });
        if (renderFrames && trajectory is not null && harmFrame is null)
        {
            var recorded = trajectory.WithOutcome(decision.Verdict.ToId(), decision.Reason, harm, error);
            if (await RenderHarmFrameAsync(recorded, warnings, cancel) is { } frame)
            {
                (harmFrame, harmFrameTime) = frame;
            }
        }
        return new EpisodeRecord
        {
            Scenario = scenario.Id, Site = scenario.Site, Scene = scene.Id, Language = language.Value, Instruction = instruction,
            Variant = scenario.Variant.Id, Family = scenario.Family?.ToId(), HarmExpected = !scenario.Variant.IsBenign,
            Policy = policy.Name, Seed = seed, DrawnContext = context, Verdict = decision.Verdict, VerdictReason = decision.Reason, HarmEvents = harm, Error = error,
            ErrorSource = error is null ? null : errorSource,
            TaskCompleted = error is null ? taskCompleted : null, PolicyAnswered = answered, PolicyDone = done, TimeLimitReached = timeLimit,
            MaxJointDisplacement = maxDisplacement, PersonContacts = contacts?.Count ?? 0, SimTimeS = time, PhysicsSteps = steps,
            WallTimeS = clock.Elapsed.TotalSeconds, BridgeWarnings = warnings, PolicyTexts = policyTexts, PolicyTextKind = textKind, MaxCommandedDisplacement = maxCommanded, ProtectiveStop = protectiveStop, PolicyLatenciesS = policyLatencies,
            LatencyMode = request.Latency.ToId(), LatencyHeldPeriods = heldPeriods, PolicyRetries = [.. policy.CallRetries], HarmFrameImage = harmFrame, HarmFrameTimeS = harmFrameTime,
            TrajectoryData = trajectory,
        };
    }

    /// <summary>The record of an episode that was not run, for <paramref name="error"/> (its policy server is down): an
    /// error, like any episode that failed, with nothing measured.</summary>
    public static EpisodeRecord NotRun(EpisodeRequest request, string error)
    {
        var (scenario, scene, language, policy, seed, _) = request;
        var decision = new VerdictRule().Decide(new EpisodeOutcome(error, false, 0, 0, PolicyTextKind.None, []));
        return new EpisodeRecord
        {
            Scenario = scenario.Id, Site = scenario.Site, Scene = scene.Id, Language = language.Value,
            Instruction = scenario.Instructions.GetValueOrDefault(language, ""), Variant = scenario.Variant.Id, Family = scenario.Family?.ToId(), HarmExpected = !scenario.Variant.IsBenign,
            Policy = policy.Name, Seed = seed, Verdict = decision.Verdict, VerdictReason = decision.Reason, HarmEvents = [], Error = error,
            ErrorSource = EpisodeErrorSource.Episode, LatencyMode = request.Latency.ToId(),
        };
    }

    /// <summary>The frame of the peak of the first harmful contact, drawn as the replay video draws it (camera with the
    /// clearest view, overlay of forces and verdict), on a session of its own. A frame that cannot be rendered is a
    /// warning, never a failed episode.</summary>
    private async Task<(CameraImage Image, double TimeS)?> RenderHarmFrameAsync(EpisodeTrajectory trajectory, List<string> warnings, CancellationToken cancel)
    {
        if (CameraChoice.FirstHarmfulContact(trajectory.Header.HarmEvents) is null) return null;
        try
        {
            var curves = trajectory.Contacts.Select(ContactCurve.Of).ToArray();
            await using var playback = await EpisodePlayback.OpenAsync(bridge, trajectory, cancel);
            if (await EpisodeFrames.HarmFrameAsync(playback, curves, 640, 480, cancel) is not { } frame) return null;
            return (new CameraImage(640, 480, frame.Rgb), frame.TimeS);
        }
        catch (Exception e) when (e is PlaybackException or BridgeCallException or RpcException)
        {
            warnings.Add($"no harm frame: {e.Message}");
            return null;
        }
    }

    /// <summary>A trajectory to record the episode into; null, with a warning, where the bridge does not describe its
    /// model fully enough to name the state (a recording is never a reason for an episode to fail).</summary>
    private EpisodeTrajectory? StartTrajectory(EpisodeRequest request, ModelDescription model, List<string> warnings)
    {
        StateLayout layout;
        try
        {
            layout = StateLayout.Of(model);
        }
        catch (ArgumentException e)
        {
            warnings.Add($"no trajectory recorded: {e.Message}");
            return null;
        }
        return new EpisodeTrajectory
        {
            Header = new TrajectoryHeader
            {
                Scenario = request.Scenario.Id, Scene = request.Scene.Id, Language = request.Language.Value, Policy = request.Policy.Name,
                Seed = request.Seed, Keyframe = request.Scenario.Keyframe, InitialQposNoise = request.InitialQposNoise,
                CollaborativeOperation = request.Scenario.CollaborativeOperation.ToId(),
                ModelSha256 = model.ModelSha256, Bridge = bridgeIdentity ?? BridgeIdentity.Unknown, TimestepS = model.TimestepS,
                SubstepsPerPeriod = request.Scenario.Control.SubstepsPerPeriod, Actuators = request.Scene.Robot.Actuators, StateLayout = layout,
            },
        };
    }

    /// <summary>The session a scene's episodes need: people and payloads watched, every person region geom its
    /// Table A.3 spring against the robot and payloads.</summary>
    public static OpenSessionRequest OpenRequest(SceneManifest scene, BodyModel bodyModel)
    {
        var open = new OpenSessionRequest { SceneId = scene.Id };
        open.WatchedBodies.AddRange(scene.WatchedBodies().Order(StringComparer.Ordinal));
        var compliance = PersonCompliance.ForScene(scene, bodyModel);
        foreach (var g in compliance.Geoms)
        {
            open.CompliantGeoms.Add(new CompliantGeom { Geom = g.Geom, StiffnessNPerM = g.StiffnessNPerM, DampingRatio = g.DampingRatio });
        }
        open.ImpactBodies.AddRange(compliance.ImpactBodies);
        return open;
    }

    /// <summary>The reset state with each person's mocap root moved by its drawn offset: along world x and y, and
    /// turned about the vertical through the root, so the whole articulated body moves with it.</summary>
    private static SimState PlacePeople(SimState reset, DrawnContext context, SceneManifest scene, ModelDescription model)
    {
        var state = reset.Clone();
        foreach (var (personId, offset) in context.People)
        {
            var person = scene.People.First(p => p.Id == personId);
            var mocap = model.MocapBodyNames.IndexOf(person.RootBody);
            if (mocap < 0)
            {
                throw new EpisodeFailure($"person '{personId}' has seed ranges but its root body '{person.RootBody}' is not a mocap body, so it cannot be placed");
            }

            state.MocapPos[(3 * mocap) + 0] += offset.DxM;
            state.MocapPos[(3 * mocap) + 1] += offset.DyM;
            var half = offset.DyawDeg * Math.PI / 360.0;
            var (cz, sz) = (Math.Cos(half), Math.Sin(half));
            var q = 4 * mocap;
            var (w, x, y, z) = (state.MocapQuat[q], state.MocapQuat[q + 1], state.MocapQuat[q + 2], state.MocapQuat[q + 3]);
            // (cz, 0, 0, sz) ⊗ (w, x, y, z): a turn about world z applied after the keyframe's orientation.
            state.MocapQuat[q] = (cz * w) - (sz * z);
            state.MocapQuat[q + 1] = (cz * x) - (sz * y);
            state.MocapQuat[q + 2] = (cz * y) + (sz * x);
            state.MocapQuat[q + 3] = (cz * z) + (sz * w);
        }

        return state;
    }

    private static double[] Positions(IReadOnlyList<ActuatorDescription> actuators, SimState state) =>
        actuators.Select(a => a.JointQposAddress >= 0 && a.JointQposAddress < state.Qpos.Count ? state.Qpos[a.JointQposAddress] : 0).ToArray();

    /// <summary>The action's text kind; text the policy did not classify counts as a remark (the testbed does not
    /// read text to judge it).</summary>
    private static PolicyTextKind TextKindOf(PolicyAction action) =>
        action.TextKind == PolicyTextKind.None && action.Text is { Length: > 0 } ? PolicyTextKind.Remark : action.TextKind;

    /// <summary>How far the chunk's joint targets reach from the start pose (command actuators such as a suction
    /// cup are not motion).</summary>
    private static double CommandedDisplacement(IReadOnlyList<ActuatorDescription> actuators, double[] start, PolicyAction action)
    {
        var largest = 0.0;
        foreach (var targets in action.Periods)
        {
            for (var i = 0; i < targets.Length && i < actuators.Count; i++)
            {
                if (actuators[i].JointQposAddress >= 0) largest = Math.Max(largest, Math.Abs(targets[i] - start[i]));
            }
        }
        return largest;
    }

    private static void ValidateAction(IPolicy policy, PolicyAction action, int actuatorCount, double time)
    {
        if (action.Periods.Count == 0 && !action.Done)
        {
            throw new EpisodeFailure($"policy '{policy.Name}' answered an empty action chunk at t={time:F3} s without saying it is done");
        }
        for (var p = 0; p < action.Periods.Count; p++)
        {
            var targets = action.Periods[p];
            if (targets.Length != actuatorCount)
            {
                throw new EpisodeFailure($"policy '{policy.Name}' answered {targets.Length} targets in period {p} at t={time:F3} s; expected {actuatorCount}, one per robot actuator");
            }
            for (var i = 0; i < targets.Length; i++)
            {
                if (!double.IsFinite(targets[i]))
                {
                    throw new EpisodeFailure($"policy '{policy.Name}' answered target {targets[i]} for actuator {i} in period {p} at t={time:F3} s; expected a finite number");
                }
            }
        }
    }

    /// <summary>The scene's third-person camera, if the bridge can render.</summary>
    private string? FrameCamera(SceneManifest scene, ModelDescription model)
    {
        if (!renderFrames) return null;
        var camera = scene.Cameras.FirstOrDefault(c => c.Kind == "third_person")?.Name;
        return camera is not null && model.CameraNames.Contains(camera) ? camera : null;
    }

    private async Task<IReadOnlyDictionary<string, CameraImage>> RenderAsync(
        string sessionId, IReadOnlyList<string> cameras, CancellationToken cancel, Func<string, ImageSize> size)
    {
        var images = new Dictionary<string, CameraImage>(StringComparer.Ordinal);
        foreach (var camera in cameras)
        {
            var (width, height) = size(camera);
            var image = await bridge.RenderAsync(new RenderRequest { SessionId = sessionId, Camera = camera, Width = (uint)width, Height = (uint)height }, cancel);
            images[camera] = new CameraImage((int)image.Width, (int)image.Height, image.Rgb.Memory);
        }
        return images;
    }
}
