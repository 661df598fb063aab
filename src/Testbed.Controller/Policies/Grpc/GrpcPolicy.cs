using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Testbed.Controller.Policies.Remote;
using Testbed.PolicyContract.V1;

namespace Testbed.Controller.Policies.Grpc;

/// <summary>Drives a policy server that offers the neutral service testbed.policy.v1 (`grpc://HOST:PORT`, plaintext
/// HTTP/2). Handshake once per connection, Reset per episode, Act per chunk, each call under the config's deadline.</summary>
public sealed class GrpcPolicy(PolicyAddress address, PolicyConfig config) : RemotePolicy(address, config)
{
    private GrpcChannel? _channel;
    private PolicyService.PolicyServiceClient? _client;
    private HandshakeResponse? _handshake;

    protected override IReadOnlyList<string> PolicyCameras => _handshake?.Cameras.Select(c => c.Name).ToArray() ?? [];

    public override int ImageWidth => _handshake?.Cameras.FirstOrDefault() is { WidthPx: > 0 } c ? (int)c.WidthPx : Config.ImageWidth;

    public override int ImageHeight => _handshake?.Cameras.FirstOrDefault() is { HeightPx: > 0 } c ? (int)c.HeightPx : Config.ImageHeight;

    private Policies.ActionConvention? _serverConvention;

    protected override Policies.ActionConvention Convention =>
        Config.ActionConvention ?? _serverConvention ?? Policies.ActionConvention.AbsoluteJointPositions;

    protected override async Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel)
    {
        if (_client is null)
        {
            _channel = GrpcChannel.ForAddress(new UriBuilder("http", Address.Host, Address.Port).Uri,
                new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
            _client = new PolicyService.PolicyServiceClient(_channel);
        }
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

    private async Task<T> Call<T>(string rpc, Func<PolicyService.PolicyServiceClient, AsyncUnaryCall<T>> call)
    {
        try
        {
            return await call(_client!);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException($"{rpc} cancelled", e);
        }
        catch (RpcException e)
        {
            throw new PolicyReplyException($"{rpc} to {Address.Text} failed: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    public override ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        return ValueTask.CompletedTask;
    }
}
