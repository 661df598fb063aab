using System.Text.Json;
using Testbed.Mjcf;

namespace Testbed.Bridge.Scenes;

/// <summary>The folder of scenes a bridge may open. A scene is a sub-folder with a scene.json whose "mjcf"
/// field names its MJCF file; an MJCF may also be opened by a path relative to the root. Every file a scene's
/// MJCF loads (includes, meshes, textures, heightfields, skins) must lie in the scene's folder: the sub-folder
/// of the root it belongs to. Files outside are refused (PERMISSION_DENIED) before MuJoCo opens anything.</summary>
public sealed class SceneRoot
{
    public SceneRoot(string path, MjcfLimits? limits = null)
    {
        FullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(FullPath))
        {
            throw new DirectoryNotFoundException($"scene root '{FullPath}' does not exist; expected a folder such as sim-scenes/");
        }
        Limits = limits ?? MjcfLimits.Default;
    }

    public string FullPath { get; }

    /// <summary>The bounds on what a scene's MJCF may load.</summary>
    public MjcfLimits Limits { get; }

    public IReadOnlyList<string> SceneIds() =>
        Directory.EnumerateDirectories(FullPath)
            .Where(d => File.Exists(Path.Combine(d, "scene.json")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The MJCF of scene <paramref name="sceneId"/> and every file it loads, confined to the scene's folder.</summary>
    public MjcfLoadedFiles ResolveScene(string sceneId)
    {
        if (string.IsNullOrWhiteSpace(sceneId) || sceneId.Contains('/') || sceneId.Contains('\\') || sceneId is "." or "..")
        {
            throw BridgeException.InvalidArgument($"scene_id '{sceneId}' is not a scene folder name; expected one of: {string.Join(", ", SceneIds())}");
        }
        var folder = Path.Combine(FullPath, sceneId);
        var manifest = Path.Combine(folder, "scene.json");
        if (!File.Exists(manifest))
        {
            throw BridgeException.NotFound($"scene '{sceneId}' not found under '{FullPath}'; expected one of: {string.Join(", ", SceneIds())}");
        }
        string? mjcf;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            mjcf = doc.RootElement.TryGetProperty("mjcf", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }
        catch (JsonException e)
        {
            throw BridgeException.InvalidArgument($"'{manifest}' is not valid JSON ({e.Message})");
        }
        if (string.IsNullOrWhiteSpace(mjcf))
        {
            throw BridgeException.InvalidArgument($"'{manifest}' has no string field \"mjcf\"; expected the MJCF file name of the scene");
        }
        return Confine(ResolveInside(Path.Combine(sceneId, mjcf), $"'{manifest}' field \"mjcf\""), folder);
    }

    /// <summary>An MJCF file given relative to the root, and every file it loads, confined to the root's
    /// sub-folder it lies in (conformance/ for conformance/free-fall.xml), or to the root for a file directly in it.</summary>
    public MjcfLoadedFiles ResolveMjcf(string relativePath)
    {
        var full = ResolveInside(relativePath, "mjcf_path");
        var top = Path.GetRelativePath(FullPath, full).Split(Path.DirectorySeparatorChar)[0];
        var folder = top == Path.GetFileName(full) ? FullPath : Path.Combine(FullPath, top);
        return Confine(full, folder);
    }

    private MjcfLoadedFiles Confine(string mjcfPath, string sceneFolder)
    {
        try
        {
            return MjcfLoadedFiles.Resolve(mjcfPath, sceneFolder, Limits);
        }
        catch (MjcfFileException e)
        {
            throw new BridgeException(e.Kind == MjcfFileProblem.OutsideSceneFolder ? BridgeErrorKind.PermissionDenied : BridgeErrorKind.InvalidArgument, e.Message);
        }
        catch (IOException e)
        {
            throw BridgeException.InvalidArgument($"MJCF '{mjcfPath}' or a file it loads cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw BridgeException.PermissionDenied($"MJCF '{mjcfPath}' or a file it loads may not be read by the bridge: {e.Message}");
        }
    }

    private string ResolveInside(string relativePath, string what)
    {
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            throw BridgeException.InvalidArgument($"{what} is empty; expected an MJCF path relative to the scene root");
        }
        var full = Path.GetFullPath(Path.Combine(FullPath, relativePath));
        if (!IsInside(full) || Path.IsPathRooted(relativePath))
        {
            throw BridgeException.PermissionDenied(
                $"{what} '{relativePath}' points outside the scene root '{FullPath}'; expected a path inside it");
        }
        if (!File.Exists(full))
        {
            throw BridgeException.NotFound($"{what} '{relativePath}': no such file under '{FullPath}'");
        }
        // A symbolic link inside the root must not lead outside it.
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !IsInside(Path.GetFullPath(target.FullName)))
        {
            throw BridgeException.PermissionDenied(
                $"{what} '{relativePath}' is a link to '{target.FullName}', outside the scene root '{FullPath}'");
        }
        return full;
    }

    private bool IsInside(string full) => full.StartsWith(FullPath + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
