namespace Testbed.Mjcf;

/// <summary>How much an MJCF may load. A scene is input from whoever wrote it; these bounds keep a wrong or
/// hostile one from exhausting the memory of a bridge that parses it (tinyxml2 holds the whole DOM in memory,
/// and every session compiles its own model).</summary>
public sealed record MjcfLimits
{
    /// <summary>The largest MJCF file (the scene's and each included one): 8 MiB. Real robot and site models are
    /// well under 1 MiB; bulk data belongs in mesh, texture or heightfield files.</summary>
    public const long DefaultMaxXmlFileBytes = 8L * 1024 * 1024;

    /// <summary>The most all files an MJCF loads may hold together (XML, meshes, textures…): 256 MiB.</summary>
    public const long DefaultMaxTotalBytes = 256L * 1024 * 1024;

    /// <summary>The most files an MJCF may load, itself included: 1,000.</summary>
    public const int DefaultMaxFiles = 1000;

    public static MjcfLimits Default { get; } = new();

    public long MaxXmlFileBytes { get; init; } = DefaultMaxXmlFileBytes;
    public long MaxTotalBytes { get; init; } = DefaultMaxTotalBytes;
    public int MaxFiles { get; init; } = DefaultMaxFiles;
}
