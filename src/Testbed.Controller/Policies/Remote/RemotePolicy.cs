using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Testbed.Controller.Policies.Transport;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Policies.Remote;

/// <summary>What a policy server answered to one observation, before the config maps it onto the robot.</summary>
/// <param name="Rows">The action chunk as the server sent it, one row per step.</param>
/// <param name="Text">What the policy said beside the actions (a refusal, a warning); null when nothing.</param>
/// <param name="TextKind">Whether the server says its text refuses or warns; None when it did not say.</param>
public sealed record ServerReply(IReadOnlyList<double[]> Rows, string? Text, PolicyTextKind TextKind = PolicyTextKind.None);

/// <summary>The part every adapter to a policy server shares: the name with the config's hash, the cameras to
/// render, the call deadline, retries of transient transport failures, the action mapping and the latency of each
/// call. An adapter only speaks its protocol, and throws <see cref="PolicyUnreachableException"/> for the failures that
/// may be tried again.</summary>
public abstract class RemotePolicy(PolicyAddress address, PolicyConfig config) : IPolicy, IPolicyServer, IAsyncDisposable
{
    private EpisodeBrief? _brief;
    private readonly List<string> _retries = [];

    public PolicyAddress Address { get; } = address;

    protected PolicyConfig Config { get; } = config;

    public string Name { get; } = NameOf(address, config);

    /// <summary>Scene cameras, in the order of <see cref="PolicyCameras"/>.</summary>
    public IReadOnlyList<string> Cameras => PolicyCameras.Select(SceneCamera).ToArray();

    public virtual int ImageWidth => Config.ImageWidth;

    public virtual int ImageHeight => Config.ImageHeight;

    /// <summary>The config's size for the policy camera shown by <paramref name="camera"/>, else the policy's one size.</summary>
    public virtual ImageSize RenderSize(string camera) =>
        Config.CameraSizes.TryGetValue(PolicyCamera(camera), out var size) ? size : new ImageSize(ImageWidth, ImageHeight);

    /// <summary>The cameras by the names the policy knows them.</summary>
    protected abstract IReadOnlyList<string> PolicyCameras { get; }

    /// <summary>What the rows of the server's chunks mean.</summary>
    protected virtual ActionConvention Convention => Config.ActionConvention ?? ActionConvention.AbsoluteJointPositions;

    protected TimeSpan CallTimeout => TimeSpan.FromSeconds(Config.CallTimeoutS);

    public static string NameOf(PolicyAddress address, PolicyConfig config) => $"{address.Text}#config-{config.Hash()}";

    protected string SceneCamera(string policyCamera) => Config.Cameras.TryGetValue(policyCamera, out var scene) ? scene : DefaultSceneCamera(policyCamera);

    /// <summary>The scene camera of a policy camera the config does not map: by default the camera of that name.</summary>
    protected virtual string DefaultSceneCamera(string policyCamera) => policyCamera;

    protected string PolicyCamera(string sceneCamera) =>
        PolicyCameras.FirstOrDefault(c => SceneCamera(c) == sceneCamera) ?? sceneCamera;

    public IReadOnlyList<string> CallRetries => _retries;

    public async Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
    {
        _brief = brief;
        await TryAsync("the episode's start", 0, async token =>
        {
            await BeginAsync(brief, Config.Prompt(brief.Instruction), token);
            return true;
        }, $"policy server {Address.Text} did not answer the episode's start within {Config.CallTimeoutS} s", cancel);
    }

    public async Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var brief = _brief ?? throw new InvalidOperationException("ActAsync before BeginEpisodeAsync");
        var clock = Stopwatch.StartNew();
        var asked = observation with { Instruction = Config.Prompt(observation.Instruction) };
        // The latency is the robot's wait for its next command: retries and their back-off included.
        var reply = await TryAsync("act", observation.TimeS, token => QueryAsync(asked, token),
            $"policy server {Address.Text} did not answer within {Config.CallTimeoutS} s", cancel);
        var latency = clock.Elapsed.TotalSeconds;
        var targets = Convention.IsEndEffector()
            ? await Actions.EndEffectorActions.TargetsAsync(reply.Rows, brief, observation.JointPositions, Config, Convention, cancel)
            : ActionChunkReading.Targets(reply.Rows, brief, observation.JointPositions, Config, Convention);
        return new PolicyAction(targets, Done: false)
        {
            Text = reply.Text, TextKind = reply.TextKind, LatencyS = latency, ServerRows = reply.Rows, Convention = Convention,
        };
    }

    /// <summary>One call, each try under the call deadline; tried again, after the configured back-off, only when the
    /// transport failed transiently (<see cref="PolicyUnreachableException"/>). Each retry is kept for the record.</summary>
    private async Task<T> TryAsync<T>(string call, double timeS, Func<CancellationToken, Task<T>> attempt, string timedOut, CancellationToken cancel)
    {
        var retries = Config.Retries;
        var pipeline = retries.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<PolicyUnreachableException>(),
                MaxRetryAttempts = retries.MaxRetries,
                Delay = retries.FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    _retries.Add(string.Create(CultureInfo.InvariantCulture,
                        $"t={timeS:F3} s: {call} try {args.AttemptNumber + 1} of {retries.MaxRetries + 1} failed: {args.Outcome.Exception?.Message}; tried again after {args.RetryDelay.TotalSeconds:0.###} s"));
                    return default;
                },
            }).Build();
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                using var deadline = Deadline(token);
                try
                {
                    return await attempt(deadline.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Never tried again: the server may have acted on a call it did not answer in time.
                    throw new TimeoutException(timedOut);
                }
            }, cancel);
        }
        catch (PolicyUnreachableException e) when (retries.MaxRetries > 0)
        {
            throw new PolicyUnreachableException($"{e.Message} ({retries.MaxRetries + 1} tries)", e);
        }
    }

    /// <summary>A token cancelled by <paramref name="cancel"/> or after the config's call timeout, whichever comes first.</summary>
    protected CancellationTokenSource Deadline(CancellationToken cancel)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        source.CancelAfter(CallTimeout);
        return source;
    }

    /// <summary>By default a TCP connection to the server's port under the call deadline: it tells a server that is
    /// down (nothing listens, the host does not answer) from one that is up. Protocols with a handshake do more.</summary>
    public virtual async Task CheckReachableAsync(CancellationToken cancel)
    {
        using var deadline = Deadline(cancel);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(Address.Host, Address.Port, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PolicyUnreachableException($"{Address.Host}:{Address.Port} did not accept a connection within {Config.CallTimeoutS} s");
        }
        catch (SocketException e)
        {
            throw new PolicyUnreachableException(ConnectFailure(e), e);
        }
    }

    /// <summary>A failed connection in words: refused (nothing listens), unknown host, unreachable network.</summary>
    protected string ConnectFailure(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"nothing listens at {Address.Host}:{Address.Port} (connection refused)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"the host '{Address.Host}' is not known ({e.Message})",
        _ => $"cannot connect to {Address.Host}:{Address.Port} ({e.SocketErrorCode}: {e.Message})",
    };

    /// <summary>Connects if need be, and tells the server a new episode starts.</summary>
    protected abstract Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel);

    protected abstract Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel);

    public abstract ValueTask DisposeAsync();
}
