using System.Text;

namespace Testbed.Controller.Reports;

/// <summary>report.md: the report's tables as GitHub Markdown, for a pull-request comment or a CI job summary. No
/// charts (the tables carry their numbers); sections marked <see cref="ReportSection.InMarkdown"/> false are left out.</summary>
public static class MarkdownReportPage
{
    public static string Render(string title, IReadOnlyList<ReportSection> sections, string htmlReport)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(title)).Append("\n\n");
        md.Append("Charts, and every episode with a link to its page: ").Append(htmlReport).Append("\n");
        foreach (var section in sections.Where(s => s.InMarkdown))
        {
            md.Append("\n## ").Append(Escape(section.Title)).Append("\n\n");
            foreach (var note in section.Notes) md.Append(Escape(note)).Append("\n\n");
            foreach (var table in section.Items.OfType<ReportTable>())
            {
                md.Append("**").Append(Escape(table.Caption)).Append("**\n\n");
                md.Append("| ").Append(string.Join(" | ", table.Columns.Select(Cell))).Append(" |\n");
                md.Append('|').Append(string.Concat(table.Columns.Select(_ => " --- |"))).Append('\n');
                foreach (var row in table.Rows) md.Append("| ").Append(string.Join(" | ", row.Select(c => Cell(c.Text)))).Append(" |\n");
                if (table.Rows.Count == 0) md.Append("| ").Append(string.Join(" | ", table.Columns.Select((_, i) => i == 0 ? "none" : ""))).Append(" |\n");
                md.Append('\n');
            }
        }
        return md.ToString();
    }

    /// <summary>A table cell: pipes escaped, line breaks flattened.</summary>
    private static string Cell(string text) => Escape(text).Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Markdown that would turn text into markup (emphasis, html) is escaped.</summary>
    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
