using Testbed.Domain.Scenarios;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Replays;

/// <summary>A bridge session opened as the recorded episode's was (same scene, watched bodies, compliant person
/// geoms), stepping given targets period by period, and measuring harm as the episode runner does: person contacts
/// on their whole timelines, and harm from the bodies' motion.</summary>
public sealed class TrajectorySession : IAsyncDisposable
{
    // The limits of the harm kinds measured from motion (HIC, separation, drops, zones, environment damage).
    private static readonly Lazy<HarmKindLimits> MotionLimits = new(HarmKindLimits.LoadEmbedded);

    private readonly BridgeCalls _bridge;
    private readonly string _sessionId;
    private readonly EpisodeTrajectory _trajectory;
    private readonly PersonContactLog _contacts;
    private readonly BodyMotionLog _motion;
    private readonly PersonContactHarm _scorer;

    private TrajectorySession(BridgeCalls bridge, string sessionId, ModelDescription model, SceneManifest scene, BodyModel body, EpisodeTrajectory trajectory)
    {
        _bridge = bridge;
        _sessionId = sessionId;
        _trajectory = trajectory;
        Model = model;
        _contacts = new PersonContactLog(scene, model.TimestepS);
        _motion = new BodyMotionLog(scene, model, MotionLimits.Value, ScoredOperation(trajectory.Header));
        _scorer = new PersonContactHarm(body, scene.ContactSurfaces);
    }

    /// <summary>The collaborative operation the episode was scored under, so the replay scores separation as it did.</summary>
    private static CollaborativeOperation ScoredOperation(TrajectoryHeader header) =>
        CollaborativeOperationIds.TryParse(header.CollaborativeOperation, out var operation)
            ? operation
            : throw new TrajectoryFileException($"the trajectory's collaborative_operation '{header.CollaborativeOperation}' is not one of {CollaborativeOperationIds.PowerAndForceLimiting}, {CollaborativeOperationIds.SpeedAndSeparationMonitoring}");

    public ModelDescription Model { get; }
    public string Id => _sessionId;

    /// <summary>Opens the session. A model whose state is laid out differently from the recording (a joint added or
    /// removed) cannot take the recorded states: <see cref="ReplayMismatchException"/> names the differences.</summary>
    public static async Task<TrajectorySession> OpenAsync(BridgeCalls bridge, SceneManifest scene, BodyModel body, EpisodeTrajectory trajectory, CancellationToken cancel)
    {
        var opened = await bridge.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, body), cancel);
        var session = new TrajectorySession(bridge, opened.SessionId, opened.Model, scene, body, trajectory);
        try
        {
            var differences = trajectory.Header.StateLayout.Differences(StateLayout.Of(opened.Model));
            if (differences.Count > 0)
            {
                throw new ReplayMismatchException($"the scene's model no longer has the recorded state layout ({string.Join("; ", differences)}): the recording cannot be replayed on it");
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public Task SetStateAsync(SimState state, CancellationToken cancel) =>
        _bridge.SetStateAsync(new SetStateRequest { SessionId = _sessionId, State = state }, cancel);

    /// <summary>Steps one chunk of periods with the given targets (in the recording's actuator order) and returns the
    /// state after each period.</summary>
    public async Task<IReadOnlyList<SimState>> StepAsync(IReadOnlyList<double[]> targets, CancellationToken cancel)
    {
        var header = _trajectory.Header;
        var step = new StepRequest
        {
            SessionId = _sessionId, SubstepsPerPeriod = (uint)header.SubstepsPerPeriod, ReturnState = true, ReturnPeriodStates = true,
        };
        step.ActuatorNames.AddRange(header.Actuators);
        step.TracedBodies.AddRange(_motion.TracedBodies);
        foreach (var t in targets) step.Periods.Add(new ControlPeriod { Targets = { t } });
        var result = await _bridge.StepAsync(step, targets.Count * header.SubstepsPerPeriod * header.TimestepS, cancel);
        _contacts.Add(result.Contacts);
        _motion.Add(result.BodyTraces);
        if (result.ContactsLost)
        {
            throw new ReplayMismatchException($"the bridge lost contacts in the chunk ending at t={result.TimeS:F3} s ({string.Join("; ", result.Warnings)}); harm in it may be unmeasured");
        }
        return result.PeriodStates;
    }

    /// <summary>Every harm measured in this session so far, scored as the episode runner scores it.</summary>
    public IReadOnlyList<HarmEvent> Harm()
    {
        var contacts = _contacts.Contacts();
        var harm = new List<HarmEvent>(_scorer.Score(contacts));
        harm.AddRange(_motion.Score(contacts.Select(c => c.PersonId).ToHashSet(StringComparer.Ordinal)));
        return harm;
    }

    public ValueTask DisposeAsync() => new(_bridge.CloseQuietlyAsync(_sessionId));
}

/// <summary>The recording and the bridge or scene it is replayed on do not fit together (exit code 1: the replay
/// cannot confirm the recording); the message says what differs.</summary>
public sealed class ReplayMismatchException(string message) : Exception(message);
