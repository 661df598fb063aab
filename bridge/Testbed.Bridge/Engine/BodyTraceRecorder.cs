namespace Testbed.Bridge.Engine;

/// <summary>The motion of one body at every physics step of a chunk: per sample, centre of mass position (3 values),
/// body frame quaternion w x y z (4), centre of mass velocity (3) and acceleration (3). Sample i is the state after
/// the chunk's (i+1)-th step, at <see cref="StartTime"/> + i·<see cref="Timestep"/>.</summary>
public sealed record TracedMotion(string Body, double StartTime, double Timestep, int Count,
    double[] Positions, double[] Orientations, double[] LinearVelocities, double[] LinearAccelerations);

/// <summary>Collects the traces of a chunk's traced bodies, one shim call per physics step; nothing at all when no
/// body is traced.</summary>
internal sealed unsafe class BodyTraceRecorder
{
    private readonly MujocoModel _model;
    private readonly int[] _bodies;
    private readonly double[] _values;
    private readonly List<double>[] _positions, _orientations, _velocities, _accelerations;
    private double _startTime = double.NaN;
    private int _count;

    public BodyTraceRecorder(MujocoModel model, IReadOnlyList<int> bodies)
    {
        _model = model;
        _bodies = bodies.ToArray();
        _values = new double[MujocoShim.TraceValuesPerBody * _bodies.Length];
        _positions = NewLists();
        _orientations = NewLists();
        _velocities = NewLists();
        _accelerations = NewLists();
    }

    public bool IsEmpty => _bodies.Length == 0;

    /// <summary>Records the state just reached by a physics step; <paramref name="time"/> is the time after it.</summary>
    public void Record(nint data, double time)
    {
        if (IsEmpty) return;
        var err = stackalloc byte[MujocoShim.ErrorBufferLength];
        fixed (int* bodies = _bodies)
        fixed (double* values = _values)
        {
            if (MujocoShim.TraceBodies(_model.Handle, data, bodies, _bodies.Length, values, err, MujocoShim.ErrorBufferLength) == 0)
            {
                throw new BridgeException(BridgeErrorKind.Internal, $"MuJoCo failed to trace bodies at t={time:F4} s: {MujocoShim.ErrorText(err)}");
            }
        }
        if (_count == 0) _startTime = time;
        _count++;
        for (var b = 0; b < _bodies.Length; b++)
        {
            var v = new ReadOnlySpan<double>(_values, MujocoShim.TraceValuesPerBody * b, MujocoShim.TraceValuesPerBody);
            for (var k = 0; k < 3; k++) _positions[b].Add(v[k]);
            for (var k = 3; k < 7; k++) _orientations[b].Add(v[k]);
            for (var k = 7; k < 10; k++) _velocities[b].Add(v[k]);
            for (var k = 10; k < 13; k++) _accelerations[b].Add(v[k]);
        }
    }

    public IReadOnlyList<TracedMotion> Traces() => _bodies.Select((body, b) => new TracedMotion(
        _model.BodyNames[body], _count > 0 ? _startTime : 0, _model.Timestep, _count,
        _positions[b].ToArray(), _orientations[b].ToArray(), _velocities[b].ToArray(), _accelerations[b].ToArray())).ToArray();

    private List<double>[] NewLists() => _bodies.Select(_ => new List<double>()).ToArray();
}
