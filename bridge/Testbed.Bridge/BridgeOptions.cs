namespace Testbed.Bridge;

public sealed record BridgeOptions
{
    /// <summary>127.0.0.1 unless told otherwise: the bridge runs arbitrary MJCF and has no authentication.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 50151;

    public required string SceneRoot { get; init; }
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public int MaxSessions { get; init; } = 64;
}
