using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Testbed.Mjcf;

/// <summary>SHA-256 over a set of files inside one folder, recorded so that a result can be traced to the exact
/// files it was produced with.</summary>
public static class FileSetHash
{
    /// <summary>
    /// Each file is fed as its path relative to <paramref name="folder"/> ('/'-separated; both with every symbolic
    /// link followed, so a scene hashes alike wherever its folder is reached from), NUL, content length
    /// (int64 little-endian), content; files sorted by that path (ordinal), each once. The path is part of the hash
    /// so that renaming or moving a file changes it; the length keeps one file's end from being confused with the
    /// next one's start.
    /// </summary>
    public static string Of(string folder, IEnumerable<string> files)
    {
        var root = SceneFolderBoundary.RealPath(Path.GetFullPath(folder));
        var entries = files
            .Select(path => SceneFolderBoundary.RealPath(Path.GetFullPath(path)))
            .Select(real => (Relative: Path.GetRelativePath(root, real).Replace(Path.DirectorySeparatorChar, '/'), Full: real))
            .DistinctBy(file => file.Relative, StringComparer.Ordinal)
            .OrderBy(file => file.Relative, StringComparer.Ordinal)
            .ToList();

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var (relative, full) in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            hash.AppendData([0]);
            var content = File.ReadAllBytes(full);
            BinaryPrimitives.WriteInt64LittleEndian(length, content.LongLength);
            hash.AppendData(length);
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
