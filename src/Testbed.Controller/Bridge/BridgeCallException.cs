using Grpc.Core;

namespace Testbed.Controller.Bridge;

/// <summary>A bridge call that failed in transport: the bridge is unreachable, crashed or hung. The simulation
/// state of the session is unknown afterwards, so the episode can only be re-run from reset. Errors the bridge
/// answered on purpose (a bad scene, a bad request) stay <see cref="RpcException"/>.</summary>
public sealed class BridgeCallException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Whether a failed call means the bridge itself is gone or hung (as opposed to an answer).</summary>
    public static bool IsTransportFailure(RpcException e, CancellationToken cancel) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted => true,
        // The server closed the stream under us (a crashed process) surfaces as Cancelled or Internal/Unknown
        // carrying the I/O error, not as an answer of the bridge.
        StatusCode.Cancelled => !cancel.IsCancellationRequested,
        StatusCode.Internal or StatusCode.Unknown => e.Status.DebugException is IOException or HttpRequestException
            || e.Status.DebugException?.InnerException is IOException or HttpRequestException,
        _ => false,
    };
}
