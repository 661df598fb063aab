using System.CommandLine;
using System.Runtime.InteropServices;
using Testbed.Cli;
using Testbed.Controller.Bridge;
using Testbed.Controller.Runs;

// Exit codes: README "Exit codes" and `testbed help`. Signals are handled here, once: SIGINT and SIGTERM cancel
// the command, which ends its run as interrupted (130).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
Console.OutputEncoding = System.Text.Encoding.UTF8;

var root = TestbedCommand.Create();

var parse = root.Parse(args.Length == 0 ? ["help"] : args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"testbed: {error.Message}");
    Console.Error.WriteLine($"testbed: see `testbed {string.Join(' ', CommandPath(parse))} --help`");
    return ExitCodes.UsageOrInput;
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancel.Token);
}
catch (Exception e) when (e is UsageException or RunInputException or Testbed.Domain.Input.ScenarioInputException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return ExitCodes.UsageOrInput;
}
catch (BridgeUnreachableException e)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return ExitCodes.Aborted;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"testbed: {e.Message}");
    return ExitCodes.UsageOrInput;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("testbed: interrupted");
    return ExitCodes.Interrupted;
}

static IEnumerable<string> CommandPath(ParseResult parse)
{
    var names = new List<string>();
    for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, result.Command.Name);
    }
    return names;
}
