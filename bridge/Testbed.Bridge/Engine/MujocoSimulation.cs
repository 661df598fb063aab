namespace Testbed.Bridge.Engine;

/// <summary>One simulation (mjData) on a model: reset, stepping in action chunks with contact telemetry on
/// watched bodies, state get/set and body kinematics. Not thread-safe: the session serialises calls.</summary>
public sealed unsafe class MujocoSimulation : IDisposable
{
    private const int ContactCapacity = 2048;
    private nint _data;
    private readonly byte[] _watchedGeoms;
    private readonly MujocoShim.ContactPoint[] _points = new MujocoShim.ContactPoint[ContactCapacity];
    private readonly ContactTracker _tracker = new();
    private readonly int[] _warningsBefore;
    private readonly int[] _warningsAfter;

    private readonly ContactCompliance _compliance;
    // Each compliant geom's spring compression (m), carried by the shim from one physics step to the next.
    private readonly double[] _compression;
    private double[]? _parkedDamping;
    private int[]? _parkedCondim;
    private readonly List<GeomDetails> _collisionsOff = [];

    // Kinematics queries at other configurations run here, never in the stepping data: a query must not perturb a
    // trajectory that replays bit for bit.
    private nint _scratch;

    public MujocoSimulation(MujocoModel model, IEnumerable<string> watchedBodies, ContactCompliance? compliance = null)
    {
        Model = model;
        _compliance = compliance ?? ContactCompliance.Create(model, [], []);
        _compression = new double[model.Geoms.Count];
        _watchedGeoms = new byte[model.Geoms.Count];
        foreach (var body in watchedBodies)
        {
            model.BodyId(body);
            foreach (var geom in model.Geoms.Where(g => g.Body == body)) _watchedGeoms[geom.Id] = 1;
        }
        _warningsBefore = new int[model.Sizes.Nwarning];
        _warningsAfter = new int[model.Sizes.Nwarning];
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        _data = MujocoShim.MakeData(model.Handle, err, MujocoShim.ErrorBufferLength);
        if (_data == 0)
        {
            throw new BridgeException(BridgeErrorKind.ResourceExhausted, $"MuJoCo could not allocate data for '{model.SourcePath}': {MujocoShim.ErrorText(err)}");
        }
        Reset(-1, 0, 0);
    }

    public MujocoModel Model { get; }
    internal nint Handle => _data != 0 ? _data : throw new ObjectDisposedException(nameof(MujocoSimulation));
    public double Time => MujocoShim.Time(Handle);

    public void Reset(int keyframe, ulong seed, double qposNoise)
    {
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        if (MujocoShim.Reset(Model.Handle, Handle, keyframe, err, MujocoShim.ErrorBufferLength) == 0)
        {
            throw new BridgeException(BridgeErrorKind.Internal, $"MuJoCo failed to reset: {MujocoShim.ErrorText(err)}");
        }
        _tracker.Clear();
        Array.Clear(_compression);
        if (qposNoise > 0)
        {
            var noise = new SeededGaussian(seed);
            var qpos = MujocoShim.Qpos(Handle);
            foreach (var address in Model.ScalarJointQposAddress) qpos[address] += qposNoise * noise.Next();
            Forward();
        }
    }

    /// <summary>Runs an action chunk. Every target must be finite; targets are ctrl values, clamped by MuJoCo
    /// to the actuator's ctrlrange when it is limited.</summary>
    /// <param name="tracedBodies">Body ids whose motion is recorded at every physics step (may be empty).</param>
    /// <param name="statePerPeriod">Also capture the full state after every control period.</param>
    public StepOutcome Step(IReadOnlyList<int> actuators, IReadOnlyList<IReadOnlyList<double>> periods, int substepsPerPeriod,
        IReadOnlyList<int>? tracedBodies = null, bool statePerPeriod = false)
    {
        ValidateChunk(actuators, periods, substepsPerPeriod);
        var data = Handle;
        var model = Model.Handle;
        var ctrl = MujocoShim.Ctrl(data);
        var timestep = Model.Timestep;
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        var warnings = new List<string>();
        var truncated = false;
        var nonFinite = (string?)null;
        fixed (int* before = _warningsBefore) MujocoShim.WarningCounts(data, before);
        _tracker.BeginChunk();
        var traces = new BodyTraceRecorder(Model, tracedBodies ?? []);
        var periodStates = new List<SimulationState>(statePerPeriod ? periods.Count : 0);
        long substeps = 0;
        fixed (byte* watched = _watchedGeoms)
        fixed (MujocoShim.ContactPoint* points = _points)
        fixed (double* stiffness = _compliance.Stiffness)
        fixed (double* dampingRatio = _compliance.DampingRatio)
        fixed (byte* impact = _compliance.Impact)
        fixed (double* compression = _compression)
        {
            var compliance = new MujocoShim.Compliance
            {
                Stiffness = stiffness, DampingRatio = dampingRatio, Impact = impact, Impedance = ContactCompliance.Impedance,
                Compression = compression,
            };
            var compliancePointer = _compliance.Count > 0 ? &compliance : null;
            foreach (var targets in periods)
            {
                for (var i = 0; i < actuators.Count; i++) ctrl[actuators[i]] = targets[i];
                for (var s = 0; s < substepsPerPeriod; s++)
                {
                    var time = MujocoShim.Time(data);
                    if (MujocoShim.StepWatched(model, data, watched, compliancePointer, points, ContactCapacity, out var count, err, MujocoShim.ErrorBufferLength) == 0)
                    {
                        throw new BridgeException(BridgeErrorKind.Internal,
                            $"MuJoCo failed at t={time:F4} s: {MujocoShim.ErrorText(err)}; reset the session before stepping again");
                    }
                    substeps++;
                    if (count > ContactCapacity) truncated = true;
                    var recorded = new ReadOnlySpan<MujocoShim.ContactPoint>(points, Math.Min(count, ContactCapacity));
                    nonFinite ??= FirstNonFinite(recorded, time);
                    _tracker.Record(time, timestep, recorded);
                    traces.Record(data, MujocoShim.Time(data));
                }
                if (statePerPeriod) periodStates.Add(GetState());
            }
        }
        if (nonFinite is not null)
        {
            throw new BridgeException(BridgeErrorKind.Internal, $"{nonFinite}; the simulation cannot be trusted; reset the session before stepping again");
        }
        fixed (int* after = _warningsAfter) MujocoShim.WarningCounts(data, after);
        var contactsLost = truncated;
        for (var w = 0; w < _warningsAfter.Length; w++)
        {
            var raised = _warningsAfter[w] - _warningsBefore[w];
            if (raised <= 0) continue;
            var name = MujocoShim.Utf8(MujocoShim.WarningName(w));
            if (MujocoShim.WarningIsDivergence(w) != 0)
            {
                throw new BridgeException(BridgeErrorKind.Internal,
                    $"the simulation diverged during this chunk ({name}, {raised} time(s)); its telemetry cannot be trusted; reset the session before stepping again");
            }
            if (MujocoShim.WarningLosesContacts(w) != 0) contactsLost = true;
            warnings.Add($"{name} ({raised} time(s))");
        }
        if (truncated) warnings.Add($"more than {ContactCapacity} watched contact points in one substep; telemetry was truncated");
        return new StepOutcome(MujocoShim.Time(data), substeps, _tracker.ChunkContacts.ToArray(), warnings, contactsLost, traces.Traces(),
            Copy(MujocoShim.ActuatorForce(data), Model.Sizes.Nu), periodStates);
    }

    /// <summary>Switches actuator forces, passive joint forces (springs, damping, the Euler integrator's implicit
    /// damping included), gravity and contact friction off or on, e.g. to let a robot coast into a contact as the free,
    /// frictionless two-body model assumes.</summary>
    public void SetForceSwitches(bool actuatorsOff, bool passiveOff, bool gravityOff, bool frictionOff)
    {
        _parkedDamping ??= new double[Model.Sizes.Nv];
        _parkedCondim ??= new int[Model.Sizes.Ngeom];
        fixed (double* parked = _parkedDamping)
        fixed (int* condim = _parkedCondim)
        {
            MujocoShim.SetForceSwitches(Model.Handle, actuatorsOff ? 1 : 0, passiveOff ? 1 : 0, gravityOff ? 1 : 0, parked);
            MujocoShim.SetFrictionOff(Model.Handle, frictionOff ? 1 : 0, condim);
        }
    }

    /// <summary>Makes these geoms collide with nothing and every geom an earlier call named collide again (their
    /// bits as loaded); an unknown name is refused before anything changes.</summary>
    public void SetCollisionsOff(IReadOnlyList<string> geoms)
    {
        var byName = Model.Geoms.Where(g => g.Name.Length > 0).ToDictionary(g => g.Name);
        var off = geoms.Select(name => byName.TryGetValue(name, out var g) ? g
            : throw BridgeException.NotFound($"geom '{name}' is not in model '{Path.GetFileName(Model.SourcePath)}'")).ToArray();
        foreach (var g in _collisionsOff) MujocoShim.SetGeomCollision(Model.Handle, g.Id, g.Contype, g.Conaffinity);
        _collisionsOff.Clear();
        foreach (var g in off) MujocoShim.SetGeomCollision(Model.Handle, g.Id, 0, 0);
        _collisionsOff.AddRange(off);
    }

    /// <summary>Effective-mass queries at the current configuration: n·J·M⁻¹·Jᵀ·n for a point on a body.</summary>
    public double InverseEffectiveMass(string body, ReadOnlySpan<double> point, ReadOnlySpan<double> direction)
    {
        var id = Model.BodyId(body);
        var length = Math.Sqrt(direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
        if (!(length > 0) || !double.IsFinite(length))
        {
            throw BridgeException.InvalidArgument($"direction for body '{body}' has length {length}; expected a finite, non-zero vector");
        }
        for (var i = 0; i < 3; i++)
        {
            if (!double.IsFinite(point[i])) throw BridgeException.InvalidArgument($"point[{i}] for body '{body}' is {point[i]}; expected a finite number");
        }
        var p = stackalloc double[3] { point[0], point[1], point[2] };
        var n = stackalloc double[3] { direction[0] / length, direction[1] / length, direction[2] / length };
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        if (MujocoShim.InverseEffectiveMass(Model.Handle, Handle, id, p, n, out var inverseMass, err, MujocoShim.ErrorBufferLength) == 0)
        {
            throw new BridgeException(BridgeErrorKind.Internal, $"MuJoCo failed to compute an effective mass: {MujocoShim.ErrorText(err)}");
        }
        return inverseMass;
    }

    /// <summary>The world position of a point on a body, the body's rotation and the Jacobian columns of the named
    /// hinge or slide joints, at <paramref name="qpos"/> (all nq values) or, when it is empty, at the current positions.
    /// Computed in a scratch copy, so stepping is unaffected.</summary>
    public PointJacobian PointJacobianAt(string body, ReadOnlySpan<double> point, IReadOnlyList<string> joints, IReadOnlyList<double> qpos)
    {
        var bodyId = Model.BodyId(body);
        var nq = Model.Sizes.Nq;
        if (qpos.Count != 0 && qpos.Count != nq)
        {
            throw BridgeException.InvalidArgument($"qpos has {qpos.Count} values; expected none (the current state) or {nq}, the model's nq");
        }
        var dofs = new int[joints.Count];
        for (var i = 0; i < joints.Count; i++)
        {
            var joint = Model.JointId(joints[i]);
            var type = MujocoShim.JointType(Model.Handle, joint);
            if (type is not (2 or 3))
            {
                throw BridgeException.InvalidArgument($"joint_names[{i}] '{joints[i]}' is not a hinge or slide joint; expected joints with one degree of freedom");
            }
            dofs[i] = MujocoShim.JointDofAddress(Model.Handle, joint);
        }
        var positions = qpos.Count == 0 ? Copy(MujocoShim.Qpos(Handle), nq) : qpos.ToArray();
        if (positions.FirstOrDefault(v => !double.IsFinite(v)) is var bad && !double.IsFinite(bad))
        {
            throw BridgeException.InvalidArgument($"qpos holds {bad}; expected finite joint positions");
        }
        var local = point.ToArray();
        if (local.Any(v => !double.IsFinite(v))) throw BridgeException.InvalidArgument($"point for body '{body}' is not finite");
        var nmocap = Model.Sizes.Nmocap;
        var mocapPos = Copy(MujocoShim.MocapPos(Handle), 3 * nmocap);
        var mocapQuat = Copy(MujocoShim.MocapQuat(Handle), 4 * nmocap);
        if (_scratch == 0)
        {
            var allocErr = stackalloc byte[MujocoShim.ErrorBufferLength];
            _scratch = MujocoShim.MakeData(Model.Handle, allocErr, MujocoShim.ErrorBufferLength);
            if (_scratch == 0) throw new BridgeException(BridgeErrorKind.ResourceExhausted, $"MuJoCo could not allocate scratch data: {MujocoShim.ErrorText(allocErr)}");
        }
        var position = new double[3];
        var rotation = new double[9];
        var translational = new double[3 * dofs.Length];
        var rotational = new double[3 * dofs.Length];
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        fixed (double* q = positions, mp = mocapPos, mq = mocapQuat, lp = local, pos = position, rot = rotation, jp = translational, jr = rotational)
        fixed (int* d = dofs)
        {
            if (MujocoShim.PointJacobian(Model.Handle, _scratch, q, mp, mq, bodyId, lp, d, dofs.Length, pos, rot, jp, jr, err, MujocoShim.ErrorBufferLength) == 0)
            {
                throw new BridgeException(BridgeErrorKind.Internal, $"MuJoCo failed to compute the Jacobian of body '{body}': {MujocoShim.ErrorText(err)}");
            }
        }
        return new PointJacobian(position, rotation, translational, rotational);
    }

    private string? FirstNonFinite(ReadOnlySpan<MujocoShim.ContactPoint> points, double time)
    {
        foreach (var p in points)
        {
            if (!double.IsFinite(p.NormalForce) || !double.IsFinite(p.PosX) || !double.IsFinite(p.PosY) || !double.IsFinite(p.PosZ) || !double.IsFinite(p.ApproachSpeed))
            {
                return $"contact of '{Model.Geoms[p.Geom1].Name}' and '{Model.Geoms[p.Geom2].Name}' at t={time:F4} s has a non-finite value (force {p.NormalForce} N, approach {p.ApproachSpeed} m/s)";
            }
        }
        return null;
    }

    private void ValidateChunk(IReadOnlyList<int> actuators, IReadOnlyList<IReadOnlyList<double>> periods, int substepsPerPeriod)
    {
        if (substepsPerPeriod <= 0)
        {
            throw BridgeException.InvalidArgument($"substeps_per_period is {substepsPerPeriod}; expected at least 1");
        }
        if (substepsPerPeriod > 100_000 || (long)periods.Count * substepsPerPeriod > 1_000_000)
        {
            throw BridgeException.InvalidArgument(
                $"the chunk asks for {(long)periods.Count * substepsPerPeriod} physics steps; expected at most 1000000 per Step call");
        }
        for (var p = 0; p < periods.Count; p++)
        {
            var targets = periods[p];
            if (targets.Count != actuators.Count)
            {
                throw BridgeException.InvalidArgument(
                    $"periods[{p}] has {targets.Count} targets; expected {actuators.Count}, one per name in actuator_names");
            }
            for (var i = 0; i < targets.Count; i++)
            {
                if (!double.IsFinite(targets[i]))
                {
                    throw BridgeException.InvalidArgument(
                        $"periods[{p}].targets[{i}] (actuator '{Model.Actuators[actuators[i]].Name}') is {targets[i]}; expected a finite number");
                }
            }
        }
    }

    public SimulationState GetState()
    {
        var d = Handle;
        var s = Model.Sizes;
        return new SimulationState(
            MujocoShim.Time(d),
            Copy(MujocoShim.Qpos(d), s.Nq), Copy(MujocoShim.Qvel(d), s.Nv), Copy(MujocoShim.Act(d), s.Na),
            Copy(MujocoShim.Ctrl(d), s.Nu), Copy(MujocoShim.MocapPos(d), 3 * s.Nmocap),
            Copy(MujocoShim.MocapQuat(d), 4 * s.Nmocap), Copy(MujocoShim.QaccWarmstart(d), s.Nv), (double[])_compression.Clone());
    }

    public void SetState(SimulationState state)
    {
        var s = Model.Sizes;
        if (!double.IsFinite(state.Time)) throw BridgeException.InvalidArgument($"state.time_s is {state.Time}; expected a finite number");
        Check("qpos", state.Qpos, s.Nq);
        Check("qvel", state.Qvel, s.Nv);
        Check("act", state.Act, s.Na);
        Check("ctrl", state.Ctrl, s.Nu);
        Check("mocap_pos", state.MocapPos, 3 * s.Nmocap);
        Check("mocap_quat", state.MocapQuat, 4 * s.Nmocap);
        // An empty warm start is accepted (the solver starts cold); exact replay needs it.
        if (state.QaccWarmstart.Length != 0) Check("qacc_warmstart", state.QaccWarmstart, s.Nv);
        if (state.ContactCompression.Length != 0)
        {
            Check("contact_compression", state.ContactCompression, _compression.Length);
            var negative = Array.FindIndex(state.ContactCompression, c => c < 0);
            if (negative >= 0)
            {
                throw BridgeException.InvalidArgument($"state.contact_compression[{negative}] is {state.ContactCompression[negative]}; expected a compression >= 0 (m)");
            }
        }
        var d = Handle;
        MujocoShim.SetTime(d, state.Time);
        Paste(state.Qpos, MujocoShim.Qpos(d));
        Paste(state.Qvel, MujocoShim.Qvel(d));
        Paste(state.Act, MujocoShim.Act(d));
        Paste(state.Ctrl, MujocoShim.Ctrl(d));
        Paste(state.MocapPos, MujocoShim.MocapPos(d));
        Paste(state.MocapQuat, MujocoShim.MocapQuat(d));
        _tracker.Clear();
        // Without the compressions every region's spring starts again from its penetrations.
        if (state.ContactCompression.Length != 0) state.ContactCompression.CopyTo(_compression, 0);
        else Array.Clear(_compression);
        Forward();
        // mj_forward overwrites the warm start with the acceleration of the restored state; the next step must
        // start from the saved one to continue bit-identically.
        if (state.QaccWarmstart.Length != 0) Paste(state.QaccWarmstart, MujocoShim.QaccWarmstart(d));
        else new Span<double>(MujocoShim.QaccWarmstart(d), s.Nv).Clear();
    }

    public BodyKinematics BodyState(string name)
    {
        var id = Model.BodyId(name);
        MujocoShim.BodyStateOf(Model.Handle, Handle, id, out var b);
        return new BodyKinematics(name, [b.Pos[0], b.Pos[1], b.Pos[2]], [b.Quat[0], b.Quat[1], b.Quat[2], b.Quat[3]],
            [b.LinVel[0], b.LinVel[1], b.LinVel[2]], [b.AngVel[0], b.AngVel[1], b.AngVel[2]]);
    }

    private void Forward()
    {
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        if (MujocoShim.Forward(Model.Handle, Handle, err, MujocoShim.ErrorBufferLength) == 0)
        {
            throw new BridgeException(BridgeErrorKind.Internal, $"MuJoCo failed to compute the state: {MujocoShim.ErrorText(err)}");
        }
    }

    private static void Check(string field, double[] values, int expected)
    {
        if (values.Length != expected)
        {
            throw BridgeException.InvalidArgument($"state.{field} has {values.Length} values; expected {expected} for this model");
        }
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw BridgeException.InvalidArgument($"state.{field}[{i}] is {values[i]}; expected a finite number");
        }
    }

    private static double[] Copy(double* source, int count) => new ReadOnlySpan<double>(source, count).ToArray();

    private static void Paste(double[] values, double* target) => values.CopyTo(new Span<double>(target, values.Length));

    public void Dispose()
    {
        var data = Interlocked.Exchange(ref _data, 0);
        if (data != 0) MujocoShim.FreeData(data);
        var scratch = Interlocked.Exchange(ref _scratch, 0);
        if (scratch != 0) MujocoShim.FreeData(scratch);
    }
}

/// <summary>Kinematics of a point on a body (<see cref="MujocoSimulation.PointJacobianAt"/>): world position, the body's
/// rotation (row-major, body to world) and the Jacobian columns of the requested joints (3 × joints, row-major).</summary>
public sealed record PointJacobian(double[] Position, double[] Rotation, double[] Translational, double[] Rotational);
