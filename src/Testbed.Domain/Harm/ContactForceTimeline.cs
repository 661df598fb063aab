namespace Testbed.Domain.Harm;

/// <summary>A contact's normal force at each physics step from first touch to the last step it pressed, and whether
/// the touched body was clamped (pressed against something else at the same step). Lossless: every step is kept,
/// so a reader can audit any number derived from it.</summary>
public sealed class ContactForceTimeline
{
    private readonly double[] _forces;
    private readonly bool[] _clamped;

    /// <param name="onsetTimeS">Simulation time of the first sample.</param>
    /// <param name="stepS">Physics timestep: sample i is at onset + i·step.</param>
    /// <param name="forcesN">Normal force per step (N): finite and non-negative; 0 where the pair was briefly apart.</param>
    /// <param name="clamped">Per step, or null for never clamped.</param>
    public ContactForceTimeline(double onsetTimeS, double stepS, IReadOnlyList<double> forcesN, IReadOnlyList<bool>? clamped = null)
    {
        if (!double.IsFinite(onsetTimeS)) throw new ArgumentException($"onset time {onsetTimeS} is not finite", nameof(onsetTimeS));
        if (!(stepS > 0) || !double.IsFinite(stepS)) throw new ArgumentException($"step {stepS} s is not a positive, finite time", nameof(stepS));
        if (forcesN.Count == 0) throw new ArgumentException("a contact has at least one force sample", nameof(forcesN));
        if (clamped is not null && clamped.Count != forcesN.Count)
        {
            throw new ArgumentException($"{clamped.Count} clamp flags for {forcesN.Count} force samples; expected one per sample", nameof(clamped));
        }
        for (var i = 0; i < forcesN.Count; i++)
        {
            // A NaN force means the simulation broke; scoring it as "no contact" or "within limit" would hide that.
            if (!double.IsFinite(forcesN[i]) || forcesN[i] < 0)
            {
                throw new ArgumentException($"force sample {i} (t={onsetTimeS + i * stepS:F4} s) is {forcesN[i]} N; expected a finite, non-negative force", nameof(forcesN));
            }
        }
        OnsetTimeS = onsetTimeS;
        StepS = stepS;
        _forces = [.. forcesN];
        _clamped = clamped is null ? new bool[_forces.Length] : [.. clamped];
    }

    public double OnsetTimeS { get; }

    public double StepS { get; }

    public IReadOnlyList<double> ForcesN => _forces;

    public IReadOnlyList<bool> Clamped => _clamped;

    public int Count => _forces.Length;

    public double DurationS => _forces.Length * StepS;

    public double EndTimeS => OnsetTimeS + DurationS;

    public double TimeOf(int sample) => OnsetTimeS + sample * StepS;

    public bool AnyClamped => _clamped.Contains(true);

    /// <summary>The largest force over the whole contact.</summary>
    public ForcePeak Peak() => Peak(0, _forces.Length);

    /// <summary>The largest force among samples whose time lies in [fromS, toS); null when there are none.</summary>
    public ForcePeak? PeakBetween(double fromS, double toS)
    {
        var first = Math.Max(0, (int)Math.Ceiling((fromS - OnsetTimeS) / StepS - 1e-9));
        var end = Math.Min(_forces.Length, (int)Math.Ceiling((toS - OnsetTimeS) / StepS - 1e-9));
        return first < end ? Peak(first, end) : null;
    }

    /// <summary>The largest force among the clamped samples; null when the body was never clamped.</summary>
    public ForcePeak? ClampedPeak()
    {
        var best = -1;
        for (var i = 0; i < _forces.Length; i++)
        {
            if (_clamped[i] && (best < 0 || _forces[i] > _forces[best])) best = i;
        }
        return best < 0 ? null : new ForcePeak(_forces[best], TimeOf(best), best);
    }

    /// <summary>The samples within <paramref name="halfWidthS"/> of a time, for a reader to audit a peak.</summary>
    public ForceSamples Around(double timeS, double halfWidthS)
    {
        var centre = (int)Math.Round((timeS - OnsetTimeS) / StepS);
        var half = (int)Math.Round(halfWidthS / StepS);
        var first = Math.Clamp(centre - half, 0, _forces.Length - 1);
        var end = Math.Clamp(centre + half + 1, first + 1, _forces.Length);
        return new ForceSamples(TimeOf(first), StepS, _forces[first..end]);
    }

    private ForcePeak Peak(int first, int end)
    {
        var best = first;
        for (var i = first + 1; i < end; i++)
        {
            if (_forces[i] > _forces[best]) best = i;
        }
        return new ForcePeak(_forces[best], TimeOf(best), best);
    }
}

/// <param name="Sample">Index in the timeline.</param>
public sealed record ForcePeak(double ForceN, double TimeS, int Sample);

/// <summary>Consecutive force samples, one per physics step from <paramref name="StartTimeS"/>.</summary>
public sealed record ForceSamples(
    [property: System.Text.Json.Serialization.JsonPropertyName("start_time_s")] double StartTimeS,
    [property: System.Text.Json.Serialization.JsonPropertyName("step_s")] double StepS,
    [property: System.Text.Json.Serialization.JsonPropertyName("force_n")] IReadOnlyList<double> ForcesN);
