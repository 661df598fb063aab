using Testbed.Sim.V1;

namespace Testbed.Controller.Calibration;

/// <summary>Vectors given in a body's frame, turned into the world's by the body's orientation.</summary>
internal static class WorldFrame
{
    /// <summary><paramref name="local"/> turned by the unit quaternion <paramref name="orientation"/>.</summary>
    public static Vec3 Rotate(Quat orientation, Vec3 local)
    {
        var (q, v) = (orientation, local);
        // v + 2w (u × v) + 2 u × (u × v), u the quaternion's vector part
        var (tx, ty, tz) = (2 * (q.Y * v.Z - q.Z * v.Y), 2 * (q.Z * v.X - q.X * v.Z), 2 * (q.X * v.Y - q.Y * v.X));
        return new Vec3
        {
            X = v.X + q.W * tx + (q.Y * tz - q.Z * ty),
            Y = v.Y + q.W * ty + (q.Z * tx - q.X * tz),
            Z = v.Z + q.W * tz + (q.X * ty - q.Y * tx),
        };
    }
}
