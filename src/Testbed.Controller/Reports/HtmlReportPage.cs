using System.Net;
using System.Text;

namespace Testbed.Controller.Reports;

/// <summary>
/// report.html: one static, self-contained page (its style inline, every chart an SVG image inlined as a data URI, no
/// script, nothing fetched), so it opens from disk, from a CI artefact or an e-mail alike. Charts are images rather
/// than inline SVG because each SVG names its own clip paths, and several inline would share their ids.
/// </summary>
public static class HtmlReportPage
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
        h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
        nav ul { columns: 3; padding-left: 1.2rem; }
        figure { margin: 1.5rem 0 .5rem; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: .85rem; color: #555; }
        table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .85rem; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; caption-side: top; }
        th, td { border: 1px solid #ccc; padding: .2rem .45rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f5; } tbody tr:nth-child(even) { background: #fafafa; }
        .notes p { margin: .4rem 0; } .table-scroll { overflow-x: auto; }
        details > summary { cursor: pointer; margin: .5rem 0; }
        """;

    public static string Render(string title, IReadOnlyList<ReportSection> sections)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n<nav aria-label=\"sections\"><ul>\n");
        foreach (var s in sections) html.Append("<li><a href=\"#").Append(s.Id).Append("\">").Append(Encode(s.Title)).Append("</a></li>\n");
        html.Append("</ul></nav>\n");
        foreach (var section in sections)
        {
            html.Append("<section id=\"").Append(section.Id).Append("\">\n<h2>").Append(Encode(section.Title)).Append("</h2>\n");
            if (section.Notes.Count > 0)
            {
                html.Append("<div class=\"notes\">\n");
                foreach (var note in section.Notes) html.Append("<p>").Append(Linkify(note)).Append("</p>\n");
                html.Append("</div>\n");
            }
            foreach (var item in section.Items)
            {
                switch (item)
                {
                    case ReportChart chart: Chart(html, chart); break;
                    case ReportTable table when !section.InMarkdown && table.Rows.Count > 50:
                        html.Append("<details><summary>").Append(Encode(table.Caption)).Append(" (").Append(table.Rows.Count).Append(" rows)</summary>\n");
                        Table(html, table);
                        html.Append("</details>\n");
                        break;
                    case ReportTable table: Table(html, table); break;
                }
            }
            html.Append("</section>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Chart(StringBuilder html, ReportChart chart)
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(chart.Svg));
        html.Append("<figure id=\"").Append(chart.Id).Append("\">\n<img src=\"data:image/svg+xml;base64,").Append(data)
            .Append("\" alt=\"").Append(Encode(chart.Description)).Append("\">\n<figcaption>").Append(Encode(chart.Title))
            .Append(" — the numbers are in the table below.</figcaption>\n</figure>\n");
    }

    private static void Table(StringBuilder html, ReportTable table)
    {
        html.Append("<div class=\"table-scroll\">\n<table id=\"").Append(table.Id).Append("\">\n<caption>").Append(Encode(table.Caption)).Append("</caption>\n<thead><tr>");
        foreach (var column in table.Columns) html.Append("<th scope=\"col\">").Append(Encode(column)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        if (table.Rows.Count == 0)
        {
            html.Append("<tr><td colspan=\"").Append(table.Columns.Count).Append("\">none</td></tr>\n");
        }
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>");
                if (cell.Link is { } link) html.Append("<a href=\"").Append(Encode(link)).Append("\">").Append(Encode(cell.Text)).Append("</a>");
                else html.Append(Encode(cell.Text));
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n</div>\n");
    }

    /// <summary>A note's text, with a trailing relative .html path made a link (the viewer's index).</summary>
    private static string Linkify(string note)
    {
        var colon = note.LastIndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 || !note.EndsWith(".html", StringComparison.Ordinal)) return Encode(note);
        var target = note[(colon + 2)..];
        return Encode(note[..(colon + 2)]) + "<a href=\"" + Encode(target) + "\">" + Encode(target) + "</a>";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
