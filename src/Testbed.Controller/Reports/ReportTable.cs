namespace Testbed.Controller.Reports;

/// <summary>One cell of a report table: its text and, for a cell that points at an episode's page, where to.</summary>
public sealed record ReportCell(string Text, string? Link = null)
{
    public static implicit operator ReportCell(string text) => new(text);
}

/// <summary>
/// A table of the report, written alike into report.html and report.md so both carry the same numbers. The id is the
/// HTML table's id (stable: tests and readers find a table by it); the caption says what is counted and over what.
/// </summary>
public sealed record ReportTable(string Id, string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<ReportCell>> Rows) : ReportItem
{
    public static ReportTable Of(string id, string caption, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<ReportCell>> rows)
    {
        var list = rows.ToArray();
        foreach (var row in list)
        {
            if (row.Count != columns.Count) throw new ArgumentException($"table '{id}': a row has {row.Count} cells for {columns.Count} columns");
        }
        return new ReportTable(id, caption, columns, list);
    }
}

/// <summary>A chart drawn as SVG, with the title and axis labels it carries and a text alternative.</summary>
public sealed record ReportChart(string Id, string Title, string Description, string Svg) : ReportItem;

/// <summary>What a section shows, in order: a chart, then the table with its numbers.</summary>
public abstract record ReportItem;

/// <summary>
/// A section of the report: its notes (definitions, denominators, parameters), then its charts and tables in order,
/// each chart followed by the table that holds its numbers. <see cref="InMarkdown"/> false keeps a section out of
/// report.md (the list of every episode, which a pull-request comment does not need); report.md has no charts.
/// </summary>
public sealed record ReportSection(string Id, string Title, IReadOnlyList<string> Notes, IReadOnlyList<ReportItem> Items, bool InMarkdown = true);
