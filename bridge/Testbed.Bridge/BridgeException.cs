namespace Testbed.Bridge;

public enum BridgeErrorKind { InvalidArgument, NotFound, PermissionDenied, FailedPrecondition, ResourceExhausted, Internal }

/// <summary>A request the bridge cannot honour. The message names the input, the problem and what was expected;
/// the gRPC service maps the kind to a status code.</summary>
public sealed class BridgeException(BridgeErrorKind kind, string message) : Exception(message)
{
    public BridgeErrorKind Kind { get; } = kind;

    public static BridgeException InvalidArgument(string message) => new(BridgeErrorKind.InvalidArgument, message);
    public static BridgeException NotFound(string message) => new(BridgeErrorKind.NotFound, message);
    public static BridgeException PermissionDenied(string message) => new(BridgeErrorKind.PermissionDenied, message);
}
