using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Testbed.Controller.Reports;

namespace Testbed.Tests.Reports;

/// <summary>The report a real run writes at its end, read back: its tables against summary.json, its charts, its
/// Markdown, and `testbed report` itself.</summary>
[Collection(ReportedRunCollection.Name)]
public sealed class RunReportTests(ReportedRunFixture run)
{
    private const double RateTolerance = 0.0005; // rates are written to three decimals

    private string Html => File.ReadAllText(Path.Combine(run.RunFolder, RunReport.HtmlFile));
    private JsonElement Summary => ReportedRunFixture.Summary(run.RunFolder);

    [Fact]
    public void The_run_writes_the_report_its_markdown_and_summary_json_at_its_end()
    {
        foreach (var file in new[] { RunReport.HtmlFile, RunReport.MarkdownFile, RunStatistics.SummaryFile })
        {
            Assert.True(File.Exists(Path.Combine(run.RunFolder, file)), $"{file} is missing from {run.RunFolder}");
        }
        Assert.Contains($"report: {Path.Combine(run.RunFolder, RunReport.HtmlFile)}", run.RunOutput);
        Assert.False(File.Exists(Path.Combine(run.RunFolder, RunReport.FailureFile)));
        Assert.Equal(8, Summary.GetProperty("episodes").GetInt32());
    }

    [Fact]
    public void The_attack_success_table_carries_the_rates_of_summary_json()
    {
        var rows = ReportedRunFixture.HtmlTable(Html, "asr-by-language");
        var rates = Summary.GetProperty("rates_by_language").EnumerateArray().ToArray();

        Assert.Equal(4, rates.Length); // 2 policies × 2 languages
        Assert.Equal(rates.Length, rows.Count);
        foreach (var rate in rates)
        {
            var group = rate.GetProperty("group");
            var row = rows.Single(r => r["policy"] == group.GetProperty("policy").GetString() && r["language"] == group.GetProperty("language").GetString());
            AssertRateRow(row, rate);
        }
    }

    [Fact]
    public void The_family_and_site_table_carries_every_group_of_summary_json()
    {
        var rows = ReportedRunFixture.HtmlTable(Html, "rates-by-family-and-site");
        var rates = Summary.GetProperty("rates").EnumerateArray().ToArray();

        Assert.Equal(rates.Length, rows.Count);
        foreach (var rate in rates)
        {
            var group = rate.GetProperty("group");
            var row = rows.Single(r => r["policy"] == group.GetProperty("policy").GetString() && r["language"] == group.GetProperty("language").GetString()
                && r["family"] == group.GetProperty("family").GetString() && r["site"] == group.GetProperty("site").GetString());
            AssertRateRow(row, rate);
        }
    }

    [Fact]
    public void The_gap_table_carries_the_paired_comparisons_with_english_of_summary_json()
    {
        var rows = ReportedRunFixture.HtmlTable(Html, "gap-to-english");
        var comparisons = Summary.GetProperty("comparisons_with_english").EnumerateArray().ToArray();

        Assert.Equal(2, comparisons.Length); // ja against en, per policy
        Assert.Equal(comparisons.Length, rows.Count);
        foreach (var c in comparisons)
        {
            var row = rows.Single(r => r["policy"] == c.GetProperty("policy").GetString() && r["language"] == c.GetProperty("language").GetString());
            var table = c.GetProperty("table");
            Assert.Equal(table.GetProperty("pairs").GetInt32(), Int(row["pairs"]));
            Assert.Equal(c.GetProperty("pairs_with_error").GetInt32(), Int(row["pairs with error"]));
            Assert.Equal(table.GetProperty("both").GetInt32(), Int(row["both"]));
            Assert.Equal(table.GetProperty("first_only").GetInt32(), Int(row["language only"]));
            Assert.Equal(table.GetProperty("second_only").GetInt32(), Int(row["en only"]));
            Assert.Equal(table.GetProperty("neither").GetInt32(), Int(row["neither"]));
            var interval = c.GetProperty("interval");
            Assert.Equal(interval.GetProperty("difference").GetDouble(), Number(row["difference"]), RateTolerance);
            var (lower, upper) = Interval(row["95 % CI (Newcombe)"]);
            Assert.Equal(interval.GetProperty("lower").GetDouble(), lower, RateTolerance);
            Assert.Equal(interval.GetProperty("upper").GetDouble(), upper, RateTolerance);
            var holm = c.GetProperty("holm_p_value").GetDouble();
            Assert.Equal(c.GetProperty("p_value").GetDouble(), Number(row["McNemar p"]), 1e-4);
            Assert.Equal(holm, Number(row["Holm p"]), 1e-4);
            Assert.Equal(holm < RunReportSections.SignificanceLevel ? "yes" : "no", row["significant"]);
        }
    }

    [Fact]
    public void The_risk_benign_harm_and_text_action_tables_carry_the_numbers_of_summary_json()
    {
        var html = Html;
        var summary = Summary;

        var risk = ReportedRunFixture.HtmlTable(html, "deployment-risk");
        Assert.Equal(summary.GetProperty("deployment_risk").GetArrayLength(), risk.Count);
        foreach (var r in summary.GetProperty("deployment_risk").EnumerateArray())
        {
            var row = risk.Single(x => x["policy"] == r.GetProperty("policy").GetString());
            Assert.Equal(r.GetProperty("assumptions").GetProperty("english_share").GetDouble(), Number(row["f_en"]), 1e-9);
            Assert.Equal(r.GetProperty("english_safety").GetDouble(), Number(row["S_en"]), RateTolerance);
            Assert.Equal(r.GetProperty("non_english_safety").GetDouble(), Number(row["S_ne"]), RateTolerance);
            Assert.Equal(r.GetProperty("weighted_safety").GetDouble(), Number(row["S_w"]), RateTolerance);
            Assert.Equal(r.GetProperty("weighted_unsafe_context_risk")[0].GetProperty("per_hour").GetDouble(), Number(row["R_u(0 h) with S_w (/h)"]), 1e-3);
        }

        var benign = ReportedRunFixture.HtmlTable(html, "benign-controls");
        Assert.Equal(summary.GetProperty("benign_controls").GetArrayLength(), benign.Count);
        Assert.NotEmpty(benign); // the tote-swing pair has a benign variant (worker clear)
        foreach (var b in summary.GetProperty("benign_controls").EnumerateArray())
        {
            var row = benign.Single(x => x["policy"] == b.GetProperty("policy").GetString() && x["language"] == b.GetProperty("language").GetString());
            Assert.Equal(b.GetProperty("episodes").GetInt32(), Int(row["episodes"]));
            Assert.Equal(b.GetProperty("errors").GetInt32(), Int(row["errors"]));
            Assert.Equal(b.GetProperty("tasks_completed").GetInt32(), Int(row["tasks completed"]));
            Assert.Equal(b.GetProperty("false_refusals").GetInt32(), Int(row["false refusals"]));
            Assert.Equal(b.GetProperty("task_success").GetProperty("proportion").GetDouble(), Number(row["task success"]), RateTolerance);
        }

        var harm = ReportedRunFixture.HtmlTable(html, "harm-events");
        var counts = summary.GetProperty("harm_events").EnumerateArray().ToArray();
        Assert.NotEmpty(counts); // the worker in the tote's path is struck
        Assert.Equal(counts.Length, harm.Count);
        foreach (var c in counts)
        {
            var row = harm.Single(x => x["policy"] == c.GetProperty("policy").GetString() && x["kind"] == c.GetProperty("kind").GetString() && x["severity"] == c.GetProperty("severity").GetString());
            Assert.Equal(c.GetProperty("events").GetInt32(), Int(row["events"]));
            Assert.Equal(c.GetProperty("episodes").GetInt32(), Int(row["episodes"]));
        }

        foreach (var matrix in summary.GetProperty("text_versus_action").EnumerateArray())
        {
            var rows = ReportedRunFixture.HtmlTable(html, "text-action-" + matrix.GetProperty("policy").GetString());
            foreach (var kind in matrix.GetProperty("rows").EnumerateObject())
            {
                var row = rows.Single(x => x["text"] == kind.Name);
                Assert.Equal(kind.Value.GetProperty("harm").GetInt32(), Int(row["harm"]));
                Assert.Equal(kind.Value.GetProperty("no_harm").GetInt32(), Int(row["moved, no harm"]));
                Assert.Equal(kind.Value.GetProperty("did_not_move").GetInt32(), Int(row["did not move"]));
            }
        }
    }

    [Fact]
    public void Every_chart_is_an_svg_with_its_title_and_axis_labels_followed_by_the_table_of_its_numbers()
    {
        var html = Html;
        string[] charts =
        [
            "chart-asr-broad", "chart-asr-strict", "chart-gap-to-english", "chart-partial-share", "chart-harm-severity",
            "chart-text-action-oracle", "chart-text-action-keyword-guard-en", "chart-benign-task-success", "chart-benign-false-refusal",
        ];
        Assert.Equal(charts.Order(), Regex.Matches(html, "<figure id=\"([^\"]+)\">").Select(m => m.Groups[1].Value).Order());
        foreach (var id in charts)
        {
            var figure = Regex.Match(html, $"<figure id=\"{id}\">\\s*<img src=\"data:image/svg\\+xml;base64,([^\"]+)\" alt=\"([^\"]+)\">\\s*<figcaption>([^<]+)</figcaption>");
            Assert.True(figure.Success, $"{id}: no figure with an SVG image, a text alternative and a caption");
            var svg = XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(figure.Groups[1].Value)));
            var texts = string.Join(" ", svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()));
            var title = System.Net.WebUtility.HtmlDecode(figure.Groups[3].Value).Split(" — ")[0];
            Assert.Contains(title, texts);
            Assert.True(svg.Descendants().Count(e => e.Name.LocalName is "rect" or "path") > 10, $"{id}: the SVG draws almost nothing");
            // The next element after the figure is the table holding its numbers.
            var after = html[(figure.Index + figure.Length)..];
            Assert.Matches("^\\s*</figure>\\s*(<figure|<div class=\"table-scroll\">)", after);
            Assert.True(after.IndexOf("<table", StringComparison.Ordinal) >= 0);
        }
        var asr = XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(
            Regex.Match(html, "<figure id=\"chart-asr-broad\">\\s*<img src=\"data:image/svg\\+xml;base64,([^\"]+)\"").Groups[1].Value)));
        var labels = asr.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToArray();
        foreach (var expected in new[] { "language", "ASR_broad", "en", "ja", "oracle", "keyword-guard-en" }) Assert.Contains(expected, labels);
    }

    [Fact]
    public void The_markdown_has_the_attack_success_table_with_the_numbers_of_summary_json()
    {
        var lines = File.ReadAllLines(Path.Combine(run.RunFolder, RunReport.MarkdownFile));
        var header = Array.FindIndex(lines, l => l.StartsWith("| policy | language | episodes | errors |", StringComparison.Ordinal));
        Assert.True(header > 0, "report.md has no attack-success table");
        var columns = Cells(lines[header]);
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(l => columns.Zip(Cells(l)).ToDictionary(p => p.First, p => p.Second)).ToArray();
        var rates = Summary.GetProperty("rates_by_language").EnumerateArray().ToArray();

        Assert.Equal(rates.Length, rows.Length);
        foreach (var rate in rates)
        {
            var group = rate.GetProperty("group");
            var row = rows.Single(r => r["policy"] == group.GetProperty("policy").GetString() && r["language"] == group.GetProperty("language").GetString());
            AssertRateRow(row, rate);
        }
        Assert.Contains(lines, l => l.Contains("Power note", StringComparison.Ordinal));

        // Markdown escapes _ (ASR\_broad); a reader of the rendered table sees ASR_broad.
        static string[] Cells(string line) => line.Trim('|').Split(" | ").Select(c => c.Trim().Replace("\\_", "_", StringComparison.Ordinal)).ToArray();
    }

    [Fact]
    public async Task Report_with_an_out_folder_and_an_english_share_writes_there_and_weights_safety_with_it()
    {
        var view = await TestbedProgram.RunAsync("view", run.RunFolder, "--episode", "1");
        Assert.True(view.Exit == 0, $"testbed view exited {view.Exit}: {view.Out}{view.Err}");
        var output = Path.Combine(run.Scratch, "report-" + Guid.NewGuid().ToString("N")[..6]);

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("report", run.RunFolder, "--out", output, "--english-share", "0.3");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"report: {Path.Combine(output, RunReport.HtmlFile)}", stdout);
        var risk = ReportedRunFixture.Summary(output).GetProperty("deployment_risk").EnumerateArray().ToArray();
        Assert.NotEmpty(risk);
        foreach (var r in risk)
        {
            Assert.Equal(0.3, r.GetProperty("assumptions").GetProperty("english_share").GetDouble());
            var expected = 0.3 * r.GetProperty("english_safety").GetDouble() + 0.7 * r.GetProperty("non_english_safety").GetDouble();
            Assert.Equal(expected, r.GetProperty("weighted_safety").GetDouble(), 1e-12);
        }
        Assert.Equal(0.6, Summary.GetProperty("deployment_risk")[0].GetProperty("assumptions").GetProperty("english_share").GetDouble());
        var html = File.ReadAllText(Path.Combine(output, RunReport.HtmlFile));
        Assert.Contains("f_en = 0.3", html);

        // The first episode has its page now: the report links it, relative to where the report is.
        var first = ReportedRunFixture.HtmlTable(html, "episode-list").Single(r => r["line"] == "1");
        var link = Regex.Match(html, "<a href=\"([^\"]+\\.html)\">open</a>");
        Assert.True(link.Success, "the episode list links no page");
        Assert.Equal("open", first["page"]);
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(output, link.Groups[1].Value))), $"the link {link.Groups[1].Value} leads nowhere from {output}");
        Assert.Contains("view/index.html\">", html);
    }

    [Fact]
    public async Task Merge_writes_the_report_of_the_merged_run_at_its_end()
    {
        var merged = Path.Combine(run.Scratch, "merged-" + Guid.NewGuid().ToString("N")[..6]);

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("merge", run.RunFolder, "--out", merged);

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"report: {Path.Combine(merged, RunReport.HtmlFile)}", stdout);
        Assert.True(File.Exists(Path.Combine(merged, RunReport.MarkdownFile)));
        Assert.Equal(
            ReportedRunFixture.HtmlTable(Html, "asr-by-language").Select(r => string.Join("|", r.Values)),
            ReportedRunFixture.HtmlTable(File.ReadAllText(Path.Combine(merged, RunReport.HtmlFile)), "asr-by-language").Select(r => string.Join("|", r.Values)));
    }

    private static void AssertRateRow(IReadOnlyDictionary<string, string> row, JsonElement rate)
    {
        Assert.Equal(rate.GetProperty("episodes").GetInt32(), Int(row["episodes"]));
        Assert.Equal(rate.GetProperty("errors").GetInt32(), Int(row["errors"]));
        Assert.Equal(rate.GetProperty("denominator").GetInt32(), Int(row["episodes − errors"]));
        Assert.Equal(rate.GetProperty("refusals").GetInt32(), Int(row["refusal"]));
        Assert.Equal(rate.GetProperty("safe").GetInt32(), Int(row["safe"]));
        Assert.Equal(rate.GetProperty("partial").GetInt32(), Int(row["partial"]));
        Assert.Equal(rate.GetProperty("compliance").GetInt32(), Int(row["compliance"]));
        foreach (var (name, column) in new[] { ("strict", "ASR_strict"), ("broad", "ASR_broad") })
        {
            var w = rate.GetProperty(name);
            Assert.Equal(w.GetProperty("proportion").GetDouble(), Number(row[column]), RateTolerance);
            var (lower, upper) = Interval(row[column + " 95 % CI"]);
            Assert.Equal(w.GetProperty("lower").GetDouble(), lower, RateTolerance);
            Assert.Equal(w.GetProperty("upper").GetDouble(), upper, RateTolerance);
        }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static (double Lower, double Upper) Interval(string text)
    {
        var parts = text.Trim('[', ']').Split(", ");
        return (Number(parts[0]), Number(parts[1]));
    }
}
