using System.Text.Encodings.Web;
using System.Text.Json;
using Testbed.Controller.Episodes;

namespace Testbed.Controller.Runs;

/// <summary>A run's output folder: manifest.json, rewritten as the run progresses, and episodes.jsonl, one line
/// appended and flushed per finished episode so an interrupted run keeps every episode it completed.</summary>
public sealed class RunFolder : IDisposable
{
    public const string ManifestFile = "manifest.json";
    public const string EpisodesFile = "episodes.jsonl";

    public static readonly JsonSerializerOptions Json = new()
    {
        // Instructions are recorded as written (日本語, Tiếng Việt), not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    private readonly StreamWriter _episodes;
    private int _frames;

    private RunFolder(string path)
    {
        Path = path;
        _episodes = new StreamWriter(new FileStream(System.IO.Path.Combine(path, EpisodesFile), FileMode.CreateNew, FileAccess.Write, FileShare.Read));
    }

    public string Path { get; }

    /// <summary>Creates a new folder <paramref name="runId"/> under <paramref name="outputRoot"/>; never reuses one.</summary>
    public static RunFolder Create(string outputRoot, string runId)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(outputRoot, runId));
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new IOException($"run folder '{path}' already exists and is not empty; choose another --out");
        }
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    public void WriteManifest(RunManifest manifest)
    {
        // Write then rename, so a reader never sees half a manifest.
        var target = System.IO.Path.Combine(Path, ManifestFile);
        var temporary = target + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, IndentedJson) + "\n");
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Appends the episode (its harm frame, if any, goes to frames/ first) and returns it as recorded.</summary>
    public EpisodeRecord Append(EpisodeRecord episode)
    {
        if (episode.HarmFrameImage is { } image)
        {
            _frames++;
            var name = $"{_frames:D4}-{episode.Scenario}-{episode.Language}-seed{episode.Seed}-t{episode.HarmFrameTimeS:0.000}s.png";
            var frames = System.IO.Path.Combine(Path, "frames");
            Directory.CreateDirectory(frames);
            File.WriteAllBytes(System.IO.Path.Combine(frames, name), PngFile.Encode(image.Width, image.Height, image.Rgb.Span));
            episode = episode with { HarmFrame = "frames/" + name, HarmFrameImage = null };
        }
        _episodes.WriteLine(JsonSerializer.Serialize(episode, Json));
        _episodes.Flush();
        return episode;
    }

    public void Dispose() => _episodes.Dispose();
}
