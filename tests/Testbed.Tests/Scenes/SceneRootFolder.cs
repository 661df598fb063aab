using System.Text;

namespace Testbed.Tests.Scenes;

/// <summary>A throw-away scene root (with a sibling folder outside it) in which a test writes MJCF files, meshes,
/// textures and links, to be opened by a real bridge or read by the domain.</summary>
public sealed class SceneRootFolder : IDisposable
{
    public SceneRootFolder()
    {
        Top = Path.Combine(Path.GetTempPath(), "testbed-containment-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
    }

    /// <summary>Holds <see cref="Root"/> and <see cref="Outside"/>.</summary>
    public string Top { get; }

    /// <summary>The scene root a bridge serves.</summary>
    public string Root => Path.Combine(Top, "scenes");

    /// <summary>A folder beside the root: nothing in it may be loaded.</summary>
    public string Outside => Path.Combine(Top, "outside");

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> under <see cref="Root"/>; returns the full path.</summary>
    public string Write(string relativePath, string text) => WriteBytes(relativePath, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relativePath, byte[] bytes)
    {
        var path = Path.GetFullPath(Path.Combine(Root, relativePath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A minimal scene.json naming <paramref name="mjcf"/>, enough for the bridge to open the scene by id.</summary>
    public void WriteSceneJson(string sceneId, string mjcf) =>
        Write(Path.Combine(sceneId, "scene.json"), $$"""{ "schema": "testbed.scene/v1", "id": "{{sceneId}}", "mjcf": "{{mjcf}}" }""");

    /// <summary>A valid MJCF fragment file: a root element whose children are one named geom.</summary>
    public static string GeomFragment(string geomName) =>
        $"<mujoco><geom name=\"{geomName}\" type=\"sphere\" size=\"0.1\"/></mujoco>\n";

    /// <summary>A binary STL tetrahedron (outward normals), as MuJoCo 2.2.2 reads meshes.</summary>
    public static byte[] TetrahedronStl()
    {
        float[][] v = [[0, 0, 0], [0.1f, 0, 0], [0, 0.1f, 0], [0, 0, 0.1f]];
        int[][] faces = [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]];
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[80]);
        writer.Write((uint)faces.Length);
        foreach (var f in faces)
        {
            for (var i = 0; i < 3; i++) writer.Write(0f); // normal: MuJoCo recomputes it
            foreach (var corner in f) foreach (var c in v[corner]) writer.Write(c);
            writer.Write((ushort)0);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(Top)) Directory.Delete(Top, recursive: true);
    }
}
