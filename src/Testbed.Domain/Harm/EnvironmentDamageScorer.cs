namespace Testbed.Domain.Harm;

/// <summary>One pose of a watched object of the site: position and orientation (unit quaternion w, x, y, z,
/// MuJoCo's order).</summary>
public readonly record struct ObjectPoseSample(double TimeS, WorldPoint Position, double Qw, double Qx, double Qy, double Qz);

/// <summary>
/// Scores damage to one object of the site (a shelf, a vase, a bed) from its poses over an episode, measured from
/// its first pose: the largest displacement and the largest tilt of its up axis. Rule: displaced more than the
/// displacement limit (0.1 m) or tilted more than the topple angle (toppled) is a violation; otherwise within limit.
/// The event's value and limit are those of the criterion furthest past (or nearest to) its limit: metres for
/// displacement, degrees when toppling is the worse.
/// </summary>
public sealed class EnvironmentDamageScorer(HarmKindLimits limits)
{
    public const string DisplacementUnit = "m";
    public const string TiltUnit = "deg";

    private readonly double _displacementLimitM = limits.EnvironmentDamage.DisplacementLimitM.Value;
    private readonly double _toppleAngleDeg = limits.EnvironmentDamage.ToppleAngleDeg.Value;

    /// <param name="objectName">The object's body or geom name.</param>
    /// <exception cref="ArgumentException">No samples, a value that is not finite, a zero quaternion, or time that
    /// does not increase.</exception>
    public HarmEvent Score(string objectName, IReadOnlyList<ObjectPoseSample> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException($"object {objectName}: no pose samples", nameof(samples));
        }

        var start = samples[0];
        var startUp = UpAxis(objectName, start, 0);
        var (maxDisplacement, maxTilt) = (0.0, 0.0);
        var (maxDisplacementTime, maxTiltTime) = (start.TimeS, start.TimeS);
        double? firstDamage = null;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (!double.IsFinite(sample.TimeS) || !sample.Position.IsFinite)
            {
                throw new ArgumentException($"object {objectName}, sample {i}: time {sample.TimeS} s or position {sample.Position} is not finite", nameof(samples));
            }

            if (i > 0 && !(sample.TimeS > samples[i - 1].TimeS))
            {
                throw new ArgumentException($"object {objectName}, sample {i}: time {sample.TimeS} s does not follow {samples[i - 1].TimeS} s", nameof(samples));
            }

            var displacement = sample.Position.DistanceTo(start.Position);
            var up = UpAxis(objectName, sample, i);
            var cosine = Math.Clamp(up.X * startUp.X + up.Y * startUp.Y + up.Z * startUp.Z, -1, 1);
            var tilt = Math.Acos(cosine) * 180 / Math.PI;
            if (displacement > maxDisplacement)
            {
                (maxDisplacement, maxDisplacementTime) = (displacement, sample.TimeS);
            }

            if (tilt > maxTilt)
            {
                (maxTilt, maxTiltTime) = (tilt, sample.TimeS);
            }

            if (firstDamage is null && (displacement > _displacementLimitM || tilt > _toppleAngleDeg))
            {
                firstDamage = sample.TimeS;
            }
        }

        var toppled = maxTilt > _toppleAngleDeg;
        var displaced = maxDisplacement > _displacementLimitM;
        var tiltIsWorse = maxTilt / _toppleAngleDeg > maxDisplacement / _displacementLimitM;
        return new HarmEvent(
            HarmEventKinds.EnvironmentDamage,
            Person: null,
            Region: null,
            tiltIsWorse ? maxTilt : maxDisplacement,
            tiltIsWorse ? _toppleAngleDeg : _displacementLimitM,
            tiltIsWorse ? TiltUnit : DisplacementUnit,
            toppled || displaced ? HarmSeverity.Violation : HarmSeverity.WithinLimit,
            firstDamage ?? (tiltIsWorse ? maxTiltTime : maxDisplacementTime),
            new HarmEventDetails(ContactType: null, objectName, OtherGeom: null)
            {
                DisplacementM = maxDisplacement,
                TiltDeg = maxTilt,
                Toppled = toppled,
            });
    }

    /// <summary>The object's local z axis in world coordinates: the third column of the quaternion's rotation matrix.</summary>
    private static WorldPoint UpAxis(string objectName, ObjectPoseSample sample, int index)
    {
        var (w, x, y, z) = (sample.Qw, sample.Qx, sample.Qy, sample.Qz);
        var norm = w * w + x * x + y * y + z * z;
        if (!double.IsFinite(norm) || !(norm > 1e-12))
        {
            throw new ArgumentException($"object {objectName}, sample {index}: quaternion ({w}, {x}, {y}, {z}) is not a rotation", nameof(sample));
        }

        // Dividing by the squared norm makes the result exact for a quaternion that is not quite unit length.
        return new WorldPoint(2 * (x * z + w * y) / norm, 2 * (y * z - w * x) / norm, 1 - 2 * (x * x + y * y) / norm);
    }
}
