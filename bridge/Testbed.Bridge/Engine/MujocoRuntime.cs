namespace Testbed.Bridge.Engine;

/// <summary>Process-wide MuJoCo set-up: the error handlers that keep mju_error from exiting the process,
/// and the check that the library loaded at run time is the one the shim was compiled against.</summary>
public static class MujocoRuntime
{
    private static readonly Lazy<string> Initialised = new(Initialise);

    public static string Version => Initialised.Value;

    public static void EnsureInitialised() => _ = Initialised.Value;

    private static string Initialise()
    {
        MujocoShim.InstallErrorHandlers();
        var library = MujocoShim.VersionNumber();
        var header = MujocoShim.HeaderVersion();
        if (library != header)
        {
            throw new BridgeException(BridgeErrorKind.FailedPrecondition,
                $"libmujoco reports version {library} but the bridge shim was compiled against headers of version {header}; rebuild the bridge");
        }
        return MujocoShim.Utf8(MujocoShim.VersionString());
    }
}
