using System.Diagnostics;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Policies.Remote;

/// <summary>What a policy server answered to one observation, before the config maps it onto the robot.</summary>
/// <param name="Rows">The action chunk as the server sent it, one row per step.</param>
/// <param name="Text">What the policy said beside the actions (a refusal, a warning); null when nothing.</param>
/// <param name="TextKind">Whether the server says its text refuses or warns; None when it did not say.</param>
public sealed record ServerReply(IReadOnlyList<double[]> Rows, string? Text, PolicyTextKind TextKind = PolicyTextKind.None);

/// <summary>The part every adapter to a policy server shares: the name with the config's hash, the cameras to
/// render, the call deadline, the action mapping and the latency of each call. An adapter only speaks its protocol.</summary>
public abstract class RemotePolicy(PolicyAddress address, PolicyConfig config) : IPolicy, IAsyncDisposable
{
    private EpisodeBrief? _brief;

    protected PolicyAddress Address { get; } = address;

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

    public async Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
    {
        _brief = brief;
        using var deadline = Deadline(cancel);
        try
        {
            await BeginAsync(brief, Config.Prompt(brief.Instruction), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"policy server {Address.Text} did not answer the episode's start within {Config.CallTimeoutS} s");
        }
    }

    public async Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var brief = _brief ?? throw new InvalidOperationException("ActAsync before BeginEpisodeAsync");
        using var deadline = Deadline(cancel);
        var clock = Stopwatch.StartNew();
        ServerReply reply;
        try
        {
            reply = await QueryAsync(observation with { Instruction = Config.Prompt(observation.Instruction) }, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"policy server {Address.Text} did not answer within {Config.CallTimeoutS} s");
        }
        var latency = clock.Elapsed.TotalSeconds;
        var targets = Convention.IsEndEffector()
            ? await Actions.EndEffectorActions.TargetsAsync(reply.Rows, brief, observation.JointPositions, Config, Convention, cancel)
            : ActionChunkReading.Targets(reply.Rows, brief, observation.JointPositions, Config, Convention);
        return new PolicyAction(targets, Done: false)
        {
            Text = reply.Text, TextKind = reply.TextKind, LatencyS = latency, ServerRows = reply.Rows, Convention = Convention,
        };
    }

    private CancellationTokenSource Deadline(CancellationToken cancel)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        source.CancelAfter(CallTimeout);
        return source;
    }

    /// <summary>Connects if need be, and tells the server a new episode starts.</summary>
    protected abstract Task BeginAsync(EpisodeBrief brief, string prompt, CancellationToken cancel);

    protected abstract Task<ServerReply> QueryAsync(PolicyObservation observation, CancellationToken cancel);

    public abstract ValueTask DisposeAsync();
}
