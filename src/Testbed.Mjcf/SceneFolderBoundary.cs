namespace Testbed.Mjcf;

/// <summary>The folder a scene's files must stay in. Paths are compared after the operating system's own
/// resolution (every symbolic link followed, "." and ".." applied to the real directory they are in, as
/// realpath(3) does), because "link/../x" is x beside the link's target, not beside the link.</summary>
public sealed class SceneFolderBoundary
{
    private const int MaxLinksFollowed = 40; // Linux's own limit (MAXSYMLINKS)

    public SceneFolderBoundary(string folder)
    {
        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        RealFolder = RealPath(Folder);
    }

    /// <summary>The folder as given (absolute).</summary>
    public string Folder { get; }

    /// <summary>The folder with every link in it followed.</summary>
    public string RealFolder { get; }

    /// <summary>Whether <paramref name="path"/> (absolute), once resolved, lies inside the folder.</summary>
    public bool Encloses(string path, out string realPath)
    {
        realPath = RealPath(path);
        return realPath.StartsWith(RealFolder + "/", StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link followed, component by component. Components that do not
    /// exist are kept as written (the open that follows fails on them, so they cannot lead anywhere).</summary>
    public static string RealPath(string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not an absolute path", nameof(path));
        }

        var resolved = new List<string>();
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            var target = LinkTarget(candidate);
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinksFollowed)
            {
                throw new IOException($"'{path}': more than {MaxLinksFollowed} symbolic links (a loop?)");
            }

            if (target.StartsWith('/')) resolved.Clear();
            foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(p);
        }

        return "/" + string.Join('/', resolved);
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
