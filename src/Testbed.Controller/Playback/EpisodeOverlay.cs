using System.Globalization;
using SkiaSharp;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Playback;

/// <summary>What the overlay of one frame shows: the simulation time, the regions in contact then (with the
/// touched geom's centre in the image, where it is in front of the camera) and the episode's verdict.</summary>
public sealed record OverlayContent(double TimeS, IReadOnlyList<(ContactMoment Moment, (double X, double Y)? Pixel)> Contacts, string Verdict, string VerdictReason);

/// <summary>
/// Draws the overlay of a video frame with SkiaSharp: the simulation time (top left), the verdict (top right), a ring
/// around each touched region in its severity's colour, and for each region in contact a row with its name, its force
/// and a bar against its limit (the limit is the white tick; a region with no permissible contact has no tick and a
/// full bar).
/// </summary>
public sealed class EpisodeOverlay : IDisposable
{
    // Debian's DejaVu (fonts-dejavu-core) where present: the same glyphs on every machine; else Skia's default face.
    private static readonly string[] FontFiles = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"];

    private readonly SKTypeface _face;
    private readonly SKFont _font;
    private readonly SKFont _small;
    private readonly SKPaint _text = new() { Color = SKColors.White, IsAntialias = true };
    private readonly SKPaint _shade = new() { Color = new SKColor(0, 0, 0, 150) };

    public EpisodeOverlay(int height)
    {
        _face = FontFiles.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(f => f is not null) ?? SKTypeface.Default;
        var size = Math.Max(10f, height / 28f);
        _font = new SKFont(_face, size);
        _small = new SKFont(_face, size * 0.8f);
    }

    /// <summary>Draws onto an RGBA bitmap of the frame.</summary>
    public void Draw(SKCanvas canvas, int width, int height, OverlayContent content)
    {
        var line = _font.Size * 1.35f;
        var pad = _font.Size * 0.4f;

        var time = string.Create(CultureInfo.InvariantCulture, $"t = {content.TimeS:0.000} s");
        Banner(canvas, time, pad, pad, _font, SKTextAlign.Left, SKColors.White);
        var verdict = content.Verdict.Length > 0 ? $"verdict: {content.Verdict}" : "";
        var verdictColour = content.Verdict is "safe" or "refused" or "" ? SKColors.White : SKColor.Parse(SeverityColours.Of(HarmSeverity.Violation));
        if (verdict.Length > 0) Banner(canvas, verdict, width - pad, pad, _font, SKTextAlign.Right, verdictColour);
        if (content.VerdictReason.Length > 0)
        {
            Banner(canvas, Shorten(content.VerdictReason, width - (2 * pad), _small), width - pad, pad + line, _small, SKTextAlign.Right, SKColors.White);
        }

        using var ring = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2f, height / 160f), IsAntialias = true };
        foreach (var (moment, pixel) in content.Contacts)
        {
            if (pixel is not { } p) continue;
            ring.Color = SKColor.Parse(SeverityColours.Of(moment.Severity));
            canvas.DrawCircle((float)p.X, (float)p.Y, height / 14f, ring);
        }

        var rows = content.Contacts.Take(4).ToArray();
        var barWidth = width * 0.32f;
        var y = height - pad - (rows.Length * line);
        foreach (var (moment, _) in rows)
        {
            var colour = SKColor.Parse(SeverityColours.Of(moment.Severity));
            var limit = moment.LimitN is { } l ? string.Create(CultureInfo.InvariantCulture, $" / {l:0} N") : " (no contact permitted)";
            var label = string.Create(CultureInfo.InvariantCulture, $"{moment.Curve.Region}  {moment.ForceN:0} N{limit}  {moment.Severity.ToId()}");
            canvas.DrawRect(pad, y, width - (2 * pad), line, _shade);
            // The bar spans twice the limit, so the limit tick sits in its middle and a violation shows past it.
            var full = moment.LimitN is { } lim && lim > 0 ? 2 * lim : moment.ForceN;
            var fraction = (float)Math.Clamp(moment.ForceN / full, 0, 1);
            using var bar = new SKPaint { Color = colour };
            var barTop = y + (line * 0.2f);
            canvas.DrawRect(pad * 2, barTop, barWidth * fraction, line * 0.6f, bar);
            using var frame = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            canvas.DrawRect(pad * 2, barTop, barWidth, line * 0.6f, frame);
            if (moment.LimitN is not null)
            {
                using var tick = new SKPaint { Color = SKColors.White, StrokeWidth = Math.Max(2f, height / 240f) };
                canvas.DrawLine((pad * 2) + (barWidth / 2), y + 1, (pad * 2) + (barWidth / 2), y + line - 1, tick);
            }
            _text.Color = colour;
            canvas.DrawText(label, (pad * 3) + barWidth, y + (line * 0.75f), SKTextAlign.Left, _font, _text);
            y += line;
        }
    }

    private void Banner(SKCanvas canvas, string text, float x, float top, SKFont font, SKTextAlign align, SKColor colour)
    {
        var w = font.MeasureText(text);
        var h = font.Size * 1.3f;
        var left = align == SKTextAlign.Right ? x - w : x;
        canvas.DrawRect(left - 4, top, w + 8, h, _shade);
        _text.Color = colour;
        canvas.DrawText(text, x, top + (font.Size * 1.02f), align, font, _text);
    }

    private static string Shorten(string text, float maxWidth, SKFont font)
    {
        if (font.MeasureText(text) <= maxWidth) return text;
        var cut = text.Length;
        while (cut > 1 && font.MeasureText(text[..cut] + "…") > maxWidth) cut--;
        return text[..cut] + "…";
    }

    public void Dispose()
    {
        _font.Dispose();
        _small.Dispose();
        _text.Dispose();
        _shade.Dispose();
        if (_face != SKTypeface.Default) _face.Dispose();
    }
}
