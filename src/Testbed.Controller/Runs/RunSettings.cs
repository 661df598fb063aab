using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;

namespace Testbed.Controller.Runs;

/// <summary>How a run executes its plan (not what it covers: that is the <see cref="RunPlan"/>).</summary>
public sealed record RunSettings
{
    /// <summary>Episodes run at once, each worker with its own bridge.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    public CallDeadlines Deadlines { get; init; } = CallDeadlines.Default;

    /// <summary>Episodes in a row that the bridge fails (after their retries) before the run aborts.</summary>
    public int MaxConsecutiveBridgeFailures { get; init; } = 3;

    /// <summary>Re-runs of an episode the bridge cut short (from reset, after the bridge is restored).</summary>
    public int BridgeRetries { get; init; } = 1;

    /// <summary>The first wait before a re-run; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>On resume, also re-run episodes recorded as errors of the episode itself.</summary>
    public bool RetryErrors { get; init; }

    /// <summary>Whether the simulation waits while a policy server thinks, or runs on (`--latency`).</summary>
    public Episodes.PolicyLatencyMode Latency { get; init; } = Episodes.PolicyLatencyMode.Wait;

    /// <summary>How often a policy server found down is checked again; until it answers, its episodes are recorded
    /// as errors without running.</summary>
    public TimeSpan PolicyRecheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Makes a fresh policy for each attempt of an episode, by the plan's policy name.</summary>
    public Func<string, IPolicy> Policies { get; init; } = PolicyCatalog.Create;
}
