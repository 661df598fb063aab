using Testbed.Bridge.Engine;
using Testbed.Bridge.Rendering;

namespace Testbed.Bridge.Sessions;

/// <summary>One client's simulation: its own model and data. Calls on a session are serialised by its gate.</summary>
public sealed class SimulationSession(string id, MujocoSimulation simulation) : IDisposable
{
    private long _lastUsedTicks = Environment.TickCount64;

    public string Id { get; } = id;
    public MujocoSimulation Simulation { get; } = simulation;
    public CameraView CameraView { get; } = new();
    /// <summary>Serialises calls on the session. Never disposed: a caller may still be waiting on it when the
    /// session closes, and must then wake up to find it closed.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    private volatile bool _closed;

    public bool Closed => _closed;

    /// <summary>Called with the gate held: every later caller finds the session closed.</summary>
    public void MarkClosed() => _closed = true;

    public TimeSpan IdleFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsedTicks));

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, Environment.TickCount64);

    public void Dispose()
    {
        _closed = true;
        Simulation.Dispose();
        Simulation.Model.Dispose();
    }
}
