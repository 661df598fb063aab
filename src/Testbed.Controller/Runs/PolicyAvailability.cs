using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Transport;

namespace Testbed.Controller.Runs;

/// <summary>Whether each policy server of a run answers, so that one that is down is reported once, clearly, and
/// costs no time per episode. Before any episode every server is checked (connect and, where the protocol has one,
/// handshake): one that is down aborts the run. When an episode of a server fails, the server is checked at once;
/// if it is down its cause is told once, and its next episodes are recorded as errors with that cause without
/// running, until a check (at most every <paramref name="recheckInterval"/>) finds it up again. Built-in policies and
/// the episodes of other policies are not affected.</summary>
/// <param name="create">A fresh policy by its plan name (the run's own factory).</param>
public sealed class PolicyAvailability(Func<string, IPolicy> create, TimeSpan recheckInterval, IRunProgress progress)
{
    private readonly ConcurrentDictionary<string, ServerState> _servers = new(StringComparer.Ordinal);

    /// <summary>Checks every policy server of the plan, all at once.</summary>
    /// <exception cref="RunAbortedException">A server is down; the message names each one and its cause.</exception>
    public async Task PreflightAsync(IEnumerable<string> policies, CancellationToken cancel)
    {
        var checks = policies.Distinct(StringComparer.Ordinal).Select(async p => (Policy: p, Problem: await CheckAsync(p, cancel))).ToArray();
        var down = (await Task.WhenAll(checks)).Where(c => c.Problem is not null).ToArray();
        if (down.Length > 0)
        {
            throw new RunAbortedException(
                $"policy server {string.Join("; policy server ", down.Select(d => $"{d.Problem!.Value.Uri} is down: {d.Problem.Value.Cause}"))}; no episode was run");
        }
    }

    /// <summary>Null when the episode may run; else the error to record it with, without running it.</summary>
    public async Task<string?> BeforeEpisodeAsync(string policy, CancellationToken cancel)
    {
        if (!_servers.TryGetValue(policy, out var server) || server.Cause is null) return null;
        if (server.SinceCheck.Elapsed >= recheckInterval && await server.Gate.WaitAsync(0, cancel))
        {
            try
            {
                var problem = await CheckAsync(policy, cancel);
                server.SinceCheck.Restart();
                if (problem is null)
                {
                    progress.Note(string.Create(CultureInfo.InvariantCulture,
                        $"policy server {server.Uri} answers again after {server.SinceDown.Elapsed.TotalSeconds:F0} s down; its episodes run again"));
                    server.Cause = null;
                    return null;
                }
            }
            finally
            {
                server.Gate.Release();
            }
        }
        return server.Cause is { } cause ? DownError(server, cause) : null;
    }

    /// <summary>After an episode of <paramref name="policy"/> that failed: is its server down? Told once when it is.</summary>
    public async Task AfterFailureAsync(string policy, CancellationToken cancel)
    {
        if (_servers.TryGetValue(policy, out var known) && known.Cause is not null) return;
        var server = known ?? (await UriOfAsync(policy) is { } uri ? _servers.GetOrAdd(policy, _ => new ServerState(uri)) : null);
        if (server is null) return;
        await server.Gate.WaitAsync(cancel);
        try
        {
            if (server.Cause is not null) return;
            if (await CheckAsync(policy, cancel) is not { } problem) return;
            server.Cause = problem.Cause;
            server.SinceDown.Restart();
            server.SinceCheck.Restart();
            progress.Note(string.Create(CultureInfo.InvariantCulture,
                $"policy server {server.Uri} is down: {problem.Cause}. Its episodes are recorded as error without running until it answers again (checked every {recheckInterval.TotalSeconds:0.#} s); other policies go on"));
        }
        finally
        {
            server.Gate.Release();
        }
    }

    private static string DownError(ServerState server, string cause) => string.Create(CultureInfo.InvariantCulture,
        $"policy server {server.Uri} is down: {cause} (found {server.SinceDown.Elapsed.TotalSeconds:F0} s before this episode, which was not run)");

    /// <summary>Null for a built-in policy or a server that answers; else the server's URI and why it does not.</summary>
    private async Task<(string Uri, string Cause)?> CheckAsync(string policy, CancellationToken cancel)
    {
        var instance = create(policy);
        try
        {
            if (instance is not IPolicyServer server) return null;
            try
            {
                await server.CheckReachableAsync(cancel);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                return (server.Address.Text, e.Message);
            }
        }
        finally
        {
            await DisposeAsync(instance);
        }
    }

    /// <summary>The URI of a policy server; null for a built-in policy.</summary>
    private async Task<string?> UriOfAsync(string policy)
    {
        var instance = create(policy);
        await DisposeAsync(instance);
        return (instance as IPolicyServer)?.Address.Text;
    }

    private static async Task DisposeAsync(IPolicy policy)
    {
        if (policy is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    private sealed class ServerState(string uri)
    {
        public string Uri { get; } = uri;

        /// <summary>Why the server is down; null while it answers.</summary>
        public volatile string? Cause;

        public Stopwatch SinceDown { get; } = new();

        public Stopwatch SinceCheck { get; } = new();

        /// <summary>One check of a server at a time: the episodes that fail together when it goes down check it once.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
