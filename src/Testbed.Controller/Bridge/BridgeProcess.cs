using System.Diagnostics;
using Polly;
using Polly.Retry;
using System.Text.RegularExpressions;

namespace Testbed.Controller.Bridge;

/// <summary>How to start a bridge as a child process: a program and its arguments, which must run
/// `testbed bridge serve --port 0 --stop-on-stdin-close` or an equivalent that prints
/// "listening on http://HOST:PORT" on its first lines.</summary>
public sealed record BridgeProcessCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>`dotnet testbed.dll bridge serve …` for the testbed program at <paramref name="testbedDll"/>.</summary>
    public static BridgeProcessCommand ForTestbed(string testbedDll, string scenesRoot) =>
        new("dotnet", [testbedDll, "bridge", "serve", "--port", "0", "--scenes", scenesRoot, "--stop-on-stdin-close"]);
}

/// <summary>A bridge in a child process of the run: a native crash in the engine kills that process, not the
/// run. The child stops when its stdin closes, so it never outlives a run that was killed.</summary>
public sealed partial class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastErrors;

    private BridgeProcess(Process process, BridgeConnection connection, Queue<string> lastErrors)
    {
        _process = process;
        Connection = connection;
        _lastErrors = lastErrors;
    }

    public BridgeConnection Connection { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Why the process ended, e.g. "exited with code 139"; null while it runs.</summary>
    public string? ExitDescription => _process.HasExited ? $"process {_process.Id} exited with code {_process.ExitCode}{StderrTail()}" : null;

    /// <summary>Starts the bridge, trying twice more (after 1 s, then 2 s) when a start fails: a machine under
    /// load can miss a start-up once. The last failure is the one reported.</summary>
    public static Task<BridgeProcess> StartWithRetriesAsync(BridgeProcessCommand command, TimeSpan startTimeout, CancellationToken cancel) =>
        StartRetries.ExecuteAsync(async token => await StartAsync(command, startTimeout, token), cancel).AsTask();

    private static readonly ResiliencePipeline StartRetries = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<BridgeUnreachableException>(),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

    public static async Task<BridgeProcess> StartAsync(BridgeProcessCommand command, TimeSpan startTimeout, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in command.Arguments) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BridgeUnreachableException($"could not start the bridge process `{command.FileName}`", null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BridgeUnreachableException($"could not start the bridge process `{command.FileName}`: {e.Message}", e);
        }
        var errors = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.Enqueue(e.Data);
                while (errors.Count > 20) errors.Dequeue();
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var address = await ReadAddressAsync(process, startTimeout, cancel);
            // Keep draining stdout so the child never blocks on a full pipe.
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is not null)
                {
                }
            });
            var connection = await BridgeConnection.ConnectAsync(address, startTimeout, cancel);
            return new BridgeProcess(process, connection, errors);
        }
        catch (Exception e)
        {
            Stop(process);
            string tail;
            lock (errors) tail = errors.Count > 0 ? "; its stderr: " + string.Join(" | ", errors) : "";
            if (e is OperationCanceledException && cancel.IsCancellationRequested) throw;
            throw new BridgeUnreachableException($"the bridge process `{command.FileName} {string.Join(' ', command.Arguments)}` did not start: {e.Message}{tail}", e);
        }
    }

    private static async Task<string> ReadAddressAsync(Process process, TimeSpan timeout, CancellationToken cancel)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(limit.Token);
                if (line is null) throw new InvalidOperationException($"it exited with code {(process.WaitForExit(5000) ? process.ExitCode : -1)} before printing its address");
                var match = Address().Match(line);
                if (match.Success) return match.Value;
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"it printed no address within {timeout.TotalSeconds:0} s");
        }
    }

    private string StderrTail()
    {
        // The last lines the process wrote to stderr say what the engine said before it died.
        lock (_lastErrors) return _lastErrors.Count > 0 ? "; its stderr: " + string.Join(" | ", _lastErrors) : "";
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        try
        {
            // Closing stdin asks the bridge to stop on its own; a bridge that does not is killed.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            Stop(_process);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"https?://[^\s/]+:[0-9]+")]
    private static partial Regex Address();
}
