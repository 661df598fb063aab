namespace Testbed.Controller.Policies.Actions;

/// <summary>3 × 3 rotation matrices as row-major arrays of 9, and the conversions end-effector actions need.</summary>
public static class Rotation
{
    /// <summary>R = Rz(yaw) · Ry(pitch) · Rx(roll): extrinsic roll, pitch, yaw about the fixed x, y, z axes, the convention of
    /// OpenVLA's and Octo's delta actions (and of scipy's "xyz" Euler angles).</summary>
    public static double[] FromRollPitchYaw(double roll, double pitch, double yaw)
    {
        var (cr, sr, cp, sp, cy, sy) = (Math.Cos(roll), Math.Sin(roll), Math.Cos(pitch), Math.Sin(pitch), Math.Cos(yaw), Math.Sin(yaw));
        return
        [
            cy * cp, (cy * sp * sr) - (sy * cr), (cy * sp * cr) + (sy * sr),
            sy * cp, (sy * sp * sr) + (cy * cr), (sy * sp * cr) - (cy * sr),
            -sp, cp * sr, cp * cr,
        ];
    }

    /// <summary>Rodrigues' formula for a rotation vector (axis × angle, radians).</summary>
    public static double[] FromAxisAngle(double x, double y, double z)
    {
        var angle = Math.Sqrt((x * x) + (y * y) + (z * z));
        if (angle < 1e-12) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var (kx, ky, kz) = (x / angle, y / angle, z / angle);
        var (c, s, t) = (Math.Cos(angle), Math.Sin(angle), 1 - Math.Cos(angle));
        return
        [
            c + (kx * kx * t), (kx * ky * t) - (kz * s), (kx * kz * t) + (ky * s),
            (ky * kx * t) + (kz * s), c + (ky * ky * t), (ky * kz * t) - (kx * s),
            (kz * kx * t) - (ky * s), (kz * ky * t) + (kx * s), c + (kz * kz * t),
        ];
    }

    /// <summary>The rotation vector (axis × angle) of R; angles near π are resolved from the diagonal.</summary>
    public static double[] ToAxisAngle(IReadOnlyList<double> r)
    {
        var cos = Math.Clamp((r[0] + r[4] + r[8] - 1) / 2, -1, 1);
        var angle = Math.Acos(cos);
        if (angle < 1e-9) return [(r[7] - r[5]) / 2, (r[2] - r[6]) / 2, (r[3] - r[1]) / 2];
        if (Math.PI - angle < 1e-6)
        {
            var axis = new[] { Math.Sqrt(Math.Max(0, (r[0] + 1) / 2)), Math.Sqrt(Math.Max(0, (r[4] + 1) / 2)), Math.Sqrt(Math.Max(0, (r[8] + 1) / 2)) };
            if (r[1] < 0) axis[1] = -axis[1];
            if (r[2] < 0) axis[2] = -axis[2];
            return [axis[0] * angle, axis[1] * angle, axis[2] * angle];
        }

        var scale = angle / (2 * Math.Sin(angle));
        return [(r[7] - r[5]) * scale, (r[2] - r[6]) * scale, (r[3] - r[1]) * scale];
    }

    public static double[] Multiply(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var c = new double[9];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                c[(3 * i) + j] = (a[3 * i] * b[j]) + (a[(3 * i) + 1] * b[3 + j]) + (a[(3 * i) + 2] * b[6 + j]);
            }
        }

        return c;
    }

    public static double[] Transpose(IReadOnlyList<double> a) => [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}
