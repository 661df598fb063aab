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
        var lines = File.ReadAllLines(file);
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
