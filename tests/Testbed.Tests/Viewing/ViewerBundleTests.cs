using System.Security.Cryptography;
using System.Text;
using Testbed.Controller.Viewer;

namespace Testbed.Tests.Viewing;

public sealed class ViewerBundleTests
{
    private static string WebFolder => Path.Combine(BridgeFixture.RepositoryRoot, "src", "Testbed.Viewer.Web");

    /// <summary>The hash build.mjs writes into the bundle's banner, computed here the same way: each source's path, a
    /// NUL, its text with LF line ends, a NUL.</summary>
    private static string SourcesHash()
    {
        var sources = new List<string> { "package-lock.json", "build.mjs" };
        sources.AddRange(Directory.GetFiles(Path.Combine(WebFolder, "src")).Select(f => "src/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in sources)
        {
            var text = File.ReadAllText(Path.Combine(WebFolder, file)).Replace("\r\n", "\n", StringComparison.Ordinal);
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0" + text + "\0"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [Fact]
    public void The_committed_viewer_bundle_was_built_from_the_committed_sources()
    {
        var expected = SourcesHash();
        foreach (var asset in new[] { "episode-viewer.js", "episode-viewer.css", "run-index.js", "run-index.css" })
        {
            Assert.True(ViewerPage.Asset(asset).StartsWith($"/* testbed viewer bundle; sources sha256 {expected} */", StringComparison.Ordinal),
                $"{asset} was not built from the sources in src/Testbed.Viewer.Web: run `npm ci && npm run build` there and commit src/Testbed.Controller/Viewer/");
        }
    }

    [Fact]
    public void An_episode_page_stays_small_enough_to_attach_to_a_report()
    {
        var bytes = Encoding.UTF8.GetByteCount(ViewerPage.Asset("episode-viewer.js")) + Encoding.UTF8.GetByteCount(ViewerPage.Asset("episode-viewer.css"));
        Assert.True(bytes < 800_000, $"the episode page's code is {bytes} bytes; a page with a 10 s episode's data should stay near 1 MB");
    }
}
