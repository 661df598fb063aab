using Grpc.Core;
using Grpc.Net.Client;
using Testbed.Sim.V1;

namespace Testbed.Controller.Bridge;

/// <summary>A gRPC connection to a simulator bridge (any engine that implements testbed.sim.v1).</summary>
public sealed class BridgeConnection : IDisposable
{
    public const int MaxMessageBytes = 64 * 1024 * 1024;
    private readonly GrpcChannel _channel;

    private BridgeConnection(Uri address, GrpcChannel channel, SimBridge.SimBridgeClient client, Capabilities capabilities)
    {
        Address = address;
        _channel = channel;
        Client = client;
        Capabilities = capabilities;
    }

    public Uri Address { get; }
    public SimBridge.SimBridgeClient Client { get; }
    public Capabilities Capabilities { get; }

    /// <summary>Connects and asks for the bridge's capabilities, so an address with no bridge behind it fails
    /// here with a clear message rather than in the middle of an episode.</summary>
    public static async Task<BridgeConnection> ConnectAsync(string address, TimeSpan timeout, CancellationToken cancel = default)
    {
        var uri = ParseAddress(address);
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
        try
        {
            var client = new SimBridge.SimBridgeClient(channel);
            var capabilities = await client.GetCapabilitiesAsync(new GetCapabilitiesRequest(),
                deadline: DateTime.UtcNow + timeout, cancellationToken: cancel);
            return new BridgeConnection(uri, channel, client, capabilities);
        }
        catch (RpcException e)
        {
            channel.Dispose();
            throw new BridgeUnreachableException(
                $"no simulator bridge answered at {uri} ({e.StatusCode}: {e.Status.Detail}); start one with `./testbed bridge serve` or leave out --bridge to use the embedded bridge", e);
        }
    }

    /// <summary>Accepts "host:port", "http://host:port" (h2c, no TLS) or "https://host:port".</summary>
    public static Uri ParseAddress(string address)
    {
        var text = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.IsDefaultPort && !address.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"bridge address '{address}' is not valid; expected host:port or http://host:port, e.g. 127.0.0.1:50151");
        }
        return uri;
    }

    public void Dispose() => _channel.Dispose();
}

public sealed class BridgeUnreachableException(string message, Exception? inner) : Exception(message, inner);
