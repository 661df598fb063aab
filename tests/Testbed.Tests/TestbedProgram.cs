using System.Diagnostics;

namespace Testbed.Tests;

/// <summary>The `testbed` program run as a user runs it: a separate process, real files, real exit codes.</summary>
public static class TestbedProgram
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "testbed.dll");

    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BridgeFixture.RepositoryRoot };
        start.ArgumentList.Add(Program);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
