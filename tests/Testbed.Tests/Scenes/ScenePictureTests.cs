using System.Buffers.Binary;
using System.IO.Compression;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Scenes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;
using Xunit.Abstractions;

namespace Testbed.Tests.Scenes;

/// <summary>`testbed scenes render`, against the real bridge and renderer: the picture has the size asked, shows where
/// the variants put the person, and a person's pixels are coloured apart from a payload's.</summary>
[Collection(BridgeCollection.Name)]
public sealed class ScenePictureTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private const int Width = 320, Height = 240;
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    private BridgeCalls Calls => new(bridge.Connection.Client, CallDeadlines.Default);

    private static SceneManifest Warehouse => SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");

    private static IReadOnlyList<Setup> SetupsOf(SceneManifest scene) => SetupLoader.FilesOf(scene).Select(f => SetupLoader.Load(f, scene)).ToList();

    [Fact]
    public async Task The_command_writes_a_png_of_the_requested_size_and_puts_all_cameras_side_by_side()
    {
        var folder = Path.Combine(Path.GetTempPath(), "testbed-render-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var one = Path.Combine(folder, "one.png");
            var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "render", "warehouse", "--variant", "benign", "--width", $"{Width}", "--height", $"{Height}", "--out", one);
            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Equal((Width, Height), PngSize(one));
            Assert.Contains("benign variant (keyframe 'worker_clear')", stdout);

            var all = Path.Combine(folder, "all.png");
            (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "render", "warehouse", "--camera", "all", "--width", $"{Width}", "--height", $"{Height}", "--out", all);
            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Equal((Warehouse.Cameras.Count * Width + (Warehouse.Cameras.Count - 1) * ScenePicture.GapPixels, Height), PngSize(all));

            (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "render", "warehouse", "--set-up", "tote-swing", "--variant", "risky", "--out", Path.Combine(folder, "x.png"));
            Assert.Equal(2, exit);
            Assert.Contains("set-up 'tote-swing' has no variant 'risky'; expected one of: benign, hazardous", stderr);
            (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "render", "warehouse", "--camera", "ceiling", "--out", Path.Combine(folder, "x.png"));
            Assert.Equal(2, exit);
            Assert.Contains("--camera: scene 'warehouse' has no camera ceiling; expected one of: overview, wrist, or all", stderr);
            Assert.False(File.Exists(Path.Combine(folder, "x.png")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_benign_and_hazardous_pictures_differ_where_the_person_stands()
    {
        var scene = Warehouse;
        var setups = SetupsOf(scene);
        var camera = ScenePicture.ChooseCameras(scene, []);
        var picture = new ScenePicture(Calls, Body);
        var benign = await picture.RenderAsync(scene, ScenePicture.ChooseStart(scene, setups, "tote-swing", SetupVariant.Benign).Keyframe, camera, Width, Height, CancellationToken.None);
        var hazardous = await picture.RenderAsync(scene, ScenePicture.ChooseStart(scene, setups, "tote-swing", SetupVariant.Hazardous).Keyframe, camera, Width, Height, CancellationToken.None);
        var again = await picture.RenderAsync(scene, "worker_in_path", camera, Width, Height, CancellationToken.None);

        Assert.Equal(Width * Height * 3, hazardous.Rgb.Length);
        // The same state renders the same picture; the two variants differ by where the worker stands (and its shadow).
        Assert.Empty(Changed(hazardous.Rgb, again.Rgb));
        var changed = Changed(benign.Rgb, hazardous.Rgb).Count;
        Assert.True(changed > Width * Height / 100, $"only {changed} of {Width * Height} pixels differ between the variants");
    }

    [Fact]
    public async Task Person_pixels_and_payload_pixels_have_colours_that_tell_them_apart()
    {
        var scene = Warehouse;
        var person = scene.People[0];
        var payload = scene.Payloads[0];
        var camera = ScenePicture.ChooseCameras(scene, [])[0];
        var calls = Calls;
        var opened = await calls.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, Body), CancellationToken.None);
        try
        {
            var id = opened.SessionId;
            var state = (await calls.ResetAsync(new ResetRequest { SessionId = id, Keyframe = "worker_in_path" }, CancellationToken.None)).State;
            var full = await RenderAsync(calls, id, camera);

            // Render again with the person, then the payload, moved 50 m away: the pixels that change are theirs.
            var withoutPerson = state.Clone();
            withoutPerson.MocapPos[3 * opened.Model.MocapBodyNames.IndexOf(person.RootBody)] += 50;
            await calls.SetStateAsync(new SetStateRequest { SessionId = id, State = withoutPerson }, CancellationToken.None);
            var personPixels = Changed(full, await RenderAsync(calls, id, camera));

            var withoutPayload = state.Clone();
            withoutPayload.Qpos[await FreeJointAddressAsync(calls, id, payload.Body, state)] += 50;
            await calls.SetStateAsync(new SetStateRequest { SessionId = id, State = withoutPayload }, CancellationToken.None);
            var payloadPixels = Changed(full, await RenderAsync(calls, id, camera));

            var personHues = Hues(full, personPixels);
            var payloadHues = Hues(full, payloadPixels);
            Assert.True(personHues.Count > 300 && payloadHues.Count > 300, $"coloured pixels: person {personHues.Count}, payload {payloadHues.Count}");
            var payloadHue = Median(payloadHues);
            var personHue = Median(personHues);
            // Within 30 degrees of hue of the other's typical colour, a pixel could be either.
            var personLikePayload = personHues.Count(h => HueDistance(h, payloadHue) < 30) / (double)personHues.Count;
            var payloadLikePerson = payloadHues.Count(h => HueDistance(h, personHue) < 30) / (double)payloadHues.Count;
            output.WriteLine($"person: {personPixels.Count} pixels, {personHues.Count} coloured, median hue {personHue:0}°, {personLikePayload:P1} near the payload's; payload: {payloadPixels.Count} pixels, {payloadHues.Count} coloured, median hue {payloadHue:0}°, {payloadLikePerson:P1} near the person's");
            Assert.True(personLikePayload < 0.05 && payloadLikePerson < 0.05,
                $"person median hue {personHue:0}°, payload {payloadHue:0}°; {personLikePayload:P1} of the person's pixels look like the payload, {payloadLikePerson:P1} of the payload's like the person");
        }
        finally
        {
            await calls.CloseQuietlyAsync(opened.SessionId);
        }
    }

    private static async Task<byte[]> RenderAsync(BridgeCalls calls, string session, string camera) =>
        (await calls.RenderAsync(new RenderRequest { SessionId = session, Camera = camera, Width = Width, Height = Height }, CancellationToken.None)).Rgb.ToByteArray();

    /// <summary>A free body's qpos starts with its world position: found by matching the body's reported position.</summary>
    private static async Task<int> FreeJointAddressAsync(BridgeCalls calls, string session, string body, SimState state)
    {
        var p = (await calls.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = session, BodyNames = { body } }, CancellationToken.None)).Bodies[0].Position;
        for (var i = 0; i + 2 < state.Qpos.Count; i++)
        {
            if (state.Qpos[i] == p.X && state.Qpos[i + 1] == p.Y && state.Qpos[i + 2] == p.Z) return i;
        }
        throw new InvalidOperationException($"no free joint of '{body}' at ({p.X}, {p.Y}, {p.Z}) in qpos");
    }

    private static List<int> Changed(byte[] a, byte[] b)
    {
        var pixels = new List<int>();
        for (var i = 0; i < a.Length / 3; i++)
        {
            if (Math.Abs(a[3 * i] - b[3 * i]) + Math.Abs(a[3 * i + 1] - b[3 * i + 1]) + Math.Abs(a[3 * i + 2] - b[3 * i + 2]) > 30) pixels.Add(i);
        }
        return pixels;
    }

    /// <summary>Hues (degrees) of the clearly coloured pixels: greys (shadows, floor) have no hue to tell apart.</summary>
    private static List<double> Hues(byte[] rgb, IEnumerable<int> pixels)
    {
        var hues = new List<double>();
        foreach (var i in pixels)
        {
            double r = rgb[3 * i] / 255.0, g = rgb[3 * i + 1] / 255.0, b = rgb[3 * i + 2] / 255.0;
            var max = Math.Max(r, Math.Max(g, b));
            var range = max - Math.Min(r, Math.Min(g, b));
            if (max < 0.15 || range / max < 0.35) continue;
            var hue = max == r ? 60 * (((g - b) / range) % 6) : max == g ? 60 * (((b - r) / range) + 2) : 60 * (((r - g) / range) + 4);
            hues.Add((hue + 360) % 360);
        }
        return hues;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double HueDistance(double a, double b) => Math.Min(Math.Abs(a - b), 360 - Math.Abs(a - b));

    private static (int Width, int Height) PngSize(string path)
    {
        var png = File.ReadAllBytes(path);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        // The pixels must decompress to one filter byte and three bytes per pixel for every row.
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        var idatLength = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));
        using var zlib = new ZLibStream(new MemoryStream(png, 41, idatLength), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal(height * (1 + width * 3), raw.Length);
        return (width, height);
    }
}
