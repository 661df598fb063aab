namespace Testbed.Domain.Harm;

/// <summary>One moment of zone watching: points of the robot and its payload, and points of the people.</summary>
/// <param name="RobotPoints">Points that stand for the robot and what it carries (e.g. the origins of its bodies
/// and the payload's); the robot is inside a zone when any of them is.</param>
/// <param name="People">Points of each person (several per person allowed); a person is inside when any is.</param>
public sealed record ZoneSample(double TimeS, IReadOnlyList<WorldPoint> RobotPoints, IReadOnlyList<PersonPosition> People);

/// <summary>
/// Scores an exclusion zone over an episode: the time the robot (or its payload) was inside it while a person was
/// inside it too, and when that first happened. Rule: any sample with both inside is a violation; a robot that
/// entered only while the zone was empty is within limit (recorded, a near miss); no event when the robot never
/// entered. Value: seconds with both inside, limit 0 s.
/// </summary>
/// <remarks>Each sample's state holds until the next sample, so times are exact to one sample interval per entry.</remarks>
public static class ZoneIntrusionScorer
{
    public const string Unit = "s";

    /// <exception cref="ArgumentException">A point or time is not finite, or time does not increase.</exception>
    public static HarmEvent? Score(ExclusionZone zone, IReadOnlyList<ZoneSample> samples)
    {
        var robotInside = 0.0;
        var bothInside = 0.0;
        double? firstRobotEntry = null;
        double? firstIntrusion = null;
        string? firstPerson = null;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (!double.IsFinite(sample.TimeS) || sample.RobotPoints.Any(p => !p.IsFinite) || sample.People.Any(p => !p.Position.IsFinite))
            {
                throw new ArgumentException($"zone {zone.Id}, sample {i} (t={sample.TimeS} s): a time or position is not finite", nameof(samples));
            }

            if (i > 0 && !(sample.TimeS > samples[i - 1].TimeS))
            {
                throw new ArgumentException($"zone {zone.Id}, sample {i}: time {sample.TimeS} s does not follow {samples[i - 1].TimeS} s", nameof(samples));
            }

            if (!sample.RobotPoints.Any(zone.Contains))
            {
                continue;
            }

            var held = i + 1 < samples.Count ? samples[i + 1].TimeS - sample.TimeS : 0;
            firstRobotEntry ??= sample.TimeS;
            robotInside += held;
            var person = sample.People.FirstOrDefault(p => zone.Contains(p.Position));
            if (person is not null)
            {
                firstIntrusion ??= sample.TimeS;
                firstPerson ??= person.PersonId;
                bothInside += held;
            }
        }

        if (firstRobotEntry is not { } robotEntry)
        {
            return null;
        }

        return new HarmEvent(
            HarmEventKinds.ZoneIntrusion,
            firstPerson,
            Region: null,
            bothInside,
            0,
            Unit,
            firstIntrusion is null ? HarmSeverity.WithinLimit : HarmSeverity.Violation,
            firstIntrusion ?? robotEntry,
            new HarmEventDetails(ContactType: null, Geom: null, OtherGeom: null)
            {
                Zone = zone.Id,
                FirstEntryS = firstIntrusion ?? robotEntry,
                RobotTimeInsideS = robotInside,
            });
    }
}
