using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Controller.Bridge;

// Exit codes (README "Contracts"): 0 ran, 1 a threshold or check failed, 2 usage or input error.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
// `bridge serve` under a supervisor or in CI is stopped with SIGTERM: shut down as for Ctrl+C.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
Console.OutputEncoding = System.Text.Encoding.UTF8;

const string usage = $"""
    testbed — does a robot policy's safety hold in every language? Physics decides.

    usage:
    {RunCommand.Usage}
    {BridgeCommands.Usage}
    {BenchCommand.Usage}
    {PersonCommand.Usage}
    """;

try
{
    return args switch
    {
        [] or ["help" or "--help" or "-h"] => Help(),
        ["run", .. var rest] => await RunCommand.RunAsync(rest, Console.Out, cancel.Token),
        ["bridge", "serve", .. var rest] => await BridgeCommands.ServeAsync(rest, Console.Out, cancel.Token),
        ["bridge", "check", .. var rest] => await BridgeCommands.CheckAsync(rest, Console.Out, cancel.Token),
        ["bench", "bridge", .. var rest] => await BenchCommand.RunAsync(rest, Console.Out, cancel.Token),
        ["scenes", "person", .. var rest] => PersonCommand.Run(rest, Console.Out),
        _ => throw new UsageException($"unknown command '{string.Join(" ", args)}'; expected run, bridge serve, bridge check, bench bridge or scenes person (see `testbed help`)"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return 2;
}
catch (Testbed.Domain.Input.ScenarioInputException e)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return 2;
}
catch (BridgeUnreachableException e)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return 2;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("testbed: interrupted");
    return 130;
}

int Help()
{
    Console.WriteLine(usage);
    return 0;
}
