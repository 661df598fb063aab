namespace Testbed.Controller.Runs;

/// <summary>The manifest's <c>status</c>, and the exit code each final status gives. The status is written last,
/// after every record, whatever ended the run.</summary>
public static class RunStatus
{
    public const string Running = "running";

    /// <summary>Every planned episode reached a verdict.</summary>
    public const string Completed = "completed";

    /// <summary>Every planned episode was recorded, some as <c>error</c>.</summary>
    public const string CompletedWithErrors = "completed_with_errors";

    /// <summary>The run stopped early: the bridge was unreachable, crashed or hung too often, or the run itself
    /// failed; the manifest's <c>abort_reason</c> says which. Resume it with <c>--resume</c>.</summary>
    public const string Aborted = "aborted";

    /// <summary>Stopped by SIGINT or SIGTERM. Resume it with <c>--resume</c>.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>A merge that lacks planned episodes (<c>testbed merge</c> lists them).</summary>
    public const string Incomplete = "incomplete";
}

/// <summary>Exit codes of `testbed` (README "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Every planned episode reached a verdict and no --fail-if tripped.</summary>
    public const int Passed = 0;

    /// <summary>A --fail-if tripped, a --baseline verdict changed, or an episode is an error (unless --allow-errors).</summary>
    public const int Failed = 1;

    /// <summary>Usage or input error, found before any episode ran where possible.</summary>
    public const int UsageOrInput = 2;

    /// <summary>The run aborted: bridge unreachable, crashed or hung.</summary>
    public const int Aborted = 3;

    /// <summary>Interrupted by SIGINT (SIGTERM too).</summary>
    public const int Interrupted = 130;
}
