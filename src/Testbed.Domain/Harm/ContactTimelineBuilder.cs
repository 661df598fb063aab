namespace Testbed.Domain.Harm;

/// <summary>
/// Assembles the force on one body-region geom, which arrives in pieces (one per Step call, one per touch, one per
/// robot or payload part touching it), into whole contacts. Forces of pieces at the same step add up: the region's
/// force is what every part together presses on it. A contact runs from its first step with a force above zero to its
/// last; a separation of at most <see cref="HysteresisS"/> is part of the contact (its steps count as zero force), so
/// numerical chatter never restarts ISO/TS 15066's transient window, while two hits further apart stay two contacts.
/// </summary>
public sealed class ContactTimelineBuilder
{
    /// <summary>Default hysteresis: far longer than contact chatter (single steps), shorter than a human's reaction
    /// time (about 0.1–0.2 s), so that a person struck twice is recorded as struck twice.</summary>
    public const double DefaultHysteresisS = 0.05;

    private readonly Dictionary<long, double> _forceAtStep = [];
    private readonly long _hysteresisSteps;

    public ContactTimelineBuilder(double stepS, double hysteresisS = DefaultHysteresisS)
    {
        if (!(stepS > 0) || !double.IsFinite(stepS)) throw new ArgumentOutOfRangeException(nameof(stepS), stepS, "the physics step must be a positive time");
        if (!(hysteresisS >= 0) || !double.IsFinite(hysteresisS)) throw new ArgumentOutOfRangeException(nameof(hysteresisS), hysteresisS, "the hysteresis must be a finite time >= 0");
        StepS = stepS;
        HysteresisS = hysteresisS;
        _hysteresisSteps = (long)Math.Round(hysteresisS / stepS);
    }

    public double StepS { get; }

    public double HysteresisS { get; }

    /// <summary>Adds the samples of one piece: sample i at step <paramref name="firstStep"/> + i.</summary>
    public void Add(long firstStep, IReadOnlyList<double> forcesN)
    {
        for (var i = 0; i < forcesN.Count; i++)
        {
            if (forcesN[i] == 0) continue;
            _forceAtStep[firstStep + i] = _forceAtStep.GetValueOrDefault(firstStep + i) + forcesN[i];
        }
    }

    /// <summary>Every contact so far, from its first to its last step with a force above zero.</summary>
    public IReadOnlyList<(long FirstStep, double[] ForcesN)> Contacts()
    {
        var result = new List<(long, double[])>();
        var steps = _forceAtStep.Where(s => s.Value > 0).Select(s => s.Key).Order().ToList();
        var start = 0;
        for (var i = 1; i <= steps.Count; i++)
        {
            if (i < steps.Count && steps[i] - steps[i - 1] - 1 <= _hysteresisSteps) continue;
            var first = steps[start];
            var forces = new double[steps[i - 1] - first + 1];
            for (var s = start; s < i; s++) forces[steps[s] - first] = _forceAtStep[steps[s]];
            result.Add((first, forces));
            start = i;
        }
        return result;
    }
}
