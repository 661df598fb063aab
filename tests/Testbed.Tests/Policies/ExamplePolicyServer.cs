using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Testbed.Tests.Policies;

/// <summary>examples/policy-server/policy_server.py running as a process on a free port, with Debian's python3.
/// When its packages are missing, starting it fails saying what to install: the tests that need it fail, never
/// pass without it.</summary>
public sealed partial class ExamplePolicyServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private ExamplePolicyServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Uri => $"grpc://127.0.0.1:{Port}";

    public static async Task<ExamplePolicyServer> StartAsync(params string[] arguments)
    {
        var script = Path.Combine(BridgeFixture.RepositoryRoot, "examples", "policy-server", "policy_server.py");
        var install = "examples/policy-server/install-prerequisites.sh (./testbed test runs it as root)";
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} is missing: the example policy server needs Debian's python3; run {install}");
        var start = new ProcessStartInfo(Python, [script, "--port", "0", .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python} {script}");
        var stderr = process.StandardError.ReadToEndAsync();
        var firstLine = process.StandardOutput.ReadLineAsync();
        var finished = await Task.WhenAny(firstLine, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != firstLine || await firstLine is not { } line || ListeningOn().Match(line) is not { Success: true } match)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new InvalidOperationException(
                $"the example policy server did not start (exit {process.ExitCode}): {(await stderr).Trim()}\n" +
                $"If a module (grpc, grpc_tools, google.protobuf) is missing, run {install}.");
        }
        return new ExamplePolicyServer(process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Ends the server at once, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"^listening on \S+:(\d+)$")]
    private static partial Regex ListeningOn();
}
