namespace Testbed.Mjcf;

/// <summary>What a file is to the model that loads it.</summary>
public enum MjcfFileRole { Model, Include, Mesh, Skin, Heightfield, Texture }

/// <summary>One file an MJCF loads.</summary>
/// <param name="Path">The file with every symbolic link followed (inside the scene folder).</param>
/// <param name="RelativePath">'/'-separated, relative to the scene folder.</param>
/// <param name="DeclaredIn">The MJCF file whose element names it (the model itself for <see cref="MjcfFileRole.Model"/>).</param>
/// <param name="Element">The element, attribute and line, e.g. <c>&lt;mesh file&gt; at line 12</c>.</param>
/// <param name="Reference">The path as the MJCF wrote it.</param>
public sealed record MjcfLoadedFile(
    string Path, string RelativePath, MjcfFileRole Role, string DeclaredIn, string Element, string Reference, long Bytes);
