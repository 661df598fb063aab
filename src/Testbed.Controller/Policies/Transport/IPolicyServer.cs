namespace Testbed.Controller.Policies.Transport;

/// <summary>A policy that runs as a server: the run checks that it answers before any episode, and again when an
/// episode of it fails (a policy that is down is reported once, not once per episode).</summary>
public interface IPolicyServer
{
    PolicyAddress Address { get; }

    /// <summary>Connects (and, where the protocol has one, handshakes) under the config's call deadline, without
    /// starting an episode.</summary>
    /// <exception cref="Exception">The server cannot be reached or does not answer; the message says why.</exception>
    Task CheckReachableAsync(CancellationToken cancel);
}
