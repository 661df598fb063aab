using System.Text.Json;
using Testbed.Controller.Episodes;
using Testbed.Controller.Runs;

namespace Testbed.Controller.Results;

/// <summary>Every record of a run folder's episodes.jsonl with its line number. Unlike
/// <see cref="RunFolder.ReadEpisodes"/>, which lets resume drop a cut-off last line, any line that is not a record
/// is an error naming the file and the line: the stores must hold every line or none.</summary>
public static class EpisodeLines
{
    public static IReadOnlyList<(int Line, RecordedEpisode Episode)> Read(string folder)
    {
        var file = Path.Combine(folder, RunFolder.EpisodesFile);
        if (!File.Exists(file)) return [];
        // The run's own writer still holds the file open for appending when the run writes its stores.
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var text = new StreamReader(stream);
        var lines = text.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
        var records = new List<(int, RecordedEpisode)>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                var record = JsonSerializer.Deserialize<EpisodeRecord>(lines[i], RunFolder.Json) ?? throw new JsonException("the line is null");
                records.Add((i + 1, new RecordedEpisode(record, lines[i])));
            }
            catch (JsonException e)
            {
                var cutOff = i == lines.Length - 1 ? " (the last line: the run was probably killed while writing it; `testbed run --resume` runs that episode again)" : "";
                throw new RunInputException($"{file} line {i + 1} is not an episode record{cutOff}: {e.Message}");
            }
        }
        return records;
    }
}
