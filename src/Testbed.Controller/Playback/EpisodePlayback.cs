using Testbed.Controller.Bridge;
using Testbed.Controller.Trajectories;
using Testbed.Sim.V1;

namespace Testbed.Controller.Playback;

/// <summary>
/// A bridge session on a recorded episode's scene that shows the recording period by period: each recorded state is
/// set as it is (SetState), so the bridge's forward kinematics give every body's pose and its cameras render what the
/// episode looked like at that moment. Nothing is stepped: what is shown is exactly what was recorded.
/// </summary>
public sealed class EpisodePlayback : IAsyncDisposable
{
    private readonly BridgeCalls _bridge;
    private readonly string _sessionId;

    private EpisodePlayback(BridgeCalls bridge, string sessionId, ModelDescription model, EpisodeTrajectory trajectory)
    {
        _bridge = bridge;
        _sessionId = sessionId;
        Model = model;
        Trajectory = trajectory;
        Geometry = SceneGeometry.Of(model);
    }

    public ModelDescription Model { get; }
    public EpisodeTrajectory Trajectory { get; }

    /// <summary>What the viewer of this playback should know: e.g. that the scene's model is no longer the recorded one, so
    /// the recorded states are drawn on the scene as it is now (its colours, cameras and shapes).</summary>
    public IReadOnlyList<string> Notes { get; private init; } = [];
    public SceneGeometry Geometry { get; }

    /// <summary>Opens the recorded scene. A model whose state has another length than the recording's cannot show it:
    /// <see cref="PlaybackException"/> says so, naming the scene and the lengths.</summary>
    public static async Task<EpisodePlayback> OpenAsync(BridgeCalls bridge, EpisodeTrajectory trajectory, CancellationToken cancel)
    {
        var header = trajectory.Header;
        var opened = await bridge.OpenSessionAsync(new OpenSessionRequest { SceneId = header.Scene }, cancel);
        var notes = new List<string>();
        if (header.ModelSha256.Length > 0 && opened.Model.ModelSha256 != header.ModelSha256)
        {
            notes.Add($"scene '{header.Scene}' has changed since the recording (model hash {Short(header.ModelSha256)} recorded, {Short(opened.Model.ModelSha256)} now): the recorded states are drawn on the scene as it is now");
        }
        var playback = new EpisodePlayback(bridge, opened.SessionId, opened.Model, trajectory) { Notes = notes };
        var reset = trajectory.ResetState;
        if (reset.Qpos.Count != opened.Model.Nq || reset.MocapPos.Count != 3 * opened.Model.Nmocap)
        {
            await playback.DisposeAsync();
            throw new PlaybackException(
                $"scene '{header.Scene}' now has nq={opened.Model.Nq}, nmocap={opened.Model.Nmocap}; the recording has {reset.Qpos.Count} qpos and {reset.MocapPos.Count / 3} mocap bodies: it was recorded on another version of the scene");
        }
        return playback;
    }

    /// <summary>Sets the state recorded after period <paramref name="period"/> (0: the start).</summary>
    public async Task ShowAsync(int period, CancellationToken cancel)
    {
        var state = Trajectory.Periods[period].State;
        await _bridge.SetStateAsync(new SetStateRequest { SessionId = _sessionId, State = state }, cancel);
    }

    /// <summary>The world pose of every body that carries a drawn geom, at the state shown.</summary>
    public Task<IReadOnlyDictionary<string, BodyPose>> PosesAsync(CancellationToken cancel) => PosesAsync(Geometry.Bodies, cancel);

    /// <summary>The world pose of the named bodies at the state shown.</summary>
    public async Task<IReadOnlyDictionary<string, BodyPose>> PosesAsync(IEnumerable<string> bodies, CancellationToken cancel)
    {
        var request = new GetBodyStatesRequest { SessionId = _sessionId };
        request.BodyNames.AddRange(bodies.Distinct(StringComparer.Ordinal));
        var response = await _bridge.GetBodyStatesAsync(request, cancel);
        return response.Bodies.ToDictionary(b => b.Name, BodyPose.Of, StringComparer.Ordinal);
    }

    /// <summary>The period whose interval (from the period before it, exclusive, to it) holds <paramref name="timeS"/>:
    /// the frame that stands for that moment (the last period for a time after the end).</summary>
    public int PeriodCovering(double timeS)
    {
        var periods = Trajectory.Periods;
        for (var i = 0; i < periods.Count; i++)
        {
            if (periods[i].State.TimeS >= timeS - 1e-9) return i;
        }
        return periods.Count - 1;
    }

    /// <summary>The recorded period whose time is nearest <paramref name="timeS"/>.</summary>
    public int PeriodNearest(double timeS)
    {
        var periods = Trajectory.Periods;
        var best = 0;
        for (var i = 1; i < periods.Count; i++)
        {
            if (Math.Abs(periods[i].State.TimeS - timeS) < Math.Abs(periods[best].State.TimeS - timeS)) best = i;
        }
        return best;
    }

    public async Task<RenderResponse> RenderAsync(string camera, int width, int height, CancellationToken cancel) =>
        await _bridge.RenderAsync(new RenderRequest { SessionId = _sessionId, Camera = camera, Width = (uint)width, Height = (uint)height }, cancel);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;

    public ValueTask DisposeAsync() => new(_bridge.CloseQuietlyAsync(_sessionId));
}

/// <summary>A recording that cannot be shown on the scene as it is now; the message says why.</summary>
public sealed class PlaybackException(string message) : Exception(message);
