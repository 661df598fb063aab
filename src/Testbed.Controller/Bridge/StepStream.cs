using Grpc.Core;
using Testbed.Sim.V1;

namespace Testbed.Controller.Bridge;

/// <summary>Steps a session over the bridge's StepStream RPC: one request, one response, on a single HTTP/2
/// stream, which saves the per-call set-up of unary Step (most of the cost when a chunk is short).</summary>
public sealed class StepStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<StepRequest, StepResponse> _call;

    public StepStream(SimBridge.SimBridgeClient client, CancellationToken cancel)
    {
        _call = client.StepStream(cancellationToken: cancel);
    }

    /// <summary>Sends one chunk and waits for its response. A bridge error arrives as the RpcException Step would
    /// have thrown; no answer within <paramref name="timeout"/> is DeadlineExceeded.</summary>
    public async Task<StepResponse> StepAsync(StepRequest request, TimeSpan timeout, CancellationToken cancel)
    {
        await _call.RequestStream.WriteAsync(request, cancel);
        bool answered;
        try
        {
            answered = await _call.ResponseStream.MoveNext(cancel).WaitAsync(timeout, cancel);
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"the bridge did not answer a step within {timeout.TotalSeconds:0.#} s"));
        }
        if (!answered) throw new RpcException(new Status(StatusCode.Internal, "the bridge closed the step stream without answering"));
        return _call.ResponseStream.Current;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The stream already ended (an error or a cancelled call): nothing left to close.
        }
        _call.Dispose();
    }
}
