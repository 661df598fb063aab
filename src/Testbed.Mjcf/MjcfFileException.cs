namespace Testbed.Mjcf;

public enum MjcfFileProblem
{
    /// <summary>A path leads outside the scene's folder: absolute, escaping with "..", or through a symbolic link.</summary>
    OutsideSceneFolder,
    /// <summary>A referenced file does not exist.</summary>
    Missing,
    /// <summary>A file, or all files together, exceed <see cref="MjcfLimits"/>.</summary>
    TooLarge,
    /// <summary>The XML cannot be read, or a reference is malformed (no file attribute, a file included twice).</summary>
    Malformed,
}

/// <summary>An MJCF refers to a file it may not or cannot load. The message names the MJCF file that holds the
/// reference, the element with its attribute and line, the path as written, and what was expected.</summary>
public sealed class MjcfFileException(
    MjcfFileProblem kind, string mjcfFile, string element, string path, string detail, string expected, Exception? inner = null)
    : Exception(Compose(mjcfFile, element, detail, expected), inner)
{
    public MjcfFileProblem Kind { get; } = kind;

    /// <summary>The MJCF file that holds the offending reference (absolute).</summary>
    public string MjcfFile { get; } = mjcfFile;

    /// <summary>The element, attribute and line, e.g. <c>&lt;include file&gt; at line 12</c>; empty for the file as a whole.</summary>
    public string Element { get; } = element;

    /// <summary>The path as the MJCF wrote it.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong, without the file and element (e.g. "names '../x.xml', which resolves to …").</summary>
    public string Detail { get; } = detail;

    /// <summary>What was expected instead.</summary>
    public string Expected { get; } = expected;

    private static string Compose(string file, string element, string detail, string expected) =>
        (element.Length == 0 ? $"MJCF '{file}' {detail}" : $"MJCF '{file}': {element} {detail}") + $"; expected {expected}";
}
