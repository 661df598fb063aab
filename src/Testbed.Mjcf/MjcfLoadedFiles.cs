using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Testbed.Mjcf;

/// <summary>
/// Every file an MJCF makes MuJoCo 2.2.2 open, found by reading the XML the way MuJoCo does, each one confined to
/// the scene's folder and within <see cref="MjcfLimits"/>. Nothing is opened that the model would not open
/// itself, and no file outside the folder is opened at all.
/// </summary>
/// <remarks>
/// MuJoCo 2.2.2's rules (src/xml/xml.cc, src/user/user_util.cc; checked against libmujoco 2.2.2 by loading files):
/// <list type="bullet">
/// <item>&lt;include file&gt; (element name in any case, anywhere in the tree, nested includes too) is the folder of
/// the scene's MJCF + the path: nested includes resolve against the scene's MJCF, not the including file.
/// The children of the included file's root element take the include's place.</item>
/// <item>&lt;mesh&gt;, &lt;skin&gt; and &lt;hfield&gt; file: model folder + compiler meshdir + path; &lt;texture&gt; file and
/// fileright/left/up/down/front/back: model folder + compiler texturedir + path. An absolute path, or an absolute
/// meshdir/texturedir, replaces what precedes it. compiler strippath="true" first cuts each path to its file
/// name. 2.2.2 has no assetdir.</item>
/// <item>&lt;compiler&gt; elements are read from the model's root (after includes), in order; the last value of
/// each attribute wins.</item>
/// </list>
/// Absolute paths (as MuJoCo recognises them: a leading / or \, or a drive ":/") are refused even where they
/// would land inside the folder, so that a scene folder stays movable. A DTD is refused (MuJoCo models have
/// none, and an external entity would be a file this reader opens). A root other than &lt;mujoco&gt; is refused:
/// URDF follows other rules.
/// </remarks>
public sealed class MjcfLoadedFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly string[] TextureAttributes = ["file", "fileright", "fileleft", "fileup", "filedown", "filefront", "fileback"];

    private readonly SceneFolderBoundary _boundary;
    private readonly MjcfLimits _limits;
    private readonly string _modelDirectory;
    private readonly List<MjcfLoadedFile> _files = [];
    private readonly HashSet<string> _included = new(StringComparer.Ordinal);
    private readonly List<(XElement Element, string File)> _compilers = [];
    private readonly List<(XElement Element, string File, MjcfFileRole Role)> _assets = [];

    private MjcfLoadedFiles(string mjcfPath, SceneFolderBoundary boundary, MjcfLimits limits)
    {
        MjcfPath = mjcfPath;
        _boundary = boundary;
        _limits = limits;
        _modelDirectory = MujocoFileDirectory(mjcfPath);
    }

    /// <summary>The scene's MJCF (absolute).</summary>
    public string MjcfPath { get; }

    /// <summary>The folder every file is confined to (absolute, as given).</summary>
    public string SceneFolder => _boundary.Folder;

    /// <summary>The model first, then includes in the order MuJoCo reads them, then assets; each file once.</summary>
    public IReadOnlyList<MjcfLoadedFile> Files => _files;

    public long TotalBytes => _files.Sum(f => f.Bytes);

    /// <summary>Reads <paramref name="mjcfPath"/> and everything it includes, and resolves every file it loads.</summary>
    /// <exception cref="MjcfFileException">A file is outside <paramref name="sceneFolder"/>, missing, too large, or
    /// the XML is malformed.</exception>
    public static MjcfLoadedFiles Resolve(string mjcfPath, string sceneFolder, MjcfLimits? limits = null)
    {
        var full = Path.GetFullPath(mjcfPath);
        var files = new MjcfLoadedFiles(full, new SceneFolderBoundary(sceneFolder), limits ?? MjcfLimits.Default);
        files.Walk();
        return files;
    }

    /// <summary>SHA-256 over the files (see <see cref="FileSetHash"/>), by their paths relative to the scene folder.</summary>
    public string ContentHash() => FileSetHash.Of(_boundary.Folder, _files.Select(f => f.Path));

    private void Walk()
    {
        var model = Admit(MjcfPath, MjcfPath, MjcfFileRole.Model, MjcfPath, "", "");
        var root = ReadXml(model, MjcfPath, "");
        if (!string.Equals(root.Name.LocalName, "mujoco", StringComparison.OrdinalIgnoreCase))
        {
            throw new MjcfFileException(MjcfFileProblem.Malformed, MjcfPath, "", MjcfPath,
                $"has the root element <{root.Name.LocalName}>", "<mujoco> (an MJCF model; URDF is not accepted as a scene)");
        }

        _included.Add(model.Path);
        WalkChildren(root, MjcfPath, atModelRoot: true);

        var compiler = CompilerSettings();
        foreach (var (element, file, role) in _assets)
        {
            var directory = role == MjcfFileRole.Texture ? compiler.TextureDir : compiler.MeshDir;
            foreach (var attribute in role == MjcfFileRole.Texture ? TextureAttributes : ["file"])
            {
                var written = element.Attribute(attribute)?.Value;
                if (string.IsNullOrEmpty(written)) continue;
                var where = Where(element, attribute);
                var reference = compiler.StripPath ? MujocoStripPath(written) : written;
                RefuseUnsafeReference(file, where, written, reference);
                if (directory.Value.Any(char.IsControl))
                {
                    throw new MjcfFileException(MjcfFileProblem.Malformed, file, where, written,
                        $"is resolved under <compiler {directory.Name}>, which contains a control character", "a path of printable characters");
                }

                if (IsMujocoAbsolute(directory.Value))
                {
                    throw Outside(file, where, written,
                        $"is resolved under the absolute <compiler {directory.Name}> '{directory.Value}'");
                }

                var constructed = _modelDirectory + WithSeparator(directory.Value) + reference;
                var rule = directory.Value.Length == 0
                    ? "the scene MJCF's folder"
                    : $"the scene MJCF's folder + <compiler {directory.Name}> '{directory.Value}'";
                Admit(constructed, file, role, written, where, $" (MuJoCo 2.2.2 resolves it against {rule})");
            }
        }
    }

    private void WalkChildren(XElement parent, string file, bool atModelRoot)
    {
        foreach (var child in parent.Elements())
        {
            var name = child.Name.LocalName;
            if (name.Equals("include", StringComparison.OrdinalIgnoreCase))
            {
                var (includedFile, includedRoot) = Include(child, file);
                // The included root's children take the include's place, at the include's level.
                WalkChildren(includedRoot, includedFile, atModelRoot);
                continue;
            }

            if (atModelRoot && name == "compiler") _compilers.Add((child, file));
            var role = AssetRole(name);
            if (role is { } r) _assets.Add((child, file, r));
            WalkChildren(child, file, atModelRoot: false);
        }
    }

    private (string File, XElement Root) Include(XElement include, string file)
    {
        var where = Where(include, "file");
        var written = include.Attribute("file")?.Value;
        if (written is null)
        {
            throw new MjcfFileException(MjcfFileProblem.Malformed, file, where, "",
                "has no file attribute", "file=\"a path relative to the scene MJCF's folder\"");
        }

        RefuseUnsafeReference(file, where, written, written);
        var loaded = Admit(_modelDirectory + written, file, MjcfFileRole.Include, written, where, " (MuJoCo 2.2.2 resolves every include against the scene MJCF's folder)");
        if (!_included.Add(loaded.Path))
        {
            throw new MjcfFileException(MjcfFileProblem.Malformed, file, where, written,
                $"includes '{written}' a second time", "each file included once (MuJoCo refuses repeats)");
        }

        return (loaded.Path, ReadXml(loaded, file, where));
    }

    /// <summary>Confines, checks and counts one file; returns its entry (an earlier one if already loaded).</summary>
    private MjcfLoadedFile Admit(string constructed, string declaredIn, MjcfFileRole role, string written, string where, string rule)
    {
        if (!_boundary.Encloses(constructed, out var real))
        {
            if (role == MjcfFileRole.Model)
            {
                throw new MjcfFileException(MjcfFileProblem.OutsideSceneFolder, constructed, "", written,
                    $"resolves to '{real}', outside the scene folder '{_boundary.Folder}'", "a file inside that folder");
            }

            throw Outside(declaredIn, where, written, $"resolves to '{real}'{rule}");
        }

        if (!File.Exists(constructed))
        {
            var what = role == MjcfFileRole.Model ? "" : $"names '{written}', which ";
            throw new MjcfFileException(MjcfFileProblem.Missing, declaredIn, where, written,
                $"{what}does not exist (looked for '{constructed}'{rule})", $"an existing file inside the scene folder '{_boundary.Folder}'");
        }

        var existing = _files.FirstOrDefault(f => f.Path == real);
        if (existing is not null) return existing;

        var bytes = new FileInfo(real).Length;
        if (_files.Count + 1 > _limits.MaxFiles)
        {
            throw new MjcfFileException(MjcfFileProblem.TooLarge, declaredIn, where, written,
                $"names '{written}', file number {_files.Count + 1} that MJCF '{MjcfPath}' loads", $"at most {_limits.MaxFiles:N0} files loaded by one scene");
        }

        var total = TotalBytes + bytes;
        if (total > _limits.MaxTotalBytes)
        {
            throw new MjcfFileException(MjcfFileProblem.TooLarge, declaredIn, where, written,
                $"names '{written}' ({Size(bytes)}), which brings what MJCF '{MjcfPath}' loads to {Size(total)}", $"at most {Size(_limits.MaxTotalBytes)} in all files one scene loads");
        }

        var file = new MjcfLoadedFile(real, Path.GetRelativePath(_boundary.RealFolder, real).Replace('\\', '/'), role, declaredIn, where, written, bytes);
        _files.Add(file);
        return file;
    }

    private XElement ReadXml(MjcfLoadedFile file, string declaredIn, string where)
    {
        var name = file.Role == MjcfFileRole.Model ? MjcfPath : file.Path;
        if (file.Bytes > _limits.MaxXmlFileBytes)
        {
            var what = file.Role == MjcfFileRole.Model ? "" : $"includes '{file.Reference}', which ";
            throw new MjcfFileException(MjcfFileProblem.TooLarge, declaredIn, where, file.Reference,
                $"{what}is {Size(file.Bytes)}", $"at most {Size(_limits.MaxXmlFileBytes)} per MJCF file");
        }

        try
        {
            // As tinyxml2 reads it: UTF-8 whatever the declaration says (strictly: a byte that is not UTF-8 would
            // name one file here and another to MuJoCo), no namespaces (a prefixed attribute is just another name),
            // attribute values not normalised; unlike it, no DTD, so that no entity can name a file.
            using var text = new StreamReader(File.OpenRead(file.Path), StrictUtf8, detectEncodingFromByteOrderMarks: true);
            using var reader = new XmlTextReader(text)
            {
                DtdProcessing = DtdProcessing.Prohibit, Namespaces = false, Normalization = false, XmlResolver = null,
            };
            return XDocument.Load(reader, LoadOptions.SetLineInfo).Root
                ?? throw new XmlException("no root element");
        }
        catch (XmlException e)
        {
            throw new MjcfFileException(MjcfFileProblem.Malformed, name, "", file.Reference,
                $"is not well-formed XML: {e.Message}", "an MJCF document (no DTD)", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new MjcfFileException(MjcfFileProblem.Malformed, name, "", file.Reference,
                $"is not valid UTF-8 ({e.Message})", "an MJCF document in UTF-8", e);
        }
    }

    private ((string Name, string Value) MeshDir, (string Name, string Value) TextureDir, bool StripPath) CompilerSettings()
    {
        string meshdir = "", texturedir = "";
        var strippath = false;
        foreach (var (element, _) in _compilers)
        {
            meshdir = element.Attribute("meshdir")?.Value ?? meshdir;
            texturedir = element.Attribute("texturedir")?.Value ?? texturedir;
            if (element.Attribute("strippath")?.Value is { } strip) strippath = strip == "true";
        }

        return (("meshdir", meshdir), ("texturedir", texturedir), strippath);
    }

    private static MjcfFileRole? AssetRole(string element) => element.ToLowerInvariant() switch
    {
        "mesh" => MjcfFileRole.Mesh,
        "skin" => MjcfFileRole.Skin,
        "hfield" => MjcfFileRole.Heightfield,
        "texture" => MjcfFileRole.Texture,
        _ => null,
    };

    private void RefuseUnsafeReference(string file, string where, string written, string reference)
    {
        // MuJoCo's C strings end at a NUL that .NET keeps, so such a path would name different files to each.
        if (written.Any(char.IsControl))
        {
            var shown = new string(written.Select(c => char.IsControl(c) ? '?' : c).ToArray());
            throw new MjcfFileException(MjcfFileProblem.Malformed, file, where, shown,
                $"names '{shown}', which contains a control character (shown as ?)", "a path of printable characters");
        }

        if (IsMujocoAbsolute(reference))
        {
            throw Outside(file, where, written, "is an absolute path");
        }
    }

    private MjcfFileException Outside(string file, string where, string written, string problem) =>
        new(MjcfFileProblem.OutsideSceneFolder, file, where, written,
            $"names '{written}', which {problem}, outside the scene folder '{_boundary.Folder}'",
            "a path inside that folder, relative to the scene MJCF's folder");

    private static string Where(XElement element, string attribute) => $"<{element.Name.LocalName} {attribute}> at line {Line(element)}";

    private static int Line(XElement element) => ((IXmlLineInfo)element).LineNumber;

    private static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024.0):0.#} MiB ({bytes:N0} bytes)" : $"{bytes:N0} bytes";

    // MuJoCo's mjuu_getfiledir: everything up to and including the last / or \.
    private static string MujocoFileDirectory(string path)
    {
        var last = path.LastIndexOfAny(['/', '\\']);
        return last < 0 ? "" : path[..(last + 1)];
    }

    // MuJoCo's mjuu_strippath.
    private static string MujocoStripPath(string path)
    {
        var last = path.LastIndexOfAny(['/', '\\']);
        return last < 0 ? path : path[(last + 1)..];
    }

    // MuJoCo's mjuu_isabspath.
    private static bool IsMujocoAbsolute(string path) =>
        path.Length > 0 && (path[0] == '/' || path[0] == '\\' || path.Contains(":/", StringComparison.Ordinal) || path.Contains(":\\", StringComparison.Ordinal));

    // MuJoCo appends a separator to meshdir and texturedir unless they end in one.
    private static string WithSeparator(string directory) =>
        directory.Length == 0 || directory.EndsWith('/') || directory.EndsWith('\\') ? directory : directory + "/";
}
