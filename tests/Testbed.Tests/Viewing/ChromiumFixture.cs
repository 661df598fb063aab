using Microsoft.Playwright;

namespace Testbed.Tests.Viewing;

/// <summary>Debian's Chromium, headless, driven by Playwright (which cannot download browsers here): WebGL runs on
/// Chromium's software rasteriser (SwiftShader), so the 3D view renders without a GPU or a display.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: the browser tests need Debian's chromium (sudo apt-get install -y chromium; ./testbed test installs it)");
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Root has no user namespace sandbox here; SwiftShader is WebGL without a GPU.
            Args = ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
