namespace Testbed.Domain.Harm;

/// <summary>
/// Joins the force samples of one geom pair, which arrive in pieces (one per Step call, and a new piece after every
/// separation), into whole contacts. A contact runs from its first step with a force above zero to its last; a
/// separation of at most <see cref="HysteresisS"/> is part of the contact (its steps count as zero force), so
/// numerical chatter never restarts ISO/TS 15066's transient window, while two hits further apart stay two contacts.
/// </summary>
public sealed class ContactTimelineBuilder
{
    /// <summary>Default hysteresis: far longer than contact chatter (single steps), shorter than a human's reaction
    /// time (about 0.1–0.2 s), so that a person struck twice is recorded as struck twice.</summary>
    public const double DefaultHysteresisS = 0.05;

    private readonly List<Segment> _closed = [];
    private Segment? _open;

    public ContactTimelineBuilder(double stepS, double hysteresisS = DefaultHysteresisS)
    {
        if (!(stepS > 0) || !double.IsFinite(stepS)) throw new ArgumentOutOfRangeException(nameof(stepS), stepS, "the physics step must be a positive time");
        if (!(hysteresisS >= 0) || !double.IsFinite(hysteresisS)) throw new ArgumentOutOfRangeException(nameof(hysteresisS), hysteresisS, "the hysteresis must be a finite time >= 0");
        StepS = stepS;
        HysteresisS = hysteresisS;
        _hysteresisSteps = (long)Math.Round(hysteresisS / stepS);
    }

    private readonly long _hysteresisSteps;

    public double StepS { get; }

    public double HysteresisS { get; }

    private sealed class Segment(long firstStep)
    {
        public long FirstStep { get; } = firstStep;
        public List<double> Forces { get; } = [];
        public long EndStep => FirstStep + Forces.Count;
    }

    /// <summary>Adds the samples of one piece, in time order: sample i at step <paramref name="firstStep"/> + i.</summary>
    public void Add(long firstStep, IReadOnlyList<double> forcesN)
    {
        if (forcesN.Count == 0) return;
        if (_open is not null && firstStep - _open.EndStep > _hysteresisSteps)
        {
            _closed.Add(_open);
            _open = null;
        }
        if (_open is null)
        {
            _open = new Segment(firstStep);
            _open.Forces.AddRange(forcesN);
            return;
        }
        for (var s = _open.EndStep; s < firstStep; s++) _open.Forces.Add(0);
        for (var i = 0; i < forcesN.Count; i++)
        {
            var index = firstStep + i - _open.FirstStep;
            // Pieces do not overlap; if one ever did, keep the larger force rather than drop a sample.
            if (index < _open.Forces.Count) _open.Forces[(int)index] = Math.Max(_open.Forces[(int)index], forcesN[i]);
            else _open.Forces.Add(forcesN[i]);
        }
    }

    /// <summary>Every contact so far with a force above zero, trimmed to its first and last pressing step.</summary>
    public IReadOnlyList<(long FirstStep, double[] ForcesN)> Contacts()
    {
        var result = new List<(long, double[])>();
        foreach (var segment in _open is null ? _closed : [.. _closed, _open])
        {
            var first = segment.Forces.FindIndex(f => f > 0);
            if (first < 0) continue; // within the contact margin, never pressed: not a touch
            var last = segment.Forces.FindLastIndex(f => f > 0);
            result.Add((segment.FirstStep + first, segment.Forces.GetRange(first, last - first + 1).ToArray()));
        }
        return result;
    }
}
