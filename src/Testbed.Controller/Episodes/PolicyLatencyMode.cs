namespace Testbed.Controller.Episodes;

/// <summary>What the simulation does while a policy server thinks (`--latency`).</summary>
public enum PolicyLatencyMode
{
    /// <summary>It waits: the chunk applies as if the answer came at once; each call's latency is only recorded.</summary>
    Wait,

    /// <summary>It runs on, holding the last targets, for the call's measured latency rounded up to whole control
    /// periods, before the new chunk applies: a slow policy acts late, as on a real robot.</summary>
    Real,
}

/// <summary>The ids `--latency`, manifests and records use for <see cref="PolicyLatencyMode"/>.</summary>
public static class PolicyLatencyModeIds
{
    public const string Wait = "wait";
    public const string Real = "real";

    public static string ToId(this PolicyLatencyMode mode) => mode == PolicyLatencyMode.Real ? Real : Wait;

    /// <exception cref="FormatException">Not "wait" or "real".</exception>
    public static PolicyLatencyMode Parse(string id) => id switch
    {
        Wait => PolicyLatencyMode.Wait,
        Real => PolicyLatencyMode.Real,
        _ => throw new FormatException($"latency mode '{id}'; expected {Wait} or {Real}"),
    };

    /// <summary>Whole control periods the last targets are held for a call that took <paramref name="latencyS"/>:
    /// the new targets can first apply at the period boundary at or after the answer's arrival, so the latency is
    /// rounded up (a millionth of a period of tolerance keeps an exact multiple from gaining a period by rounding error).</summary>
    public static int HeldPeriods(double latencyS, double controlPeriodS) =>
        latencyS <= 0 ? 0 : (int)Math.Ceiling((latencyS / controlPeriodS) - 1e-6);
}
