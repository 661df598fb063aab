using Microsoft.Playwright;
using SkiaSharp;
using Testbed.Controller.Playback;
using Testbed.Controller.Viewer;
using Testbed.Domain.Harm;
using Xunit.Abstractions;

namespace Testbed.Tests.Viewing;

/// <summary>The pages of `testbed view`, opened from disk in a real browser.</summary>
[Collection(RecordedRunCollection.Name)]
public sealed class EpisodeViewerBrowserTests(RecordedRunFixture run, ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly ChromiumFixture _chromium = chromium;
    private RunViewSummary _view = null!;
    private IPage _page = null!;
    private readonly List<string> _problems = [];

    public async Task InitializeAsync()
    {
        _view = await RunView.WriteAsync(run.RunFolder, Path.Combine(run.Scratch, "view-" + Guid.NewGuid().ToString("N")[..6]), run.Calls, null, null, default);
        _page = await _chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } });
        _page.Console += (_, m) => { if (m.Type is "error" or "warning") _problems.Add($"console {m.Type}: {m.Text}"); };
        _page.PageError += (_, e) => _problems.Add($"page error: {e}");
        _page.Request += (_, r) => { if (!r.Url.StartsWith("file:", StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) _problems.Add($"network request: {r.Url}"); };
    }

    public async Task DisposeAsync() => await _page.CloseAsync();

    private string PageOf(string scenario) => Path.Combine(_view.Folder, _view.Episodes.Single(e => e.Record.Scenario == scenario).Page!);

    private async Task OpenAsync(string file)
    {
        await _page.GotoAsync(new Uri(file).AbsoluteUri);
        await _page.WaitForFunctionAsync("() => window.testbedViewer && window.testbedViewer.ready");
    }

    [Fact]
    public async Task The_episode_page_opens_from_disk_without_console_errors_or_network_requests()
    {
        await OpenAsync(PageOf(RecordedRunFixture.HarmfulScenario));

        Assert.Empty(_problems);
        var record = run.Record(RecordedRunFixture.HarmfulScenario);
        Assert.Equal(record.Instruction, await _page.InnerTextAsync("#instruction"));
        Assert.Equal(record.Language, await _page.InnerTextAsync("#language"));
        Assert.Equal("compliance", await _page.InnerTextAsync("#verdict"));
        Assert.Equal(record.VerdictReason, await _page.InnerTextAsync("#verdict-reason"));
        Assert.Equal(record.HarmEvents.Count, await _page.Locator("#harm-events li").CountAsync());
    }

    [Fact]
    public async Task Moving_the_timeline_moves_the_robot()
    {
        await OpenAsync(PageOf(RecordedRunFixture.HarmfulScenario));
        var before = await ToolPositionAsync();
        var pixelsBefore = await ViewPixelsAsync();

        var periods = await _page.EvaluateAsync<int>("() => window.testbedViewer.periods");
        await _page.Locator("#timeline").FillAsync((periods / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var after = await ToolPositionAsync();
        Assert.Equal(periods / 2, await _page.EvaluateAsync<int>("() => window.testbedViewer.period"));
        var moved = Math.Sqrt(before.Zip(after, (a, b) => (a - b) * (a - b)).Sum());
        Assert.True(moved > 0.05, $"the arm's tool moved {moved:0.000} m between period 0 and {periods / 2}");
        var changed = Changed(pixelsBefore, await ViewPixelsAsync());
        output.WriteLine($"the tool moved {moved:0.000} m; {changed} pixels of the view changed");
        Assert.True(changed > 500, $"{changed} pixels of the 3D view changed when the timeline moved");
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task At_the_harm_event_the_view_shows_the_contacted_region_in_its_severitys_colour()
    {
        await OpenAsync(PageOf(RecordedRunFixture.HarmfulScenario));
        var record = run.Record(RecordedRunFixture.HarmfulScenario);
        var harm = CameraChoice.FirstHarmfulContact(record.HarmEvents)!;
        var colour = SKColor.Parse(SeverityColours.Of(harm.Severity));
        var atStart = Count(await ViewPixelsAsync(), colour);

        var index = record.HarmEvents.ToList().IndexOf(harm);
        await _page.Locator($"#harm-events button[data-event='{index}']").ClickAsync();

        var screenshot = await ViewPixelsAsync();
        var atHarm = Count(screenshot, colour);
        Directory.CreateDirectory(Path.Combine(run.Scratch, "screenshots"));
        await File.WriteAllBytesAsync(Path.Combine(run.Scratch, "screenshots", "harm.png"), await _page.ScreenshotAsync());
        output.WriteLine($"pixels in the {harm.Severity.ToId()} colour: {atStart} at the start, {atHarm} at the harm event");
        Assert.True(atStart < 20, $"{atStart} pixels in the {harm.Severity.ToId()} colour before any contact");
        Assert.True(atHarm > 300, $"{atHarm} pixels in the {harm.Severity.ToId()} colour ({colour}) at the harm event on {harm.Region}; expected the region highlighted");
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task The_run_index_lists_every_episode_and_filters_them_by_verdict()
    {
        await _page.GotoAsync(new Uri(_view.Index).AbsoluteUri);

        Assert.Equal(_view.Episodes.Count, await _page.Locator("#episodes tbody tr").CountAsync());
        await _page.SelectOptionAsync("#filter-verdict", "compliance");
        var harmful = _view.Episodes.Count(e => e.Record.Verdict == Testbed.Domain.Verdicts.Verdict.Compliance);
        Assert.Equal(harmful, await _page.Locator("#episodes tbody tr:visible").CountAsync());
        var link = await _page.Locator("#episodes tbody tr:visible a").First.GetAttributeAsync("href");
        Assert.True(File.Exists(Path.Combine(_view.Folder, link!)), $"the index links to {link}, which is not in {_view.Folder}");
        Assert.Empty(_problems);
    }

    private async Task<double[]> ToolPositionAsync() => await _page.EvaluateAsync<double[]>("() => window.testbedViewer.bodyPosition('arm_tool')");

    private async Task<SKBitmap> ViewPixelsAsync() => SKBitmap.Decode(await _page.Locator(".view canvas").ScreenshotAsync());

    private static int Count(SKBitmap bitmap, SKColor colour)
    {
        var n = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (Math.Abs(p.Red - colour.Red) + Math.Abs(p.Green - colour.Green) + Math.Abs(p.Blue - colour.Blue) < 30) n++;
            }
        }
        return n;
    }

    private static int Changed(SKBitmap a, SKBitmap b)
    {
        var n = 0;
        for (var y = 0; y < Math.Min(a.Height, b.Height); y++)
        {
            for (var x = 0; x < Math.Min(a.Width, b.Width); x++)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                if (Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 30) n++;
            }
        }
        return n;
    }
}
