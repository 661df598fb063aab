using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Testbed.Controller.Episodes;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Runs;

/// <summary>A run's output folder: manifest.json, rewritten as the run progresses, and episodes.jsonl, one line
/// appended and flushed per finished episode so an interrupted run keeps every episode it completed. Workers
/// append concurrently; each line is written whole.</summary>
public sealed class RunFolder : IDisposable
{
    public const string ManifestFile = "manifest.json";
    public const string EpisodesFile = "episodes.jsonl";
    public const string FramesFolder = "frames";
    public const string TrajectoriesFolder = "trajectories";

    public static readonly JsonSerializerOptions Json = new()
    {
        // Instructions are recorded as written (日本語, Tiếng Việt), not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A NaN measured in a broken episode is recorded as "NaN" rather than making the record unwritable.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    private readonly StreamWriter _episodes;
    private readonly Lock _write = new();

    private RunFolder(string path, FileMode mode)
    {
        Path = path;
        _episodes = new StreamWriter(new FileStream(System.IO.Path.Combine(path, EpisodesFile), mode, FileAccess.Write, FileShare.Read));
    }

    public string Path { get; }

    /// <summary>Creates a new folder <paramref name="runId"/> under <paramref name="outputRoot"/>; never reuses one.</summary>
    public static RunFolder Create(string outputRoot, string runId)
    {
        if (File.Exists(outputRoot))
        {
            throw new RunInputException($"--out '{outputRoot}' is a file; expected a folder (created if missing) to hold run folders");
        }
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(outputRoot, runId));
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new RunInputException($"run folder '{path}' already exists and is not empty; choose another --out");
        }
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunInputException($"cannot create run folder '{path}' (--out '{outputRoot}'): {e.Message}");
        }
        return new RunFolder(path, FileMode.CreateNew);
    }

    /// <summary>Reopens a run folder to continue it, keeping only <paramref name="keep"/> of its records (the
    /// others will be run again): episodes.jsonl is rewritten whole, then appended to.</summary>
    public static RunFolder Reopen(string path, IEnumerable<RecordedEpisode> keep)
    {
        var file = System.IO.Path.Combine(path, EpisodesFile);
        try
        {
            // A run still going holds its episodes file open for writing; rewriting it under that run would lose records.
            using var probe = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new RunInputException($"cannot resume {path}: another testbed process is still writing it ({e.Message})");
        }
        var temporary = file + ".tmp";
        File.WriteAllLines(temporary, keep.Select(r => r.Line));
        File.Move(temporary, file, overwrite: true);
        return new RunFolder(path, FileMode.Append);
    }

    public static RunManifest ReadManifest(string folder)
    {
        var file = System.IO.Path.Combine(folder, ManifestFile);
        if (!File.Exists(file)) throw new RunInputException($"'{folder}' is not a run folder: it has no {ManifestFile}");
        try
        {
            return JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(file), Json)
                ?? throw new RunInputException($"{file} is empty; expected a run manifest");
        }
        catch (JsonException e)
        {
            throw new RunInputException($"{file} is not a run manifest: {e.Message}");
        }
    }

    /// <summary>The records of a run folder. A last line that is cut off (the run was killed while writing it)
    /// is dropped, so its episode runs again on resume; a bad line elsewhere is an error naming it.</summary>
    public static IReadOnlyList<RecordedEpisode> ReadEpisodes(string folder)
    {
        var file = System.IO.Path.Combine(folder, EpisodesFile);
        if (!File.Exists(file)) return [];
        var lines = File.ReadAllLines(file);
        var records = new List<RecordedEpisode>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                var record = JsonSerializer.Deserialize<EpisodeRecord>(lines[i], Json) ?? throw new JsonException("null record");
                records.Add(new RecordedEpisode(record, lines[i]));
            }
            catch (JsonException e)
            {
                if (i == lines.Length - 1) break;
                throw new RunInputException($"{file} line {i + 1} is not an episode record: {e.Message}");
            }
        }
        return records;
    }

    public void WriteManifest(RunManifest manifest)
    {
        lock (_write) WriteManifest(Path, manifest);
    }

    public static void WriteManifest(string folder, RunManifest manifest)
    {
        // Write then rename, so a reader never sees half a manifest.
        var target = System.IO.Path.Combine(folder, ManifestFile);
        var temporary = target + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, IndentedJson) + "\n");
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Writes the episode's trajectory (if any) to trajectories/, then appends the episode.</summary>
    public async Task<RecordedEpisode> AppendAsync(EpisodeRecord episode, CancellationToken cancel = default)
    {
        if (episode.TrajectoryData is { } trajectory)
        {
            var name = TrajectoryFile.FolderName(episode.Scenario, episode.Language, episode.Policy, episode.Seed);
            var relative = TrajectoriesFolder + "/" + name;
            trajectory = trajectory.WithOutcome(episode.Verdict.ToId(), episode.VerdictReason, episode.HarmEvents, episode.Error);
            var hashes = await TrajectoryFile.WriteAsync(System.IO.Path.Combine(Path, TrajectoriesFolder, name), trajectory, cancel);
            episode = episode with { Trajectory = relative, TrajectorySha256 = hashes, TrajectoryData = null };
        }
        return Append(episode);
    }

    /// <summary>Appends the episode (its harm frame, if any, goes to frames/ first) and returns it as recorded.</summary>
    public RecordedEpisode Append(EpisodeRecord episode)
    {
        if (episode.HarmFrameImage is { } image)
        {
            // Named by the episode, not by the order of finishing, so any number of workers name it alike.
            // A policy URI (grpc://host:port#config-…) holds characters a file name must not.
            var policy = string.Concat(episode.Policy.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
            var name = FormattableString.Invariant($"{episode.Scenario}-{episode.Language}-{policy}-seed{episode.Seed}-t{episode.HarmFrameTimeS:0.000}s.png");
            var frames = System.IO.Path.Combine(Path, FramesFolder);
            Directory.CreateDirectory(frames);
            File.WriteAllBytes(System.IO.Path.Combine(frames, name), PngFile.Encode(image.Width, image.Height, image.Rgb.Span));
            episode = episode with { HarmFrame = FramesFolder + "/" + name, HarmFrameImage = null };
        }
        var line = JsonSerializer.Serialize(episode, Json);
        lock (_write)
        {
            _episodes.WriteLine(line);
            _episodes.Flush();
        }
        return new RecordedEpisode(episode, line);
    }

    public void Dispose() => _episodes.Dispose();
}

/// <summary>An episode as a run folder holds it: the record and its exact line in episodes.jsonl.</summary>
public sealed record RecordedEpisode(EpisodeRecord Record, string Line)
{
    public EpisodeKey Key => new(Record.Scenario, Record.Language, Record.Policy, Record.Seed);
}

/// <summary>Input that stops a run before it starts (exit code 2): the message names the input and what was expected.</summary>
public sealed class RunInputException(string message) : Exception(message);

/// <summary>The run cannot go on: the bridge is unreachable, crashed or hung too often (exit code 3).</summary>
public sealed class RunAbortedException(string message, Exception? inner = null) : Exception(message, inner);
