
namespace Testbed.Controller.Bridge;

/// <summary>Where a run's workers find their bridges: each worker its own child process (the default), or all of
/// them the one bridge at --bridge ADDRESS, each in its own sessions.</summary>
public abstract class BridgeSource
{
    /// <summary>Whether the bridges are child processes started by the run.</summary>
    public abstract bool Embedded { get; }

    public abstract Task<WorkerBridge> StartAsync(int worker, CancellationToken cancel);

    public static BridgeSource ChildProcesses(BridgeProcessCommand command, TimeSpan? startTimeout = null) =>
        new ChildProcessSource(command, startTimeout ?? TimeSpan.FromSeconds(60));

    public static BridgeSource Remote(string address, TimeSpan connectTimeout) => new RemoteSource(address, connectTimeout);

    private sealed class ChildProcessSource(BridgeProcessCommand command, TimeSpan startTimeout) : BridgeSource
    {
        public override bool Embedded => true;

        public override async Task<WorkerBridge> StartAsync(int worker, CancellationToken cancel) =>
            new ChildProcessBridge(command, startTimeout, await BridgeProcess.StartWithRetriesAsync(command, startTimeout, cancel));
    }

    private sealed class RemoteSource(string address, TimeSpan connectTimeout) : BridgeSource
    {
        public override bool Embedded => false;

        public override async Task<WorkerBridge> StartAsync(int worker, CancellationToken cancel) =>
            new RemoteBridge(await BridgeConnection.ConnectAsync(address, connectTimeout, cancel));
    }
}

/// <summary>One worker's bridge. After an episode failed in transport, <see cref="RecoverAsync"/> makes it usable
/// again where it can: a child process that died or hangs is replaced by a new one.</summary>
public abstract class WorkerBridge : IAsyncDisposable
{
    public abstract BridgeConnection Connection { get; }

    /// <summary>The bridge's process id, for a child process; null for a remote bridge.</summary>
    public abstract int? ProcessId { get; }

    /// <summary>Restores a bridge after a transport failure and says what it did (null: nothing to do).</summary>
    public abstract Task<string?> RecoverAsync(BridgeCalls calls, CancellationToken cancel);

    public abstract ValueTask DisposeAsync();
}

internal sealed class ChildProcessBridge(BridgeProcessCommand command, TimeSpan startTimeout, BridgeProcess process) : WorkerBridge
{
    private BridgeProcess _process = process;

    public override BridgeConnection Connection => _process.Connection;
    public override int? ProcessId => _process.ProcessId;

    public override async Task<string?> RecoverAsync(BridgeCalls calls, CancellationToken cancel)
    {
        string what;
        if (_process.HasExited) what = $"bridge {_process.ExitDescription}";
        else if (await calls.ProbeAsync(cancel)) return null;
        else what = $"bridge process {_process.ProcessId} stopped answering and was killed";
        var old = _process.ProcessId;
        await _process.DisposeAsync();
        _process = await BridgeProcess.StartWithRetriesAsync(command, startTimeout, cancel);
        return $"{what}; restarted as process {_process.ProcessId} (was {old})";
    }

    public override ValueTask DisposeAsync() => _process.DisposeAsync();
}

internal sealed class RemoteBridge(BridgeConnection connection) : WorkerBridge
{
    public override BridgeConnection Connection => connection;
    public override int? ProcessId => null;
    public override Task<string?> RecoverAsync(BridgeCalls calls, CancellationToken cancel) => Task.FromResult<string?>(null);

    public override ValueTask DisposeAsync()
    {
        connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
