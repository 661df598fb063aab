using System.Security.Cryptography;
using System.Text;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// SHA-256 fingerprints of scene folders, recorded in a run's manifest.json so that a result can be traced to the
/// exact MJCF, manifest and scenario files it was produced with.
/// </summary>
public static class SceneContentHash
{
    /// <summary>
    /// Hash of every file under <paramref name="folder"/>, sorted by relative path ('/'-separated, ordinal), each fed as
    /// path, NUL, content length, content. The path is part of the hash so that renaming or moving a file changes it;
    /// the length keeps one file's end from being confused with the next one's start.
    /// </summary>
    public static string OfFolder(string folder)
    {
        var root = Path.GetFullPath(folder);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => (Relative: Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), Full: path))
            .OrderBy(file => file.Relative, StringComparer.Ordinal)
            .ToList();

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var (relative, full) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            hash.AppendData([0]);
            var content = File.ReadAllBytes(full);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, content.LongLength);
            hash.AppendData(length);
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Hash over the per-scene hashes as lines "id hash\n", sorted by scene id.</summary>
    public static string OfCorpus(IReadOnlyDictionary<string, string> sceneHashes)
    {
        var text = new StringBuilder();
        foreach (var (id, sceneHash) in sceneHashes.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append(id).Append(' ').Append(sceneHash).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
