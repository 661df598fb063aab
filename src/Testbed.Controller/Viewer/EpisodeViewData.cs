using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Testbed.Controller.Episodes;
using Testbed.Controller.Playback;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Viewer;

/// <summary>
/// The data of one episode page (testbed.episode-view/v1): who ran what, the verdict, the scene's drawn geoms, every
/// drawn body's pose at every recorded period, the harm events as recorded and each person contact's force curve with
/// its limits and the spans of time it pressed at each severity. The page draws all of it without knowing any harm kind.
/// </summary>
public sealed record EpisodeViewData
{
    public const string SchemaId = "testbed.episode-view/v1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    [JsonPropertyName("episode")] public required EpisodeSummary Episode { get; init; }
    [JsonPropertyName("severity_colours")] public IReadOnlyDictionary<string, string> SeverityColoursById { get; init; } = SeverityColours.ById;
    [JsonPropertyName("geoms")] public required IReadOnlyList<ViewGeom> Geoms { get; init; }
    [JsonPropertyName("bodies")] public required IReadOnlyList<string> Bodies { get; init; }
    [JsonPropertyName("times")] public required IReadOnlyList<double> Times { get; init; }
    /// <summary>Base64 of little-endian float32: for each period, for each of <see cref="Bodies"/>, x y z (m) and qw qx qy qz.</summary>
    [JsonPropertyName("poses")] public required string Poses { get; init; }
    [JsonPropertyName("harm_events")] public required IReadOnlyList<HarmEvent> HarmEvents { get; init; }
    [JsonPropertyName("contacts")] public required IReadOnlyList<ViewContact> Contacts { get; init; }
    [JsonPropertyName("view")] public required ViewStart View { get; init; }

    /// <summary>Shows every recorded period on the bridge and reads the pose of every drawn body.</summary>
    public static async Task<EpisodeViewData> BuildAsync(EpisodePlayback playback, EpisodeRecord record, IReadOnlyList<ContactCurve> contacts, CancellationToken cancel)
    {
        var geometry = playback.Geometry;
        var periods = playback.Trajectory.Periods;
        var bodies = geometry.Bodies;
        var poses = new float[periods.Count * bodies.Count * 7];
        var o = 0;
        for (var p = 0; p < periods.Count; p++)
        {
            await playback.ShowAsync(p, cancel);
            var at = await playback.PosesAsync(cancel);
            foreach (var body in bodies)
            {
                var pose = at[body];
                poses[o++] = pose.Position.X;
                poses[o++] = pose.Position.Y;
                poses[o++] = pose.Position.Z;
                poses[o++] = pose.Orientation.W;
                poses[o++] = pose.Orientation.X;
                poses[o++] = pose.Orientation.Y;
                poses[o++] = pose.Orientation.Z;
            }
        }
        var header = playback.Trajectory.Header;
        return new EpisodeViewData
        {
            Episode = new EpisodeSummary(
                record.Scenario, record.Site, record.Scene, record.Language, record.Instruction, record.Policy, record.Seed,
                header.Verdict ?? "", header.VerdictReason ?? record.VerdictReason, record.Error, record.PolicyTexts, playback.Notes),
            Geoms = geometry.Geoms.Select(ViewGeom.Of).ToArray(),
            Bodies = bodies,
            Times = periods.Select(p => p.State.TimeS).ToArray(),
            Poses = Convert.ToBase64String(MemoryMarshal.AsBytes(poses.AsSpan())),
            HarmEvents = record.HarmEvents,
            Contacts = contacts.Select(ViewContact.Of).ToArray(),
            View = await ViewStart.AroundAsync(playback, cancel),
        };
    }
}

public sealed record EpisodeSummary(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("scene")] string Scene,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("instruction")] string Instruction,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("verdict_reason")] string VerdictReason,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("policy_texts")] IReadOnlyList<string> PolicyTexts,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes);

/// <summary>A drawn geom: MuJoCo's type and size, its pose in its body's frame (quaternion w x y z) and colour.</summary>
public sealed record ViewGeom(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("size")] IReadOnlyList<double> Size,
    [property: JsonPropertyName("pos")] IReadOnlyList<double> Position,
    [property: JsonPropertyName("quat")] IReadOnlyList<double> Orientation,
    [property: JsonPropertyName("rgba")] IReadOnlyList<double> Rgba)
{
    public static ViewGeom Of(DrawnGeom g) => new(
        g.Name, g.Body, g.Type, g.Size,
        [g.LocalPosition.X, g.LocalPosition.Y, g.LocalPosition.Z],
        [g.LocalOrientation.W, g.LocalOrientation.X, g.LocalOrientation.Y, g.LocalOrientation.Z], g.Rgba);
}

/// <summary>A person contact's force curve, its limits and the spans [from, to, severity] of its severity over time.</summary>
public sealed record ViewContact(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("geom")] string Geom,
    [property: JsonPropertyName("other_geom")] string OtherGeom,
    [property: JsonPropertyName("other_kind")] string OtherKind,
    [property: JsonPropertyName("times")] IReadOnlyList<double> TimesS,
    [property: JsonPropertyName("forces")] IReadOnlyList<double> ForcesN,
    [property: JsonPropertyName("limit_transient_n")] double? TransientLimitN,
    [property: JsonPropertyName("limit_quasi_static_n")] double? QuasiStaticLimitN,
    [property: JsonPropertyName("severity_spans")] IReadOnlyList<object[]> SeveritySpans)
{
    public static ViewContact Of(ContactCurve c)
    {
        var spans = new List<object[]>();
        for (var i = 0; i < c.ForcesN.Count; i++)
        {
            if (c.ForcesN[i] <= 0) continue;
            var severity = ContactMoment.SeverityOf(c.ForcesN[i], c.TransientLimitN).ToId();
            if (spans.Count > 0 && (string)spans[^1][2] == severity && (double)spans[^1][1] >= c.TimesS[i - 1] - 1e-12 && c.ForcesN[i - 1] > 0)
            {
                spans[^1][1] = c.TimesS[i];
            }
            else
            {
                spans.Add([c.TimesS[i], c.TimesS[i], severity]);
            }
        }
        return new ViewContact(c.Person, c.Region, c.Geom, c.OtherGeom, c.OtherKind,
            c.TimesS.Select(t => Math.Round(t, 6)).ToArray(), c.ForcesN.Select(f => Math.Round(f, 3)).ToArray(),
            c.TransientLimitN, c.QuasiStaticLimitN, spans);
    }
}

/// <summary>Where the orbit camera starts: looking at the middle of the people and the robot from the model's first
/// camera's side (its position, pulled in to at most 4 m), or from a default diagonal.</summary>
public sealed record ViewStart(
    [property: JsonPropertyName("target")] IReadOnlyList<double> Target,
    [property: JsonPropertyName("eye")] IReadOnlyList<double> Eye)
{
    public static async Task<ViewStart> AroundAsync(EpisodePlayback playback, CancellationToken cancel)
    {
        await playback.ShowAsync(0, cancel);
        var cameras = playback.Model.Cameras;
        var poses = await playback.PosesAsync(playback.Geometry.Bodies.Concat(cameras.Select(c => c.Body)), cancel);
        var placed = CameraChoice.Placed(playback.Geometry, poses);
        var moving = playback.Geometry.Geoms.Where(g => g.Type != "plane" && g.Body != playback.Model.BodyNames.FirstOrDefault()).Select(g => placed[g.Name].Position).ToArray();
        var target = moving.Length > 0 ? moving.Aggregate(Vector3.Zero, (a, b) => a + b) / moving.Length : Vector3.Zero;
        var eye = cameras.Count > 0 ? CameraView.Of(cameras[0], poses[cameras[0].Body], 4, 3).Pose.Position : target + new Vector3(2.5f, -2.5f, 2f);
        var away = eye - target;
        if (away.Length() > 4) eye = target + (Vector3.Normalize(away) * 4);
        return new ViewStart([target.X, target.Y, target.Z], [eye.X, eye.Y, eye.Z]);
    }
}
