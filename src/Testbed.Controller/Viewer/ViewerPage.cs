using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Testbed.Controller.Viewer;

/// <summary>
/// Writes a self-contained HTML page: the bundled front end (embedded in this assembly from src/Testbed.Viewer.Web) and
/// the page's data as JSON in a script element, so the file opens from disk (file://) with no server and no network.
/// </summary>
public static class ViewerPage
{
    // Escapes <, >, & and non-ASCII inside the JSON, so no text of the data can close the script element.
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.Default,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public const string EpisodeScript = "episode-viewer";
    public const string IndexScript = "run-index";

    public static string Html(string title, string script, string dataElementId, object data)
    {
        var json = JsonSerializer.Serialize(data, data.GetType(), Json);
        var page = new StringBuilder();
        page.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        page.Append("<style>\n").Append(Asset(script + ".css")).Append("\n</style>\n</head>\n<body>\n<div id=\"app\"></div>\n");
        page.Append("<script type=\"application/json\" id=\"").Append(dataElementId).Append("\">").Append(json).Append("</script>\n");
        page.Append("<script>\n").Append(Asset(script + ".js")).Append("\n</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>A bundled asset (Viewer/*.js, *.css), as the controller assembly embeds it.</summary>
    public static string Asset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Testbed.Viewer." + name)
            ?? throw new InvalidOperationException($"the viewer asset '{name}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}; rebuild src/Testbed.Viewer.Web (npm ci && npm run build)");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A bundle that contained "</script" would end the element early; the minifier never writes one, this checks.
        var text = reader.ReadToEnd();
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException($"the viewer asset '{name}' contains </script and cannot be inlined");
        return text;
    }
}
