using System.CommandLine;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Controller.Conformance;

namespace Testbed.Cli.Commands;

/// <summary>`testbed bridge serve` and `testbed bridge check ADDRESS`.</summary>
public static class BridgeCommands
{
    public static Command Create()
    {
        var bridge = new Command("bridge", "Runs a MuJoCo bridge, or checks any bridge against the contract.");
        bridge.Subcommands.Add(Serve());
        bridge.Subcommands.Add(Check());
        return bridge;
    }

    private static Command Serve()
    {
        var host = new Option<string>("--host") { Description = "address to listen on (0.0.0.0: every interface; the bridge has no authentication)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = OptionValues.Int("--port", "port; 0 picks a free one", 50151, 0, 65535);
        var scenes = new Option<string>("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };
        var idle = OptionValues.Double("--idle-timeout", "close sessions idle for longer", 600, 0.1, 7 * 24 * 3600, "SECONDS");
        var maxSessions = OptionValues.Int("--max-sessions", "sessions open at once", 64, 1, 100_000);
        var stopOnStdin = new Option<bool>("--stop-on-stdin-close") { Description = "stop when standard input closes (how a run stops the bridge processes it started)" };
        var command = new Command("serve", "Runs the MuJoCo bridge until interrupted and prints the address it listens on.") { host, port, scenes, idle, maxSessions, stopOnStdin };
        command.SetAction(async (parse, cancel) =>
        {
            var options = new BridgeOptions
            {
                Host = parse.GetValue(host)!, Port = parse.GetValue(port), SceneRoot = RepositoryPaths.FindScenes(parse.GetValue(scenes)),
                SessionIdleTimeout = TimeSpan.FromSeconds(parse.GetValue(idle)), MaxSessions = parse.GetValue(maxSessions),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            await using var server = await BridgeServer.StartAsync(options, cancel: cancel);
            await Console.Out.WriteLineAsync($"testbed bridge listening on {server.Address} (scenes: {options.SceneRoot}); Ctrl+C stops it");
            await Console.Out.FlushAsync(cancel);
            if (parse.GetValue(stopOnStdin))
            {
                _ = Task.Run(async () =>
                {
                    while (await Console.In.ReadLineAsync() is not null)
                    {
                    }
                    await stop.CancelAsync();
                });
            }
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            await Console.Out.WriteLineAsync("testbed bridge stopped");
            return 0;
        });
        return command;
    }

    private static Command Check()
    {
        var address = new Argument<string>("ADDRESS") { Description = "the bridge, host:port or http://host:port" };
        var only = OptionValues.List("--only", $"run only these checks: {string.Join(", ", BridgeConformance.CheckNames)}", "CHECK,…");
        only.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!BridgeConformance.CheckNames.Contains(name)) result.AddError($"unknown check '{name}'; expected one of: {string.Join(", ", BridgeConformance.CheckNames)}");
            }
        });
        var command = new Command("check", "Runs the bridge conformance checks over gRPC against any bridge. Exit 1 when a check fails.") { address, only };
        command.SetAction(async (parse, cancel) =>
        {
            using var connection = await BridgeConnection.ConnectAsync(parse.GetValue(address)!, TimeSpan.FromSeconds(10), cancel);
            var c = connection.Capabilities;
            await Console.Out.WriteLineAsync($"bridge at {connection.Address}: {c.BridgeName} {c.BridgeVersion}, {c.EngineName} {c.EngineVersion}");
            var conformance = new BridgeConformance(connection.Client);
            var selected = parse.GetValue(only) is { Length: > 0 } o ? o : BridgeConformance.CheckNames.ToArray();
            int passed = 0, failed = 0, skipped = 0;
            foreach (var check in selected)
            {
                var result = await conformance.RunAsync(check);
                var mark = result.Outcome switch { ConformanceOutcome.Passed => "PASS", ConformanceOutcome.Failed => "FAIL", _ => "SKIP" };
                await Console.Out.WriteLineAsync($"  {mark}  {check,-36} {result.Detail} ({result.Elapsed.TotalSeconds:F2} s)");
                switch (result.Outcome)
                {
                    case ConformanceOutcome.Passed: passed++; break;
                    case ConformanceOutcome.Failed: failed++; break;
                    default: skipped++; break;
                }
            }
            await Console.Out.WriteLineAsync($"{passed} passed, {failed} failed, {skipped} skipped");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
