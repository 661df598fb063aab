using System.Collections.Concurrent;
using Testbed.Bridge.Engine;
using Testbed.Bridge.Rendering;
using Testbed.Mjcf;

namespace Testbed.Bridge.Sessions;

/// <summary>The open sessions of a bridge. Sessions idle for longer than the idle timeout are closed, so a
/// client that dies without closing its session does not hold memory for ever.</summary>
public sealed class SessionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulationSession> _sessions = new();
    private readonly HeadlessRenderer _renderer;
    private readonly Timer _reaper;

    public SessionRegistry(HeadlessRenderer renderer, TimeSpan idleTimeout, int maxSessions)
    {
        _renderer = renderer;
        IdleTimeout = idleTimeout;
        MaxSessions = maxSessions;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 50, 5000));
        _reaper = new Timer(_ => CloseIdle(), null, period, period);
    }

    public TimeSpan IdleTimeout { get; }
    public int MaxSessions { get; }
    public int Count => _sessions.Count;

    public SimulationSession Open(MjcfLoadedFiles scene, IEnumerable<string> watchedBodies,
        IReadOnlyList<CompliantGeomSpec>? compliantGeoms = null, IReadOnlyList<string>? impactBodies = null)
    {
        if (_sessions.Count >= MaxSessions)
        {
            throw new BridgeException(BridgeErrorKind.ResourceExhausted,
                $"this bridge already holds {_sessions.Count} sessions (its limit); close one or start the bridge with a higher --max-sessions");
        }
        var model = MujocoModel.Load(scene);
        try
        {
            var compliance = ContactCompliance.Create(model, compliantGeoms ?? [], impactBodies ?? []);
            var session = new SimulationSession(Guid.NewGuid().ToString("N"), new MujocoSimulation(model, watchedBodies, compliance));
            _sessions[session.Id] = session;
            return session;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public SimulationSession Get(string id)
    {
        if (string.IsNullOrEmpty(id)) throw BridgeException.InvalidArgument("session_id is empty; expected the id OpenSession returned");
        if (!_sessions.TryGetValue(id, out var session) || session.Closed)
        {
            throw BridgeException.NotFound($"session '{id}' is unknown or closed (sessions idle for {IdleTimeout.TotalSeconds:0.#} s are closed by the bridge)");
        }
        session.Touch();
        return session;
    }

    public void Close(string id)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            throw BridgeException.NotFound($"session '{id}' is unknown or already closed");
        }
        Dispose(session);
    }

    private void CloseIdle()
    {
        foreach (var (id, session) in _sessions)
        {
            if (session.IdleFor <= IdleTimeout) continue;
            // Only reclaim a session nobody is using right now.
            if (!session.Gate.Wait(0)) continue;
            if (_sessions.TryRemove(id, out _))
            {
                Dispose(session, gateHeld: true);
            }
            else
            {
                session.Gate.Release();
            }
        }
    }

    private void Dispose(SimulationSession session, bool gateHeld = false)
    {
        // Wait for a call in progress on the session, then let every waiting call through to find it closed.
        if (!gateHeld) session.Gate.Wait();
        session.MarkClosed();
        session.Gate.Release();
        _renderer.Release(session.CameraView);
        // The render thread frees GL resources before the model goes away: queue the disposal behind it.
        _renderer.AfterPendingWork(session.Dispose);
    }

    public void Dispose()
    {
        _reaper.Dispose();
        foreach (var id in _sessions.Keys) if (_sessions.TryRemove(id, out var s)) Dispose(s);
    }
}
