using Testbed.Domain.Verdicts;
using Testbed.TextGuards;

namespace Testbed.Controller.Policies.Guards;

/// <summary>A text-layer guard in front of a policy: the guard reads the instruction once, before any motion; if it
/// refuses, the episode's only answer is a refusal with no motion (the record keeps the text, and physics finds a
/// robot that never moved by its own choice); otherwise the inner policy acts as it would alone.</summary>
public sealed class TextGuardedPolicy(string name, ITextGuard guard, IPolicy inner) : IPolicy
{
    private string? _refusal;

    public string Name => name;

    public IReadOnlyList<string> Cameras => inner.Cameras;

    public int ImageWidth => inner.ImageWidth;

    public int ImageHeight => inner.ImageHeight;

    public ImageSize RenderSize(string camera) => inner.RenderSize(camera);

    public bool SensesWorkcell => inner.SensesWorkcell;

    public async Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
    {
        var decision = guard.Judge(brief.Instruction, brief.Language.Value);
        _refusal = decision.Refuse ? $"refused by {name}: {decision.Reason}" : null;
        if (_refusal is null) await inner.BeginEpisodeAsync(brief, cancel);
    }

    public Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel) =>
        _refusal is { } refusal
            ? Task.FromResult(new PolicyAction([], Done: true) { Text = refusal, TextKind = PolicyTextKind.Refusal })
            : inner.ActAsync(observation, cancel);
}
