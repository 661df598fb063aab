using Microsoft.Playwright;
using Testbed.Controller.Reports;
using Testbed.Tests.Viewing;

namespace Testbed.Tests.Reports;

/// <summary>report.html opened from disk in a real browser (Debian's headless Chromium).</summary>
[Collection(ReportedRunCollection.Name)]
public sealed class ReportBrowserTests(ReportedRunFixture run, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task The_report_opens_from_disk_with_every_chart_drawn_and_no_console_error_or_network_request()
    {
        var problems = new List<string>();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 900 } });
        try
        {
            page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
            page.PageError += (_, e) => problems.Add($"page error: {e}");
            page.RequestFailed += (_, r) => problems.Add($"request failed: {r.Url}");
            page.Request += (_, r) => { if (!r.Url.StartsWith("file:", StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) problems.Add($"network request: {r.Url}"); };

            await page.GotoAsync(new Uri(Path.Combine(run.RunFolder, RunReport.HtmlFile)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

            Assert.Empty(problems);
            var images = await page.EvaluateAsync<int[][]>("() => [...document.querySelectorAll('figure img')].map(i => [i.complete ? 1 : 0, i.naturalWidth, i.getBoundingClientRect().height])");
            Assert.Equal(9, images.Length);
            Assert.All(images, i => Assert.True(i[0] == 1 && i[1] > 100 && i[2] > 100, $"a chart did not load or is not shown: complete {i[0]}, width {i[1]}, height {i[2]}"));
            Assert.Equal(await page.Locator("figure").CountAsync(), await page.Locator("figure img[alt]").CountAsync());
            Assert.Equal("8", (await page.Locator("#verdict-counts tbody tr:last-child td").Last.InnerTextAsync()).Trim());
            Assert.Equal("Testbed report: run " + Path.GetFileName(run.RunFolder), await page.TitleAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
