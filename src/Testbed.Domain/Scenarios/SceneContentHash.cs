using System.Security.Cryptography;
using System.Text;
using Testbed.Domain.Scenes;
using Testbed.Mjcf;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// SHA-256 fingerprints of scenes, recorded in a run's manifest.json so that a result can be traced to the exact
/// files it was produced with.
/// </summary>
public static class SceneContentHash
{
    /// <summary>
    /// Hash of exactly the files a scene is made of: its scene.json, its set-up and scenario files, and every file its MJCF
    /// loads (the MJCF, its includes, meshes, textures, heightfields, skins; <see cref="MjcfLoadedFiles"/>). Other
    /// files in the folder (a README) do not change it; an included file does. Fed as <see cref="FileSetHash"/> feeds
    /// them: path relative to the scene folder, NUL, length, content, sorted by path.
    /// </summary>
    public static string OfScene(SceneManifest scene, IEnumerable<string> setupAndScenarioFiles) =>
        FileSetHash.Of(scene.FolderPath, setupAndScenarioFiles.Prepend(scene.ManifestPath).Concat(scene.MjcfFiles.Files.Select(f => f.Path)));

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
