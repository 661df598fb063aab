using System.Security.Cryptography;

namespace Testbed.Bridge.Engine;

public sealed record GeomDetails(
    string Name, int Id, string Body, string Type, double[] Size, double[] Solref, double[] Solimp,
    int Priority, int Contype, int Conaffinity);

public sealed record ActuatorDetails(string Name, int Id, string Joint, int JointQposAddress, bool CtrlLimited, double CtrlMin, double CtrlMax);

/// <summary>A compiled MuJoCo model (mjModel) and the names of what is in it. Each session owns its own
/// model, so per-session tweaks (the offscreen buffer size) never leak into another session.</summary>
public sealed unsafe class MujocoModel : IDisposable
{
    private nint _handle;

    private MujocoModel(nint handle, string sourcePath, string sha256)
    {
        _handle = handle;
        SourcePath = sourcePath;
        Sha256 = sha256;
        MujocoShim.ModelSizes(handle, out var sizes);
        Sizes = sizes;
        BodyNames = Names(MujocoShim.ObjectKind.Body, sizes.Nbody);
        // The world body (0) is its own parent in MuJoCo; the contract gives it none.
        BodyParentNames = Enumerable.Range(0, sizes.Nbody).Select(b => b == 0 ? "" : BodyNames[MujocoShim.BodyParent(handle, b)]).ToArray();
        BodyMassesKg = Enumerable.Range(0, sizes.Nbody).Select(b => MujocoShim.BodyMass(handle, b)).ToArray();
        JointNames = Names(MujocoShim.ObjectKind.Joint, sizes.Njnt);
        CameraNames = Names(MujocoShim.ObjectKind.Camera, sizes.Ncam);
        KeyframeNames = Names(MujocoShim.ObjectKind.Keyframe, sizes.Nkey);
        Geoms = Enumerable.Range(0, sizes.Ngeom).Select(DescribeGeom).ToArray();
        Actuators = Enumerable.Range(0, sizes.Nu).Select(DescribeActuator).ToArray();
        ActuatorNames = Actuators.Select(a => a.Name).ToArray();
        ScalarJointQposAddress = Enumerable.Range(0, sizes.Njnt)
            .Where(j => MujocoShim.JointIsScalar(handle, j) != 0)
            .Select(j => MujocoShim.JointQposAddress(handle, j))
            .ToArray();
    }

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(MujocoModel));
    internal MujocoShim.Sizes Sizes { get; }
    public string SourcePath { get; }
    public string Sha256 { get; }
    public double Timestep => Sizes.Timestep;
    public IReadOnlyList<string> BodyNames { get; }
    /// <summary>Parallel to <see cref="BodyNames"/>: each body's parent, empty for the world body.</summary>
    public IReadOnlyList<string> BodyParentNames { get; }
    /// <summary>Parallel to <see cref="BodyNames"/>: each body's mass as MuJoCo compiled it (kg).</summary>
    public IReadOnlyList<double> BodyMassesKg { get; }
    public IReadOnlyList<string> JointNames { get; }
    public IReadOnlyList<string> CameraNames { get; }
    public IReadOnlyList<string> KeyframeNames { get; }
    public IReadOnlyList<GeomDetails> Geoms { get; }
    public IReadOnlyList<ActuatorDetails> Actuators { get; }
    public IReadOnlyList<string> ActuatorNames { get; }
    /// <summary>qpos addresses of hinge and slide joints: the coordinates that reset noise perturbs.</summary>
    internal IReadOnlyList<int> ScalarJointQposAddress { get; }

    public static MujocoModel Load(string mjcfPath)
    {
        MujocoRuntime.EnsureInitialised();
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(mjcfPath)));
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        var handle = MujocoShim.LoadXml(mjcfPath, err, MujocoShim.ErrorBufferLength);
        if (handle == 0)
        {
            throw BridgeException.InvalidArgument(
                $"MJCF '{mjcfPath}' could not be loaded by MuJoCo {MujocoRuntime.Version}: {string.Join(' ', MujocoShim.ErrorText(err).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }
        return new MujocoModel(handle, mjcfPath, sha);
    }

    public int IdOf(string kindForMessage, IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        throw BridgeException.NotFound(
            $"{kindForMessage} '{name}' is not in model '{Path.GetFileName(SourcePath)}'; it has: {Describe(names)}");
    }

    public int BodyId(string name) => IdOf("body", BodyNames, name);
    public int CameraId(string name) => IdOf("camera", CameraNames, name);
    public int KeyframeId(string name) => IdOf("keyframe", KeyframeNames, name);
    public int ActuatorId(string name) => IdOf("actuator", ActuatorNames, name);

    private static string Describe(IReadOnlyList<string> names)
    {
        var named = names.Where(n => n.Length > 0).ToArray();
        if (named.Length == 0) return "none with a name";
        return named.Length <= 40 ? string.Join(", ", named) : string.Join(", ", named.Take(40)) + $", … ({named.Length} in all)";
    }

    private string[] Names(MujocoShim.ObjectKind kind, int count) =>
        Enumerable.Range(0, count).Select(i => MujocoShim.Utf8(MujocoShim.Name(_handle, kind, i))).ToArray();

    private GeomDetails DescribeGeom(int id)
    {
        MujocoShim.GeomInfoOf(_handle, id, out var g);
        return new GeomDetails(
            MujocoShim.Utf8(MujocoShim.Name(_handle, MujocoShim.ObjectKind.Geom, id)), id,
            BodyNames[g.Body], MujocoShim.Utf8(MujocoShim.GeomTypeName(g.Type)),
            [g.Size[0], g.Size[1], g.Size[2]], [g.Solref[0], g.Solref[1]],
            [g.Solimp[0], g.Solimp[1], g.Solimp[2], g.Solimp[3], g.Solimp[4]],
            g.Priority, g.Contype, g.Conaffinity);
    }

    private ActuatorDetails DescribeActuator(int id)
    {
        MujocoShim.ActuatorInfoOf(_handle, id, out var a);
        return new ActuatorDetails(
            MujocoShim.Utf8(MujocoShim.Name(_handle, MujocoShim.ObjectKind.Actuator, id)), id,
            a.Joint >= 0 ? JointNames[a.Joint] : "", a.Joint >= 0 ? MujocoShim.JointQposAddress(_handle, a.Joint) : -1,
            a.CtrlLimited != 0, a.CtrlMin, a.CtrlMax);
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0) MujocoShim.FreeModel(handle);
    }
}
