using System.Numerics;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Playback;

/// <summary>How one camera sees a harmful contact: whether the touched geom's centre is inside its image, how many
/// drawn geoms stand in the line of sight, and how far away it is.</summary>
public sealed record CameraScore(string Camera, bool InImage, int Occluders, double DistanceM)
{
    public string Describe() => !InImage
        ? $"{Camera}: the contact is outside its image"
        : $"{Camera}: in its image, {Occluders} geom(s) in the line of sight, {DistanceM:0.00} m away";
}

/// <summary>The camera chosen for an episode and why.</summary>
public sealed record ChosenCamera(string Camera, string Reason, IReadOnlyList<CameraScore> Scores);

/// <summary>
/// Picks the camera with the clearest view of the first harmful contact. "Clearest", simply: among the cameras in whose
/// image the touched person geom's centre falls (at least 5 % of the image from its edges, at the recorded period nearest
/// the contact's peak), the one with the fewest other drawn geoms whose bounding spheres cross the line of sight from the
/// camera to that centre (the touched geom and what touched it do not count; nor does the last 10 cm of the line, where
/// neighbouring body parts overlap); ties go to the nearer camera. A bounding-sphere test overcounts (a sphere is larger
/// than the geom it encloses) but never misses a geom that does block the view. Without a harmful contact, or with no
/// camera that sees it, the first camera of the model is taken.
/// </summary>
public static class CameraChoice
{
    private const double NearTargetM = 0.10;

    public static async Task<ChosenCamera> ChooseAsync(EpisodePlayback playback, int width, int height, CancellationToken cancel)
    {
        var cameras = playback.Model.Cameras;
        if (cameras.Count == 0) throw new PlaybackException($"scene '{playback.Trajectory.Header.Scene}' has no camera to render");
        var target = FirstHarmfulContact(playback.Trajectory.Header.HarmEvents);
        var geom = target?.Details?.Geom is { } name ? playback.Geometry.Find(name) : null;
        if (target is null || geom is null)
        {
            return new ChosenCamera(cameras[0].Name, target is null ? "no harmful contact: the model's first camera" : $"the touched geom of the first harmful contact is not drawn: the model's first camera", []);
        }

        await playback.ShowAsync(playback.PeriodNearest(target.TimeS), cancel);
        var poses = await playback.PosesAsync(playback.Geometry.Bodies.Concat(cameras.Select(c => c.Body)), cancel);
        var world = Placed(playback.Geometry, poses);
        var point = world[geom.Name].Position;
        var ignore = new HashSet<string>(StringComparer.Ordinal) { geom.Name, target.Details?.OtherGeom ?? "" };
        var scores = new List<CameraScore>();
        foreach (var camera in cameras)
        {
            var view = CameraView.Of(camera, poses[camera.Body], width, height);
            var inImage = view.Sees(point, 0.05 * Math.Min(width, height));
            var occluders = playback.Geometry.Geoms.Count(g => !ignore.Contains(g.Name) && g.Type != "plane" &&
                CrossesSight(view.Pose.Position, point, world[g.Name].Position, g.BoundingRadiusM));
            scores.Add(new CameraScore(camera.Name, inImage, occluders, Vector3.Distance(view.Pose.Position, point)));
        }
        var best = scores.Where(s => s.InImage).OrderBy(s => s.Occluders).ThenBy(s => s.DistanceM).FirstOrDefault();
        var what = $"{target.Kind} on {target.Region ?? geom.Name} at {target.TimeS:0.000} s";
        return best is null
            ? new ChosenCamera(cameras[0].Name, $"no camera has the first harmful contact ({what}) in its image: the model's first camera", scores)
            : new ChosenCamera(best.Camera, $"clearest view of the first harmful contact ({what}): {best.Describe()}", scores);
    }

    /// <summary>The earliest harmful event that names a person geom (a contact).</summary>
    public static HarmEvent? FirstHarmfulContact(IEnumerable<HarmEvent> events) =>
        events.Where(e => e.Severity.IsHarmful() && e.Details?.Geom is not null && e.Person is not null).OrderBy(e => e.TimeS).FirstOrDefault();

    /// <summary>Each drawn geom's world pose, from its body's pose.</summary>
    public static IReadOnlyDictionary<string, BodyPose> Placed(SceneGeometry geometry, IReadOnlyDictionary<string, BodyPose> bodies) =>
        geometry.Geoms.ToDictionary(g => g.Name, g => bodies[g.Body].Then(g.LocalPosition, g.LocalOrientation), StringComparer.Ordinal);

    private static bool CrossesSight(Vector3 eye, Vector3 target, Vector3 centre, double radius)
    {
        var line = target - eye;
        var length = line.Length();
        if (length <= NearTargetM) return false;
        var along = Math.Clamp(Vector3.Dot(centre - eye, line) / length, 0, length - NearTargetM);
        var closest = eye + (line * (float)(along / length));
        return Vector3.Distance(closest, centre) < radius;
    }
}
