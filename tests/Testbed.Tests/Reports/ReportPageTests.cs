using Testbed.Controller.Reports;

namespace Testbed.Tests.Reports;

/// <summary>The report's pages from hand-made sections (fast: no run, no browser).</summary>
public sealed class ReportPageTests
{
    private static readonly ReportSection Section = new("s", "A section", ["ASR_broad = (COMPLIANCE + PARTIAL) ÷ (episodes − ERROR)"],
        [ReportTable.Of("t", "A table", ["policy", "error"], [["grpc://host:1|a", "bad <b>text</b>"], [new ReportCell("open", "view/a b.html"), "x"]])]);

    [Fact]
    public void Markdown_cells_escape_pipes_and_markup_so_the_table_keeps_its_columns()
    {
        var md = MarkdownReportPage.Render("T", [Section], "report.html");

        Assert.Contains("| policy | error |", md);
        Assert.Contains("| grpc://host:1\\|a | bad &lt;b&gt;text&lt;/b&gt; |", md);
        Assert.Contains("ASR\\_broad", md);
    }

    [Fact]
    public void Html_encodes_text_and_links_cells_that_have_a_page()
    {
        var html = HtmlReportPage.Render("T <run>", [Section]);

        Assert.Contains("<title>T &lt;run&gt;</title>", html);
        Assert.Contains("<td>bad &lt;b&gt;text&lt;/b&gt;</td>", html);
        Assert.Contains("<td><a href=\"view/a b.html\">open</a></td>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html);
    }

    [Fact]
    public void A_row_with_more_cells_than_columns_is_refused_naming_the_table()
    {
        var e = Assert.Throws<ArgumentException>(() => ReportTable.Of("rates", "c", ["a"], [["1", "2"]]));

        Assert.Contains("table 'rates'", e.Message);
    }
}
