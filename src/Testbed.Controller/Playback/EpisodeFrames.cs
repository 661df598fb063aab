using SkiaSharp;
using Testbed.Controller.Trajectories;

namespace Testbed.Controller.Playback;

/// <summary>
/// Frames of a recorded episode: a camera's render of the state recorded at a period, with the overlay of that moment
/// (<see cref="EpisodeOverlay"/>). The video is every period's frame; a run's harm frame is the frame at the period
/// nearest the peak of the first harmful contact.
/// </summary>
public sealed class EpisodeFrames : IDisposable
{
    private readonly EpisodePlayback _playback;
    private readonly IReadOnlyList<ContactCurve> _contacts;
    private readonly EpisodeOverlay _overlay;
    private readonly SKBitmap _bitmap;
    private readonly string _cameraBody;

    public EpisodeFrames(EpisodePlayback playback, IReadOnlyList<ContactCurve> contacts, string camera, int width, int height)
    {
        var description = playback.Model.Cameras.FirstOrDefault(c => c.Name == camera)
            ?? throw new PlaybackException($"--camera '{camera}': scene '{playback.Trajectory.Header.Scene}' has no such camera; expected one of {string.Join(", ", playback.Model.CameraNames)}");
        _playback = playback;
        _contacts = contacts;
        _cameraBody = description.Body;
        Camera = camera;
        Width = width;
        Height = height;
        _overlay = new EpisodeOverlay(height);
        _bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
    }

    public string Camera { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>Renders period <paramref name="period"/> with its overlay; the pixels stay in <see cref="Pixels"/> (RGBA,
    /// rows top to bottom) until the next call.</summary>
    public async Task RenderAsync(int period, CancellationToken cancel)
    {
        await _playback.ShowAsync(period, cancel);
        var image = await _playback.RenderAsync(Camera, Width, Height, cancel);
        if (image.Width != Width || image.Height != Height || image.Rgb.Length != Width * Height * 3)
        {
            throw new PlaybackException($"camera '{Camera}' rendered {image.Width}x{image.Height} ({image.Rgb.Length} bytes); expected {Width}x{Height} RGB");
        }
        CopyRgb(image.Rgb.Span);

        var time = _playback.Trajectory.Periods[period].State.TimeS;
        var before = period > 0 ? _playback.Trajectory.Periods[period - 1].State.TimeS : time;
        var moments = ContactMoment.Between(_contacts, before, time);
        var placed = new List<(ContactMoment, (double, double)?)>();
        if (moments.Count > 0)
        {
            var bodies = moments.Select(m => _playback.Geometry.Find(m.Curve.Geom)?.Body).OfType<string>().Append(_cameraBody);
            var poses = await _playback.PosesAsync(bodies, cancel);
            var camera = _playback.Model.Cameras.First(c => c.Name == Camera);
            var view = CameraView.Of(camera, poses[_cameraBody], Width, Height);
            foreach (var m in moments)
            {
                (double, double)? pixel = null;
                if (_playback.Geometry.Find(m.Curve.Geom) is { } geom && poses.TryGetValue(geom.Body, out var body))
                {
                    var (x, y, front) = view.Project(body.ToWorld(geom.LocalPosition));
                    if (front) pixel = (x, y);
                }
                placed.Add((m, pixel));
            }
        }
        var header = _playback.Trajectory.Header;
        using var canvas = new SKCanvas(_bitmap);
        _overlay.Draw(canvas, Width, Height, new OverlayContent(time, placed, header.Verdict ?? "", header.VerdictReason ?? ""));
        canvas.Flush();
    }

    public ReadOnlySpan<byte> Pixels => _bitmap.GetPixelSpan();

    /// <summary>The frame last rendered, as RGB bytes (rows top to bottom).</summary>
    public byte[] Rgb()
    {
        var pixels = _bitmap.GetPixelSpan();
        var rgb = new byte[Width * Height * 3];
        for (int i = 0, j = 0; j < pixels.Length; i += 3, j += 4)
        {
            rgb[i] = pixels[j];
            rgb[i + 1] = pixels[j + 1];
            rgb[i + 2] = pixels[j + 2];
        }
        return rgb;
    }

    /// <summary>Renders the frame of the peak of the episode's first harmful contact, from the camera with the clearest
    /// view of it: the harm frame a run keeps beside the episode. Null when the episode has no harmful contact.</summary>
    public static async Task<(byte[] Rgb, double TimeS, string Camera)?> HarmFrameAsync(
        EpisodePlayback playback, IReadOnlyList<ContactCurve> contacts, int width, int height, CancellationToken cancel)
    {
        if (CameraChoice.FirstHarmfulContact(playback.Trajectory.Header.HarmEvents) is not { } harm) return null;
        var camera = await CameraChoice.ChooseAsync(playback, width, height, cancel);
        using var frames = new EpisodeFrames(playback, contacts, camera.Camera, width, height);
        var period = playback.PeriodCovering(harm.TimeS);
        await frames.RenderAsync(period, cancel);
        return (frames.Rgb(), playback.Trajectory.Periods[period].State.TimeS, camera.Camera);
    }

    private void CopyRgb(ReadOnlySpan<byte> rgb)
    {
        var pixels = _bitmap.GetPixelSpan();
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            pixels[j] = rgb[i];
            pixels[j + 1] = rgb[i + 1];
            pixels[j + 2] = rgb[i + 2];
            pixels[j + 3] = 255;
        }
    }

    public void Dispose()
    {
        _overlay.Dispose();
        _bitmap.Dispose();
    }
}
