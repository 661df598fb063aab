using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Conformance;

namespace Testbed.Cli.Commands;

/// <summary>`testbed bridge serve` and `testbed bridge check ADDRESS`.</summary>
public static class BridgeCommands
{
    public const string Usage = """
        testbed bridge serve [--host 127.0.0.1] [--port 50151] [--scenes DIR] [--idle-timeout SECONDS] [--max-sessions N]
            Runs the MuJoCo bridge until interrupted. --port 0 picks a free port. Prints the address it listens on.
        testbed bridge check ADDRESS [--only CHECK,...]
            Runs the bridge conformance checks over gRPC against any bridge (host:port or http://host:port).
        """;

    public static async Task<int> ServeAsync(string[] args, TextWriter output, CancellationToken cancel)
    {
        var line = new CommandLine(args, new HashSet<string> { "--host", "--port", "--scenes", "--idle-timeout", "--max-sessions" }, new HashSet<string>());
        line.NoPositional("bridge serve");
        var options = new BridgeOptions
        {
            Host = line.Value("--host") ?? "127.0.0.1",
            Port = line.Int("--port", 50151, 0, 65535),
            SceneRoot = RepositoryPaths.FindScenes(line.Value("--scenes")),
            SessionIdleTimeout = TimeSpan.FromSeconds(line.Double("--idle-timeout", 600, 0.1, 7 * 24 * 3600)),
            MaxSessions = line.Int("--max-sessions", 64, 1, 100_000),
        };
        await using var server = await BridgeServer.StartAsync(options, cancel: cancel);
        await output.WriteLineAsync($"testbed bridge listening on {server.Address} (scenes: {options.SceneRoot}); Ctrl+C stops it");
        await output.FlushAsync(cancel);
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
        }
        await output.WriteLineAsync("testbed bridge stopped");
        return 0;
    }

    public static async Task<int> CheckAsync(string[] args, TextWriter output, CancellationToken cancel)
    {
        var line = new CommandLine(args, new HashSet<string> { "--only" }, new HashSet<string>());
        if (line.Positional.Count != 1) throw new UsageException("bridge check needs exactly one ADDRESS, e.g. `testbed bridge check 127.0.0.1:50151`");
        using var connection = await BridgeConnection.ConnectAsync(line.Positional[0], TimeSpan.FromSeconds(10), cancel);
        var c = connection.Capabilities;
        await output.WriteLineAsync($"bridge at {connection.Address}: {c.BridgeName} {c.BridgeVersion}, {c.EngineName} {c.EngineVersion}");
        var conformance = new BridgeConformance(connection.Client);
        var only = line.List("--only");
        foreach (var name in only)
        {
            if (!BridgeConformance.CheckNames.Contains(name)) throw new UsageException($"unknown check '{name}'; expected one of: {string.Join(", ", BridgeConformance.CheckNames)}");
        }
        var checks = only.Count > 0 ? only : BridgeConformance.CheckNames;
        int passed = 0, failed = 0, skipped = 0;
        foreach (var check in checks)
        {
            var result = await conformance.RunAsync(check);
            var mark = result.Outcome switch { ConformanceOutcome.Passed => "PASS", ConformanceOutcome.Failed => "FAIL", _ => "SKIP" };
            await output.WriteLineAsync($"  {mark}  {check,-36} {result.Detail} ({result.Elapsed.TotalSeconds:F2} s)");
            switch (result.Outcome)
            {
                case ConformanceOutcome.Passed: passed++; break;
                case ConformanceOutcome.Failed: failed++; break;
                default: skipped++; break;
            }
        }
        await output.WriteLineAsync($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed == 0 ? 0 : 1;
    }
}
