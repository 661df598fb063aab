namespace Testbed.Cli;

/// <summary>Where the scene corpus is: --scenes, else TESTBED_SCENES, else the sim-scenes/ folder of the
/// repository the program was built from (found by walking up from the program and the working folder).</summary>
public static class RepositoryPaths
{
    public static string FindScenes(string? given)
    {
        given ??= Environment.GetEnvironmentVariable("TESTBED_SCENES");
        if (given is not null)
        {
            if (!Directory.Exists(given)) throw new UsageException($"scene folder '{given}' does not exist; expected a folder like sim-scenes/");
            return Path.GetFullPath(given);
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "sim-scenes");
                if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Testbed.sln"))) return candidate;
            }
        }
        throw new UsageException("could not find the sim-scenes/ folder; run from the repository or pass --scenes DIR");
    }
}
