using System.Diagnostics;
using Grpc.Core;
using Testbed.Sim.V1;

namespace Testbed.Controller.Bridge;

/// <summary>The session calls an episode makes, in one place: each call gets its deadline from
/// <see cref="CallDeadlines"/>, and a call that fails in transport becomes a <see cref="BridgeCallException"/>
/// saying which call, for how long, and whether the bridge still answers a health probe. Steps go over one
/// StepStream per session (less per-call overhead than unary Step), opened on the first step.</summary>
public sealed class BridgeCalls(SimBridge.SimBridgeClient client, CallDeadlines deadlines, string address = "the bridge")
{
    private readonly Dictionary<string, StepStream> _streams = new(StringComparer.Ordinal);

    // Set when a call failed in transport: closing the session would only wait on the same dead bridge.
    private volatile bool _bridgeFailed;

    public SimBridge.SimBridgeClient Client => client;
    public CallDeadlines Deadlines => deadlines;

    public async Task<OpenSessionResponse> OpenSessionAsync(OpenSessionRequest request, CancellationToken cancel)
    {
        var opened = await CallAsync($"OpenSession (scene '{request.SceneId}')", deadlines.Floor, d => client.OpenSessionAsync(request, deadline: d, cancellationToken: cancel), cancel);
        _bridgeFailed = false;
        return opened;
    }

    public Task<ResetResponse> ResetAsync(ResetRequest request, CancellationToken cancel) =>
        CallAsync("Reset", deadlines.Floor, d => client.ResetAsync(request, deadline: d, cancellationToken: cancel), cancel);

    /// <param name="simulatedSeconds">The simulated time the chunk covers, which sizes its deadline.</param>
    public async Task<StepResponse> StepAsync(StepRequest request, double simulatedSeconds, CancellationToken cancel)
    {
        var call = $"Step ({request.Periods.Count} period(s), {simulatedSeconds:0.###} s simulated)";
        var timeout = deadlines.ForStep(simulatedSeconds);
        if (!_streams.TryGetValue(request.SessionId, out var stream))
        {
            _streams[request.SessionId] = stream = new StepStream(client, cancel);
        }
        var clock = Stopwatch.StartNew();
        try
        {
            return await stream.StepAsync(request, timeout, cancel);
        }
        catch (RpcException e)
        {
            // A failed stream is not used again; the bridge's answer (a bad request) stays an RpcException.
            _streams.Remove(request.SessionId);
            await stream.DisposeAsync();
            if (!BridgeCallException.IsTransportFailure(e, cancel)) throw;
            throw await DescribeAsync(call, timeout, clock.Elapsed, e, cancel);
        }
        catch (InvalidOperationException e) when (!cancel.IsCancellationRequested)
        {
            // Writing to a stream the bridge already ended (its process died between two chunks).
            _streams.Remove(request.SessionId);
            await stream.DisposeAsync();
            _bridgeFailed = true;
            throw new BridgeCallException($"bridge at {address} ended the step stream during {call} after {clock.Elapsed.TotalSeconds:0.0} s: {e.Message}", e);
        }
    }

    public Task<SetStateResponse> SetStateAsync(SetStateRequest request, CancellationToken cancel) =>
        CallAsync("SetState", deadlines.Floor, d => client.SetStateAsync(request, deadline: d, cancellationToken: cancel), cancel);

    public Task<RenderResponse> RenderAsync(RenderRequest request, CancellationToken cancel) =>
        CallAsync($"Render (camera '{request.Camera}')", deadlines.Floor, d => client.RenderAsync(request, deadline: d, cancellationToken: cancel), cancel);

    public Task<GetBodyStatesResponse> GetBodyStatesAsync(GetBodyStatesRequest request, CancellationToken cancel) =>
        CallAsync("GetBodyStates", deadlines.Floor, d => client.GetBodyStatesAsync(request, deadline: d, cancellationToken: cancel), cancel);

    /// <summary>Closes a session and ignores failures: the bridge reclaims idle sessions itself.</summary>
    public async Task CloseQuietlyAsync(string sessionId)
    {
        if (_streams.Remove(sessionId, out var stream)) await stream.DisposeAsync();
        if (_bridgeFailed) return;
        try
        {
            await client.CloseSessionAsync(new CloseSessionRequest { SessionId = sessionId }, deadline: DateTime.UtcNow + deadlines.HealthProbe);
        }
        catch (RpcException)
        {
            // A failed close loses nothing recorded.
        }
    }

    /// <summary>Whether the bridge answers GetCapabilities within the probe time.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancel)
    {
        try
        {
            await client.GetCapabilitiesAsync(new GetCapabilitiesRequest(), deadline: DateTime.UtcNow + deadlines.HealthProbe, cancellationToken: cancel);
            return true;
        }
        catch (RpcException e) when (!cancel.IsCancellationRequested || e.StatusCode != StatusCode.Cancelled)
        {
            return false;
        }
    }

    private async Task<T> CallAsync<T>(string call, TimeSpan timeout, Func<DateTime, AsyncUnaryCall<T>> start, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await start(DateTime.UtcNow + timeout);
        }
        catch (RpcException e) when (BridgeCallException.IsTransportFailure(e, cancel))
        {
            throw await DescribeAsync(call, timeout, clock.Elapsed, e, cancel);
        }
    }

    private async Task<BridgeCallException> DescribeAsync(string call, TimeSpan timeout, TimeSpan elapsed, RpcException e, CancellationToken cancel)
    {
        _bridgeFailed = true;
        if (e.StatusCode != StatusCode.DeadlineExceeded)
        {
            return new BridgeCallException($"bridge at {address} failed during {call} after {elapsed.TotalSeconds:0.0} s: {e.StatusCode}: {Detail(e)}", e);
        }
        var alive = await ProbeAsync(cancel);
        var probe = alive
            ? "it still answers a health probe (the call itself hung)"
            : $"it did not answer a health probe within {deadlines.HealthProbe.TotalSeconds:0.#} s either (hung)";
        return new BridgeCallException($"bridge at {address} did not answer {call} within {timeout.TotalSeconds:0.0} s; {probe}", e);
    }

    private static string Detail(RpcException e) =>
        !string.IsNullOrWhiteSpace(e.Status.Detail) ? e.Status.Detail : e.Status.DebugException?.Message ?? "no detail";
}
