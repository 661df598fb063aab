using Testbed.Controller.Episodes;

namespace Testbed.Controller.Runs;

/// <summary>What a run tells whoever watches it (a terminal progress bar, plain lines, a test).</summary>
public interface IRunProgress
{
    /// <summary>The run has a folder and knows how many episodes it will run now (after resume skips).</summary>
    void Started(string folder, int toRun, int alreadyRecorded);

    void EpisodeFinished(EpisodeRecord record, int finished, int toRun);

    /// <summary>A worker's bridge is up (<paramref name="worker"/> is -1 for a restart); the process id of a child
    /// process, null for a remote bridge.</summary>
    void BridgeStarted(int worker, string address, int? processId) { }

    /// <summary>Something the user should read: a bridge restart, a retry, why the run aborts.</summary>
    void Note(string message);
}

public sealed class SilentRunProgress : IRunProgress
{
    public static SilentRunProgress Instance { get; } = new();
    public void Started(string folder, int toRun, int alreadyRecorded) { }
    public void EpisodeFinished(EpisodeRecord record, int finished, int toRun) { }
    public void Note(string message) { }
}
