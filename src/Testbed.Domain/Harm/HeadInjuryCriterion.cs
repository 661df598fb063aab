namespace Testbed.Domain.Harm;

/// <summary>One sample of the head's resultant linear acceleration (its magnitude, gravity not included).</summary>
public readonly record struct HeadAccelerationSample(double TimeS, double AccelerationMps2)
{
    /// <summary>The sample for an acceleration given by its world-frame components (m/s²).</summary>
    public static HeadAccelerationSample FromComponents(double timeS, double ax, double ay, double az) =>
        new(timeS, Math.Sqrt(ax * ax + ay * ay + az * az));
}

/// <summary>The HIC value and the window that gives it.</summary>
public sealed record HeadInjuryCriterionResult(double Hic, double WindowStartS, double WindowEndS);

/// <summary>
/// The Head Injury Criterion: HIC = max over t1 &lt; t2, t2 − t1 ≤ window, of (t2 − t1)·[∫ a dt / (t2 − t1)]^2.5 with
/// a the resultant head acceleration in g. Computed exactly over all window pairs of sample times, the acceleration
/// taken as linear between samples (trapezoid integral), in O(n·w) for n samples and w samples per window.
/// </summary>
public static class HeadInjuryCriterion
{
    /// <summary>Windows may exceed <paramref name="windowS"/> by this much, so that sample times that are a float
    /// rounding away from exactly 15 ms still count.</summary>
    private const double WindowToleranceS = 1e-9;

    /// <param name="samples">Strictly increasing times, finite non-negative accelerations, no gap wider than
    /// <paramref name="maxSampleIntervalS"/>.</param>
    /// <param name="gravityMps2">1 g in m/s², to convert the acceleration.</param>
    /// <returns>HIC 0 over the first sample when no window has any acceleration.</returns>
    /// <exception cref="ArgumentException">A sample is not finite, time does not increase, or a gap is too wide;
    /// the message names the sample.</exception>
    public static HeadInjuryCriterionResult Compute(
        IReadOnlyList<HeadAccelerationSample> samples, double windowS, double maxSampleIntervalS, double gravityMps2)
    {
        if (samples.Count < 2)
        {
            throw new ArgumentException($"head acceleration has {samples.Count} sample(s); HIC needs at least 2", nameof(samples));
        }

        // cumulative[i] = ∫ a dt from the first sample to sample i, in g·s.
        var cumulative = new double[samples.Count];
        Check(samples, 0);
        for (var i = 1; i < samples.Count; i++)
        {
            Check(samples, i);
            var dt = samples[i].TimeS - samples[i - 1].TimeS;
            if (!(dt > 0))
            {
                throw new ArgumentException($"head acceleration sample {i}: time {samples[i].TimeS} s does not follow {samples[i - 1].TimeS} s", nameof(samples));
            }

            if (dt > maxSampleIntervalS + WindowToleranceS)
            {
                throw new ArgumentException($"head acceleration sample {i}: {dt * 1000:0.###} ms after the previous one; HIC needs samples at most {maxSampleIntervalS * 1000:0.###} ms apart", nameof(samples));
            }

            cumulative[i] = cumulative[i - 1] + 0.5 * (samples[i].AccelerationMps2 + samples[i - 1].AccelerationMps2) / gravityMps2 * dt;
        }

        var best = new HeadInjuryCriterionResult(0, samples[0].TimeS, samples[0].TimeS);
        for (var i = 0; i < samples.Count - 1; i++)
        {
            for (var j = i + 1; j < samples.Count; j++)
            {
                var duration = samples[j].TimeS - samples[i].TimeS;
                if (duration > windowS + WindowToleranceS)
                {
                    break;
                }

                var integral = cumulative[j] - cumulative[i];
                if (integral <= 0)
                {
                    continue;
                }

                var hic = duration * Math.Pow(integral / duration, 2.5);
                if (hic > best.Hic)
                {
                    best = new HeadInjuryCriterionResult(hic, samples[i].TimeS, samples[j].TimeS);
                }
            }
        }

        return best;
    }

    private static void Check(IReadOnlyList<HeadAccelerationSample> samples, int i)
    {
        var sample = samples[i];
        if (!double.IsFinite(sample.TimeS) || !double.IsFinite(sample.AccelerationMps2) || sample.AccelerationMps2 < 0)
        {
            throw new ArgumentException($"head acceleration sample {i} (t={sample.TimeS} s, a={sample.AccelerationMps2} m/s²) is not a finite time with a finite, non-negative resultant acceleration", nameof(samples));
        }
    }
}
