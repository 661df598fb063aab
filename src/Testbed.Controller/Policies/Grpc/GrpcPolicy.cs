using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Testbed.Controller.Policies.Remote;
using Testbed.Controller.Policies.Transport;
using Testbed.PolicyContract.V1;

namespace Testbed.Controller.Policies.Grpc;

/// <summary>Drives a policy server that offers the neutral service testbed.policy.v1: `grpc://HOST:PORT` (plaintext
/// HTTP/2) or `grpcs://HOST:PORT` (TLS, the certificate checked as the config's "tls" says). Handshake once per
/// connection, Reset per episode, Act per chunk, each call under the config's deadline. UNAVAILABLE (nothing listens,
/// the connection dropped) is transient and may be tried again, on a new connection; a refused certificate is not.</summary>
public sealed class GrpcPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    private GrpcChannel? _channel;
    private PolicyService.PolicyServiceClient? _client;
    private HandshakeResponse? _handshake;

    /// <summary>Why the last TLS handshake refused the server's certificate; null when it did not.</summary>
    private string? _tlsRefusal;

    protected override IReadOnlyList<string> PolicyCameras => _handshake?.Cameras.Select(c => c.Name).ToArray() ?? [];

    public override int ImageWidth => _handshake?.Cameras.FirstOrDefault() is { WidthPx: > 0 } c ? (int)c.WidthPx : Config.ImageWidth;

    public override int ImageHeight => _handshake?.Cameras.FirstOrDefault() is { HeightPx: > 0 } c ? (int)c.HeightPx : Config.ImageHeight;

    /// <summary>The config's size for the camera where it gives one, else the size the handshake asked for that
    /// camera, else the policy's one size.</summary>
    public override ImageSize RenderSize(string camera)
    {
        var policyCamera = PolicyCamera(camera);
        if (Config.CameraSizes.ContainsKey(policyCamera)) return base.RenderSize(camera);
        return _handshake?.Cameras.FirstOrDefault(c => c.Name == policyCamera) is { WidthPx: > 0, HeightPx: > 0 } wanted
            ? new ImageSize((int)wanted.WidthPx, (int)wanted.HeightPx)
            : base.RenderSize(camera);
    }

    private Policies.ActionConvention? _serverConvention;

    protected override Policies.ActionConvention Convention =>
        Config.ActionConvention ?? _serverConvention ?? Policies.ActionConvention.AbsoluteJointPositions;

    protected override async Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel)
    {
        _handshake ??= await Call("Handshake", c => c.HandshakeAsync(new HandshakeRequest { Client = "testbed" }, cancellationToken: cancel));
        CheckHandshake(_handshake, brief);
        var reset = new ResetRequest { Instruction = prompt, Language = brief.Language.Value };
        reset.ActuatorNames.AddRange(brief.Actuators);
        reset.JointPositionsRad.AddRange(brief.StartPositions);
        await Call("Reset", c => c.ResetAsync(reset, cancellationToken: cancel));
    }

    protected override async Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var act = new ActRequest { TimeS = observation.TimeS, Instruction = observation.Instruction };
        act.JointPositionsRad.AddRange(observation.JointPositions);
        foreach (var (camera, image) in observation.Images)
        {
            act.Images.Add(new PolicyContract.V1.CameraImage
            {
                Camera = PolicyCamera(camera), WidthPx = (uint)image.Width, HeightPx = (uint)image.Height, Rgb8 = ByteString.CopyFrom(image.Rgb.Span),
            });
        }
        var reply = await Call("Act", c => c.ActAsync(act, cancellationToken: cancel));
        return new ServerReply(reply.Actions.Select(r => r.Values.ToArray()).ToArray(), reply.Text.Length == 0 ? null : reply.Text, TextKind(reply.TextKind));
    }

    /// <summary>The contract's text kind in the domain's terms; a value this client does not know (a newer server)
    /// counts as a remark, as unclassified text does.</summary>
    private static Domain.Verdicts.PolicyTextKind TextKind(PolicyContract.V1.PolicyTextKind kind) => kind switch
    {
        PolicyContract.V1.PolicyTextKind.Unspecified => Domain.Verdicts.PolicyTextKind.None,
        PolicyContract.V1.PolicyTextKind.Remark => Domain.Verdicts.PolicyTextKind.Remark,
        PolicyContract.V1.PolicyTextKind.Warning => Domain.Verdicts.PolicyTextKind.Warning,
        PolicyContract.V1.PolicyTextKind.Refusal => Domain.Verdicts.PolicyTextKind.Refusal,
        _ => Domain.Verdicts.PolicyTextKind.Remark,
    };

    /// <summary>The policy must fit the robot before any episode starts: its dimension, and a convention the config agrees with.</summary>
    private void CheckHandshake(HandshakeResponse handshake, EpisodeBrief brief)
    {
        if (handshake.ActionDimension != brief.Actuators.Count)
        {
            throw new PolicyReplyException(
                $"policy '{handshake.PolicyName}' at {Address.Text} acts in {handshake.ActionDimension} dimensions; the robot has {brief.Actuators.Count} actuators ({string.Join(", ", brief.Actuators)})");
        }
        var convention = handshake.ActionConvention switch
        {
            global::Testbed.PolicyContract.V1.ActionConvention.AbsoluteJointPositions => Policies.ActionConvention.AbsoluteJointPositions,
            global::Testbed.PolicyContract.V1.ActionConvention.JointDeltas => Policies.ActionConvention.JointDeltas,
            _ => (Policies.ActionConvention?)null,
        };
        _serverConvention = convention;
        if (convention is { } c && Config.ActionConvention is { } configured && c != configured)
        {
            throw new PolicyReplyException(
                $"policy '{handshake.PolicyName}' at {Address.Text} answers {handshake.ActionConvention}; {Config.Source} says action_convention {Config.ActionConvention} (set it to match)");
        }
    }

    /// <summary>The handshake alone, on a connection of its own: the server is up, speaks the service and, over TLS,
    /// shows a certificate this client trusts.</summary>
    public override async Task CheckReachableAsync(CancellationToken cancel)
    {
        // A plain connection first: "nothing listens" says more than the channel's UNAVAILABLE.
        await base.CheckReachableAsync(cancel);
        using var deadline = Deadline(cancel);
        try
        {
            await Call("Handshake", c => c.HandshakeAsync(new HandshakeRequest { Client = "testbed" }, cancellationToken: deadline.Token));
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PolicyUnreachableException($"Handshake to {Address.Text} got no answer within {Config.CallTimeoutS} s");
        }
        finally
        {
            Disconnect();
        }
    }

    private async Task<T> Call<T>(string rpc, Func<PolicyService.PolicyServiceClient, AsyncUnaryCall<T>> call)
    {
        try
        {
            return await call(_client ??= new PolicyService.PolicyServiceClient(_channel = Connect()));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException($"{rpc} cancelled", e);
        }
        catch (RpcException e) when (TlsFailure(e) is { } tls)
        {
            // Not transient: the same certificate would be refused again.
            Disconnect();
            throw new PolicyReplyException($"{rpc} to {Address.Text} failed: TLS handshake failed: {tls}");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            // The next try connects afresh rather than wait out the channel's own reconnect back-off.
            Disconnect();
            throw new PolicyUnreachableException($"{rpc} to {Address.Text} failed: {Describe(e)}", e);
        }
        catch (RpcException e)
        {
            throw new PolicyReplyException($"{rpc} to {Address.Text} failed: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    /// <summary>The status with its root cause, which the detail may leave out ("Error connecting to subchannel.").</summary>
    private static string Describe(RpcException e)
    {
        var root = e.Status.DebugException;
        while (root?.InnerException is not null) root = root.InnerException;
        return root is null || e.Status.Detail.Contains(root.Message, StringComparison.Ordinal)
            ? $"{e.StatusCode}: {e.Status.Detail}"
            : $"{e.StatusCode}: {e.Status.Detail} ({root.Message})";
    }

    /// <summary>Why a call's TLS handshake failed (a refused certificate, a server that does not speak TLS); null when
    /// the failure was not TLS's.</summary>
    private string? TlsFailure(RpcException e)
    {
        if (_tlsRefusal is { } refusal) return refusal;
        for (var inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } secure)
            {
                return secure.InnerException?.Message ?? secure.Message;
            }
        }
        return null;
    }

    /// <summary>A channel to the server: plaintext HTTP/2, or TLS with the certificate checked by the config.</summary>
    private GrpcChannel Connect()
    {
        _tlsRefusal = null;
        var handler = new SocketsHttpHandler { ConnectTimeout = CallTimeout, EnableMultipleHttp2Connections = true };
        if (Address.Tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    _tlsRefusal = Config.Tls.Refusal(certificate as X509Certificate2, chain, errors, Address.Host);
                    return _tlsRefusal is null;
                },
            };
        }
        return GrpcChannel.ForAddress(new UriBuilder(Address.Tls ? "https" : "http", Address.Host, Address.Port).Uri,
            new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = 64 * 1024 * 1024 });
    }

    private void Disconnect()
    {
        _channel?.Dispose();
        _channel = null;
        _client = null;
    }

    public override ValueTask DisposeAsync()
    {
        Disconnect();
        return ValueTask.CompletedTask;
    }
}
