using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Runs;

/// <summary>What a run ended with: its status, its folder and every record in it (resumed ones included).</summary>
public sealed record RunSummary(string Status, string Folder, int EpisodesPlanned, IReadOnlyList<RecordedEpisode> Episodes, string? AbortReason)
{
    public int Errors => Episodes.Count(e => e.Record.Verdict == Verdict.Error);

    public IReadOnlyDictionary<string, int> VerdictCounts =>
        Episodes.GroupBy(e => e.Record.Verdict).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToId(), g => g.Count());

    /// <summary>The exit code of `testbed run` for this outcome (README "Exit codes").</summary>
    /// <param name="allowErrors">--allow-errors: error episodes alone do not fail the run.</param>
    /// <param name="checksFailed">A --fail-if tripped or a --baseline verdict changed.</param>
    public int ExitCode(bool allowErrors, bool checksFailed) => Status switch
    {
        RunStatus.Interrupted => ExitCodes.Interrupted,
        RunStatus.Aborted => ExitCodes.Aborted,
        _ when checksFailed => ExitCodes.Failed,
        _ when Errors > 0 && !allowErrors => ExitCodes.Failed,
        RunStatus.Completed or RunStatus.CompletedWithErrors => ExitCodes.Passed,
        _ => ExitCodes.Failed,
    };

    public static string FinalStatus(int planned, IReadOnlyList<RecordedEpisode> episodes) =>
        episodes.Count < planned ? RunStatus.Incomplete
        : episodes.Any(e => e.Record.Verdict == Verdict.Error) ? RunStatus.CompletedWithErrors
        : RunStatus.Completed;
}
