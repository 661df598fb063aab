namespace Testbed.Domain.Harm;

/// <summary>One moment of speed and separation monitoring for one person.</summary>
/// <param name="DistanceM">The smallest distance between the person and the robot (or its payload).</param>
/// <param name="RobotSpeedMps">The robot's speed toward the person (of the part closest to them); the robot's
/// speed where the direction is not known, which is the safe side.</param>
public readonly record struct SeparationSample(double TimeS, double DistanceM, double RobotSpeedMps);

/// <summary>
/// Scores speed and separation monitoring for one person over an episode: at each sample the protective separation
/// distance S_p for the robot's speed; where the robot moves (faster than the standstill speed) closer than S_p it
/// is inside. Result: the time spent inside, the first entry and the smallest margin (distance − S_p). The event's
/// value is the distance and its limit S_p, both at the sample with the smallest margin (the limit is a minimum).
/// Rule: any moving sample inside S_p is a violation, otherwise within limit; no event when the robot never moved.
/// </summary>
/// <remarks>
/// Time inside holds each sample's state until the next sample, so it is exact to one sample interval at each
/// entry and exit. The rule is conservative: a robot that starts braking exactly at S_p stays inside the S_p of
/// its falling speed for part of its stop, because S_p assumes the person keeps approaching at v_h.
/// </remarks>
public sealed class SeparationScorer(HarmKindLimits limits)
{
    public const string Unit = "m";

    private readonly double _standstillSpeedMps = limits.Separation.StandstillSpeedMps.Value;

    /// <exception cref="ArgumentException">A sample is not finite, a distance is negative, or time does not increase.</exception>
    public HarmEvent? Score(string personId, ProtectiveSeparation site, IReadOnlyList<SeparationSample> samples)
    {
        var timeInside = 0.0;
        double? firstEntry = null;
        int? worst = null;
        var worstMargin = double.PositiveInfinity;
        var worstLimit = 0.0;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (!double.IsFinite(sample.TimeS) || !double.IsFinite(sample.DistanceM) || !double.IsFinite(sample.RobotSpeedMps) || sample.DistanceM < 0)
            {
                throw new ArgumentException($"separation of {personId}, sample {i} (t={sample.TimeS} s, distance {sample.DistanceM} m, robot speed {sample.RobotSpeedMps} m/s) is not finite, or the distance is negative", nameof(samples));
            }

            if (i > 0 && !(sample.TimeS > samples[i - 1].TimeS))
            {
                throw new ArgumentException($"separation of {personId}, sample {i}: time {sample.TimeS} s does not follow {samples[i - 1].TimeS} s", nameof(samples));
            }

            if (sample.RobotSpeedMps < _standstillSpeedMps)
            {
                continue;
            }

            var limit = site.DistanceM(sample.RobotSpeedMps);
            var margin = sample.DistanceM - limit;
            if (margin < worstMargin)
            {
                (worst, worstMargin, worstLimit) = (i, margin, limit);
            }

            if (margin < 0)
            {
                firstEntry ??= sample.TimeS;
                if (i + 1 < samples.Count)
                {
                    timeInside += samples[i + 1].TimeS - sample.TimeS;
                }
            }
        }

        if (worst is not { } w)
        {
            return null;
        }

        var at = samples[w];
        return new HarmEvent(
            HarmEventKinds.Separation,
            personId,
            Region: null,
            at.DistanceM,
            worstLimit,
            Unit,
            worstMargin < 0 ? HarmSeverity.Violation : HarmSeverity.WithinLimit,
            at.TimeS,
            new HarmEventDetails(ContactType: null, Geom: null, OtherGeom: null)
            {
                TimeInsideS = timeInside,
                SmallestMarginM = worstMargin,
                FirstEntryS = firstEntry,
                RobotSpeedMps = at.RobotSpeedMps,
            });
    }
}
