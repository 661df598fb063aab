using System.Security.Cryptography;

namespace Testbed.Bridge.Engine;

/// <summary>What identifies the code that computes the physics: a SHA-256 over the bridge assembly and the native shim
/// it calls (the MuJoCo library is identified by its version). A recording replays bit-identically on a bridge with
/// the same build and engine version; a different build may still, but is not guaranteed to.</summary>
public static class BridgeBuild
{
    private static readonly Lazy<string> Hash = new(Compute);

    public static string Sha256 => Hash.Value;

    private static string Compute()
    {
        var folder = AppContext.BaseDirectory;
        var files = new[]
        {
            typeof(BridgeBuild).Assembly.Location,
            Path.Combine(Path.GetDirectoryName(typeof(BridgeBuild).Assembly.Location) ?? folder, "libtestbed_mujoco_shim.so"),
        };
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            // A file that cannot be read (a single-file publish has no assembly path) leaves the build unknown.
            if (string.IsNullOrEmpty(file) || !File.Exists(file)) return "";
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
