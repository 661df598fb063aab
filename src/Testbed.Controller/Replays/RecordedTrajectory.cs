using System.Globalization;
using Testbed.Controller.Episodes;
using Testbed.Controller.Runs;
using Testbed.Controller.Trajectories;

namespace Testbed.Controller.Replays;

/// <summary>An episode of a run folder with its trajectory: found by the trajectory's folder name or by the record's
/// line number in episodes.jsonl, read, and checked against the SHA-256 the run recorded for each file.</summary>
/// <param name="ChangedFiles">Files of the trajectory whose content is not what the run wrote, each with both hashes.</param>
public sealed record RecordedTrajectory(RunManifest Manifest, EpisodeRecord Record, int Line, string Folder, EpisodeTrajectory Trajectory, IReadOnlyList<string> ChangedFiles)
{
    /// <param name="episode">The trajectory folder name (trajectories/NAME, e.g. tote-to-conveyor-worker-in-path-en-scripted-seed0)
    /// or the 1-based line number of the episode in episodes.jsonl.</param>
    /// <exception cref="RunInputException">No such run, episode or trajectory; the message names it and what was expected.</exception>
    public static async Task<RecordedTrajectory> LoadAsync(string runFolder, string episode, CancellationToken cancel)
    {
        var manifest = RunFolder.ReadManifest(runFolder);
        var records = RunFolder.ReadEpisodes(runFolder);
        RecordedEpisode? found;
        int line;
        if (int.TryParse(episode, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number < 1 || number > records.Count)
            {
                throw new RunInputException($"EPISODE {episode}: {runFolder}/{RunFolder.EpisodesFile} has {records.Count} episode(s); expected a line number from 1 to {records.Count} or a trajectory name");
            }
            found = records[number - 1];
            line = number;
        }
        else
        {
            var name = episode.StartsWith(RunFolder.TrajectoriesFolder + "/", StringComparison.Ordinal) ? episode[(RunFolder.TrajectoriesFolder.Length + 1)..] : episode;
            var index = records.ToList().FindIndex(r => r.Record.Trajectory == RunFolder.TrajectoriesFolder + "/" + name.TrimEnd('/'));
            if (index < 0)
            {
                var names = records.Where(r => r.Record.Trajectory is not null).Select(r => r.Record.Trajectory![(RunFolder.TrajectoriesFolder.Length + 1)..]).Take(5);
                throw new RunInputException($"EPISODE '{episode}' is not a recorded trajectory of {runFolder}; expected a line number (1 to {records.Count}) or one of: {string.Join(", ", names)}");
            }
            found = records[index];
            line = index + 1;
        }
        var record = found.Record;
        if (record.Trajectory is null)
        {
            throw new RunInputException($"episode on line {line} of {runFolder}/{RunFolder.EpisodesFile} ({found.Key}) has no trajectory; it was recorded by a testbed without trajectories, or the bridge did not describe its model");
        }
        var folder = Path.Combine(runFolder, record.Trajectory);
        var changed = FilesChangedSinceRun(record, folder);
        EpisodeTrajectory trajectory;
        try
        {
            trajectory = await TrajectoryFile.ReadAsync(folder, cancel);
        }
        catch (TrajectoryFileException e)
        {
            throw new RunInputException(changed.Count == 0 ? e.Message : $"{e.Message}; {string.Join("; ", changed)}");
        }
        return new RecordedTrajectory(manifest, record, line, folder, trajectory, changed);
    }

    /// <summary>Files whose SHA-256 is not the one the run recorded, each with both hashes.</summary>
    private static IReadOnlyList<string> FilesChangedSinceRun(EpisodeRecord record, string folder)
    {
        var changed = new List<string>();
        if (record.TrajectorySha256 is not { } recorded) return changed;
        foreach (var (file, hash) in recorded.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, file);
            var now = File.Exists(path) ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))) : null;
            if (now != hash)
            {
                changed.Add($"{record.Trajectory}/{file} was changed after the run wrote it (SHA-256 {hash[..Math.Min(12, hash.Length)]}… recorded, {(now is null ? "file missing" : now[..12] + "…")} now)");
            }
        }
        return changed;
    }
}
