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
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public bool Closed { get; private set; }

    public TimeSpan IdleFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsedTicks));

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, Environment.TickCount64);

    public void Dispose()
    {
        Closed = true;
        Simulation.Dispose();
        Simulation.Model.Dispose();
        Gate.Dispose();
    }
}
