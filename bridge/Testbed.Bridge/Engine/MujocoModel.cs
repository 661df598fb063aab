using Testbed.Mjcf;

namespace Testbed.Bridge.Engine;

public sealed record GeomDetails(
    string Name, int Id, string Body, string Type, double[] Size, double[] Solref, double[] Solimp,
    int Priority, int Contype, int Conaffinity)
{
    public int BodyId { get; init; }
    public int Group { get; init; }
    /// <summary>Pose in its body's frame: position (m) and quaternion (w, x, y, z).</summary>
    public double[] LocalPosition { get; init; } = [0, 0, 0];
    public double[] LocalOrientation { get; init; } = [1, 0, 0, 0];
    /// <summary>The colour MuJoCo draws it in (its material's where the geom keeps the default).</summary>
    public double[] Rgba { get; init; } = [0.5, 0.5, 0.5, 1];
}

/// <summary>A camera: the body it is attached to, its pose in that body's frame and its vertical field of view.</summary>
public sealed record CameraDetails(string Name, string Body, bool FixedToBody, double[] LocalPosition, double[] LocalOrientation, double FovyDeg);

public sealed record ActuatorDetails(string Name, int Id, string Joint, int JointQposAddress, bool CtrlLimited, double CtrlMin, double CtrlMax,
    int JointQvelAddress = -1, double JointDamping = 0);

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
        BodyCentresOfMassM = Enumerable.Range(0, sizes.Nbody).Select(b => CentreOfMass(handle, b)).ToArray();
        GravityMps2 = GravityOf(handle);
        BodyBoundingRadiiM = Enumerable.Range(0, sizes.Nbody).Select(b => MujocoShim.BodyBoundingRadius(handle, b)).ToArray();
        JointNames = Names(MujocoShim.ObjectKind.Joint, sizes.Njnt);
        JointQposAddresses = Enumerable.Range(0, sizes.Njnt).Select(j => MujocoShim.JointQposAddress(handle, j)).ToArray();
        JointBodyNames = Enumerable.Range(0, sizes.Njnt).Select(j => BodyNames[MujocoShim.JointBody(handle, j)]).ToArray();
        CameraNames = Names(MujocoShim.ObjectKind.Camera, sizes.Ncam);
        KeyframeNames = Names(MujocoShim.ObjectKind.Keyframe, sizes.Nkey);
        Geoms = Enumerable.Range(0, sizes.Ngeom).Select(DescribeGeom).ToArray();
        Cameras = Enumerable.Range(0, sizes.Ncam).Select(DescribeCamera).ToArray();
        Actuators = Enumerable.Range(0, sizes.Nu).Select(DescribeActuator).ToArray();
        ActuatorNames = Actuators.Select(a => a.Name).ToArray();
        MocapBodyNames = Enumerable.Range(0, sizes.Nbody)
            .Select(b => (Body: b, Mocap: MujocoShim.BodyMocapId(handle, b)))
            .Where(b => b.Mocap >= 0).OrderBy(b => b.Mocap).Select(b => BodyNames[b.Body]).ToArray();
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
    /// <summary>Parallel to <see cref="BodyNames"/>: each body's centre of mass in its own frame, m.</summary>
    public IReadOnlyList<(double X, double Y, double Z)> BodyCentresOfMassM { get; }
    /// <summary>The model's gravity, world frame, m/s².</summary>
    public (double X, double Y, double Z) GravityMps2 { get; }
    /// <summary>Parallel to <see cref="BodyNames"/>: radius of a sphere about each body's centre of mass enclosing all
    /// its geoms (planes and height fields left out), m.</summary>
    public IReadOnlyList<double> BodyBoundingRadiiM { get; }
    public IReadOnlyList<string> JointNames { get; }
    /// <summary>Parallel to <see cref="JointNames"/>: each joint's first index into qpos.</summary>
    public IReadOnlyList<int> JointQposAddresses { get; }
    /// <summary>Parallel to <see cref="JointNames"/>: the body each joint moves.</summary>
    public IReadOnlyList<string> JointBodyNames { get; }
    public IReadOnlyList<string> CameraNames { get; }
    public IReadOnlyList<string> KeyframeNames { get; }
    public IReadOnlyList<GeomDetails> Geoms { get; }
    public IReadOnlyList<CameraDetails> Cameras { get; }
    public IReadOnlyList<ActuatorDetails> Actuators { get; }
    public IReadOnlyList<string> ActuatorNames { get; }
    /// <summary>Mocap bodies in the order of the state's mocap_pos and mocap_quat.</summary>
    public IReadOnlyList<string> MocapBodyNames { get; }
    /// <summary>qpos addresses of hinge and slide joints: the coordinates that reset noise perturbs.</summary>
    internal IReadOnlyList<int> ScalarJointQposAddress { get; }

    /// <summary>Compiles a scene whose files have already been confined to its folder (<see cref="MjcfLoadedFiles"/>),
    /// and refuses values MuJoCo 2.2.2 compiles without complaint but cannot simulate.</summary>
    public static MujocoModel Load(MjcfLoadedFiles scene)
    {
        MujocoRuntime.EnsureInitialised();
        var mjcfPath = scene.MjcfPath;
        var sha = scene.ContentHash();
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        var handle = MujocoShim.LoadXml(mjcfPath, err, MujocoShim.ErrorBufferLength);
        if (handle == 0)
        {
            throw BridgeException.InvalidArgument(
                $"MJCF '{mjcfPath}' could not be loaded by MuJoCo {MujocoRuntime.Version}: {string.Join(' ', MujocoShim.ErrorText(err).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }
        var model = new MujocoModel(handle, mjcfPath, sha);
        try
        {
            model.RefuseUnsimulatableValues();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    // MuJoCo 2.2.2 accepts timestep="0", "-1", "nan" and "inf", and "nan" in a <key>: refused here, at load, so the
    // error names the file and the attribute instead of surfacing later as a bad control period or a NaN target.
    private void RefuseUnsimulatableValues()
    {
        var file = SourcePath;
        if (!double.IsFinite(Timestep) || Timestep <= 0)
        {
            throw BridgeException.InvalidArgument(
                $"MJCF '{file}': <option timestep> is {Timestep}; expected a finite time step > 0 s (e.g. 0.002)");
        }
        var widths = new (MujocoShim.KeyframeField Field, int Width)[]
        {
            (MujocoShim.KeyframeField.Time, 1), (MujocoShim.KeyframeField.Qpos, Sizes.Nq), (MujocoShim.KeyframeField.Qvel, Sizes.Nv),
            (MujocoShim.KeyframeField.Act, Sizes.Na), (MujocoShim.KeyframeField.Mpos, 3 * Sizes.Nmocap),
            (MujocoShim.KeyframeField.Mquat, 4 * Sizes.Nmocap), (MujocoShim.KeyframeField.Ctrl, Sizes.Nu),
        };
        foreach (var (field, width) in widths)
        {
            if (width == 0) continue;
            var values = MujocoShim.KeyframeArray(Handle, field);
            for (var key = 0; key < Sizes.Nkey; key++)
            {
                for (var i = 0; i < width; i++)
                {
                    var value = values[key * width + i];
                    if (double.IsFinite(value)) continue;
                    var name = KeyframeNames[key].Length > 0 ? $"'{KeyframeNames[key]}'" : $"#{key} (unnamed)";
                    var attribute = field.ToString().ToLowerInvariant();
                    throw BridgeException.InvalidArgument(
                        $"MJCF '{file}': <key> {name} {attribute}[{i}] is {value}; expected finite numbers in every keyframe");
                }
            }
        }
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
    public int JointId(string name) => IdOf("joint", JointNames, name);
    public int CameraId(string name) => IdOf("camera", CameraNames, name);
    public int KeyframeId(string name) => IdOf("keyframe", KeyframeNames, name);
    public int ActuatorId(string name) => IdOf("actuator", ActuatorNames, name);

    private static string Describe(IReadOnlyList<string> names)
    {
        var named = names.Where(n => n.Length > 0).ToArray();
        if (named.Length == 0) return "none with a name";
        return named.Length <= 40 ? string.Join(", ", named) : string.Join(", ", named.Take(40)) + $", … ({named.Length} in all)";
    }

    private static (double X, double Y, double Z) CentreOfMass(nint handle, int body)
    {
        var xyz = stackalloc double[3];
        MujocoShim.BodyCentreOfMass(handle, body, xyz);
        return (xyz[0], xyz[1], xyz[2]);
    }

    private static (double X, double Y, double Z) GravityOf(nint handle)
    {
        var xyz = stackalloc double[3];
        MujocoShim.Gravity(handle, xyz);
        return (xyz[0], xyz[1], xyz[2]);
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
            g.Priority, g.Contype, g.Conaffinity)
        {
            BodyId = g.Body, Group = g.Group,
            LocalPosition = [g.Pos[0], g.Pos[1], g.Pos[2]],
            LocalOrientation = [g.Quat[0], g.Quat[1], g.Quat[2], g.Quat[3]],
            Rgba = [g.Rgba[0], g.Rgba[1], g.Rgba[2], g.Rgba[3]],
        };
    }

    private CameraDetails DescribeCamera(int id)
    {
        MujocoShim.CameraInfoOf(_handle, id, out var c);
        return new CameraDetails(
            CameraNames[id], BodyNames[c.Body], c.Mode == 0,
            [c.Pos[0], c.Pos[1], c.Pos[2]], [c.Quat[0], c.Quat[1], c.Quat[2], c.Quat[3]], c.FovyDeg);
    }

    private ActuatorDetails DescribeActuator(int id)
    {
        MujocoShim.ActuatorInfoOf(_handle, id, out var a);
        var dof = a.Joint >= 0 ? MujocoShim.JointDofAddress(_handle, a.Joint) : -1;
        return new ActuatorDetails(
            MujocoShim.Utf8(MujocoShim.Name(_handle, MujocoShim.ObjectKind.Actuator, id)), id,
            a.Joint >= 0 ? JointNames[a.Joint] : "", a.Joint >= 0 ? MujocoShim.JointQposAddress(_handle, a.Joint) : -1,
            a.CtrlLimited != 0, a.CtrlMin, a.CtrlMax,
            dof, dof >= 0 ? MujocoShim.DofDamping(_handle, dof) : 0);
    }

    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0) MujocoShim.FreeModel(handle);
    }
}
