using System.Numerics;
using Testbed.Sim.V1;

namespace Testbed.Controller.Playback;

/// <summary>
/// A camera placed in the world with the image it renders: MuJoCo's pinhole camera, which looks along its own -z axis
/// with +y up and has a vertical field of view; the horizontal one follows from the image's aspect ratio.
/// </summary>
public sealed record CameraView(string Name, BodyPose Pose, double FovyDeg, int Width, int Height)
{
    public static CameraView Of(CameraDescription camera, BodyPose body, int width, int height)
    {
        var local = camera.LocalPosition is { } p ? new Vector3((float)p.X, (float)p.Y, (float)p.Z) : Vector3.Zero;
        var orientation = camera.LocalOrientation is { } q ? new Quaternion((float)q.X, (float)q.Y, (float)q.Z, (float)q.W) : Quaternion.Identity;
        return new CameraView(camera.Name, body.Then(local, orientation), camera.FovyDeg, width, height);
    }

    /// <summary>Pixel coordinates (x right, y down) of a world point and whether it lies in front of the camera.</summary>
    public (double X, double Y, bool InFront) Project(Vector3 world)
    {
        var c = Vector3.Transform(world - Pose.Position, Quaternion.Conjugate(Pose.Orientation));
        var depth = -c.Z;
        var focal = Height / 2.0 / Math.Tan(FovyDeg * Math.PI / 360.0);
        if (depth <= 1e-6) return (double.NaN, double.NaN, false);
        return ((Width / 2.0) + (focal * c.X / depth), (Height / 2.0) - (focal * c.Y / depth), true);
    }

    /// <summary>Whether the point projects inside the image, at least <paramref name="marginPx"/> from its edges.</summary>
    public bool Sees(Vector3 world, double marginPx = 0)
    {
        var (x, y, front) = Project(world);
        return front && x >= marginPx && x <= Width - marginPx && y >= marginPx && y <= Height - marginPx;
    }
}
