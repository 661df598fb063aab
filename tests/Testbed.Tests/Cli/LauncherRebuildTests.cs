using System.Diagnostics;

namespace Testbed.Tests.Cli;

/// <summary>The ./testbed launcher, run by bash on a small two-project copy of the repository layout with the real
/// dotnet: it builds when a source file is newer than its last successful build, exactly once, and not again.</summary>
public sealed class LauncherRebuildTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "testbed-launcher-" + Guid.NewGuid().ToString("N"));

    public LauncherRebuildTests()
    {
        Directory.CreateDirectory(_root);
        File.Copy(Path.Combine(BridgeFixture.RepositoryRoot, "testbed"), Path.Combine(_root, "testbed"));
        Directory.CreateDirectory(Path.Combine(_root, "bridge"));
        Directory.CreateDirectory(Path.Combine(_root, "proto"));
        Write("Directory.Build.props",
            "<Project><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>");
        Write("src/Testbed.Lib/Testbed.Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>");
        Write("src/Testbed.Lib/Greeting.cs", "namespace Lib; public static class Greeting { public const string Text = \"hello\"; }");
        Write("src/Testbed.Cli/Testbed.Cli.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType><AssemblyName>testbed</AssemblyName></PropertyGroup>" +
            "<ItemGroup><ProjectReference Include=\"../Testbed.Lib/Testbed.Lib.csproj\" /></ItemGroup></Project>");
        Write("src/Testbed.Cli/Program.cs", "System.Console.WriteLine(Lib.Greeting.Text + \" \" + string.Join(\" \", args));");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Greeting => Path.Combine(_root, "src", "Testbed.Lib", "Greeting.cs");

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private async Task<(int Exit, string Out, bool Built)> LaunchAsync()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        start.ArgumentList.Add(Path.Combine(_root, "testbed"));
        start.ArgumentList.Add("world");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).Trim() + (await stderr), (await stderr).Contains("testbed: building…"));
    }

    [Fact]
    public async Task Touching_a_source_file_rebuilds_exactly_once_and_a_failed_build_is_tried_again()
    {
        var first = await LaunchAsync();
        Assert.True(first.Built && first.Exit == 0 && first.Out.StartsWith("hello world"), first.Out);
        Assert.False((await LaunchAsync()).Built);

        // Touched, not changed: a dependency rebuilds to the same bytes and MSBuild leaves testbed.dll as it was.
        File.SetLastWriteTimeUtc(Greeting, DateTime.UtcNow);
        var afterTouch = new[] { await LaunchAsync(), await LaunchAsync(), await LaunchAsync() };
        Assert.Equal([true, false, false], afterTouch.Select(r => r.Built));
        Assert.All(afterTouch, r => Assert.StartsWith("hello world", r.Out));

        File.WriteAllText(Greeting, File.ReadAllText(Greeting).Replace("\"hello\"", "\"hi\""));
        var changed = await LaunchAsync();
        Assert.True(changed.Built && changed.Out.StartsWith("hi world"), changed.Out);

        File.WriteAllText(Greeting, "this does not compile");
        var broken = new[] { await LaunchAsync(), await LaunchAsync() };
        Assert.All(broken, r => Assert.True(r.Built && r.Exit == 2 && r.Out.Contains("testbed: build failed"), r.Out));

        File.WriteAllText(Greeting, "namespace Lib; public static class Greeting { public const string Text = \"fixed\"; }");
        var repaired = new[] { await LaunchAsync(), await LaunchAsync() };
        Assert.Equal([true, false], repaired.Select(r => r.Built));
        Assert.All(repaired, r => Assert.StartsWith("fixed world", r.Out));
    }
}
