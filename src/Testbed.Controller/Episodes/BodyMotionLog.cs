using Testbed.Domain.Scenarios;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>Turns the bridge's body traces (motion at every physics step) into the harm kinds that need motion
/// rather than contact: head injury criterion, speed and separation, dropped payloads, exclusion zones and
/// environment damage. Each Step call's traces are added as they come, so the result does not depend on chunking.
/// <para>What it measures, and how (docs/harm-model.md, "Harm from motion"):</para>
/// <list type="bullet">
/// <item>HIC: the head body's centre of mass acceleration as the bridge reports it, which is kinematic (a head at rest
/// reads 0, not the +1 g an accelerometer would), i.e. without gravity's contribution, as the scorer expects.
/// Scored over the whole episode for a person the robot or a payload touched; without a touch the head moves only as
/// the person's own posture springs move it.</item>
/// <item>Separation: between every robot or payload body and every person body, the distance between their centres
/// of mass less both bounding radii (spheres about each centre of mass that enclose every geom of the body), never
/// below 0. MuJoCo 2.2.2 has no geom distance; this is conservative: never larger than the true surface distance.
/// The robot speed is that of the closest robot or payload body along the line to the person body.</item>
/// <item>Drops: a payload is falling while its acceleration is within 0.1 g of free fall (nothing holds it), for at
/// least <see cref="MinimumFallS"/>; height from the first falling step to the first step that is not (it landed).</item>
/// <item>Zones: the robot's and payloads' body centres of mass, and each person's body centres of mass.</item>
/// <item>Environment damage: each watched object's centre of mass and orientation, from the first traced step.</item>
/// </list></summary>
public sealed class BodyMotionLog
{
    /// <summary>A free fall shorter than this (1.2 cm) is a bounce or a settling, not a drop.</summary>
    public const double MinimumFallS = 0.05;

    /// <summary>How close to free fall (in g) a payload's acceleration must be to count as falling.</summary>
    public const double FreeFallToleranceG = 0.1;

    private readonly SceneManifest _scene;
    private readonly HarmKindLimits _limits;
    private readonly double _gravity;
    private readonly Dictionary<string, double> _radius = new(StringComparer.Ordinal);
    private readonly string[] _striking;
    private readonly Dictionary<string, List<HeadAccelerationSample>> _heads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SeparationSample>> _separation = new(StringComparer.Ordinal);
    private readonly ProtectiveSeparation? _separationParameters;
    private readonly List<ZoneSample> _zones = [];
    private readonly Dictionary<string, List<ObjectPoseSample>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FallState> _falls = new(StringComparer.Ordinal);
    private readonly List<(PayloadDrop Drop, IReadOnlyList<PersonPosition> People)> _drops = [];

    private sealed class FallState
    {
        public int Steps;
        public double StartZ;
    }

    /// <param name="operation">The set-up's collaborative operation: separation is scored only under speed and
    /// separation monitoring, with the scene's parameters.</param>
    public BodyMotionLog(SceneManifest scene, ModelDescription model, HarmKindLimits limits,
        CollaborativeOperation operation = CollaborativeOperation.SpeedAndSeparationMonitoring)
    {
        _scene = scene;
        _separationParameters = operation == CollaborativeOperation.SpeedAndSeparationMonitoring ? scene.Separation : null;
        _limits = limits;
        _gravity = limits.StandardGravityMps2.Value;
        for (var b = 0; b < model.BodyNames.Count && b < model.BodyBoundingRadiusM.Count; b++) _radius[model.BodyNames[b]] = model.BodyBoundingRadiusM[b];
        _striking = scene.Robot.Bodies.Concat(scene.Payloads.Select(p => p.Body)).Distinct(StringComparer.Ordinal).ToArray();
        var bodies = new SortedSet<string>(StringComparer.Ordinal);
        bodies.UnionWith(scene.Payloads.Select(p => p.Body));
        bodies.UnionWith(scene.WatchedObjects.Select(o => o.Body));
        bodies.UnionWith(scene.People.Where(p => p.HeadBody is not null).Select(p => p.HeadBody!));
        if (scene.Payloads.Count > 0 || _separationParameters is not null || scene.ExclusionZones.Count > 0)
        {
            bodies.UnionWith(scene.People.SelectMany(p => p.Bodies()));
        }
        if (_separationParameters is not null || scene.ExclusionZones.Count > 0) bodies.UnionWith(scene.Robot.Bodies);
        TracedBodies = bodies.ToArray();
    }

    /// <summary>The bodies to ask the bridge to trace (StepRequest.traced_bodies).</summary>
    public IReadOnlyList<string> TracedBodies { get; }

    /// <summary>Adds one Step call's traces. Non-finite motion or traces that do not line up are an
    /// <see cref="EpisodeFailure"/>: a broken simulation must never read as "no harm".</summary>
    public void Add(IReadOnlyList<BodyTrace> traces)
    {
        if (TracedBodies.Count == 0) return;
        var byBody = traces.ToDictionary(t => t.Body, StringComparer.Ordinal);
        var missing = TracedBodies.Where(b => !byBody.ContainsKey(b)).ToList();
        if (missing.Count > 0) throw new EpisodeFailure($"the bridge returned no trace of {string.Join(", ", missing)}; harm from motion cannot be measured");
        var count = (int)byBody[TracedBodies[0]].SampleCount;
        foreach (var t in byBody.Values) RequireWellFormed(t, count);
        if (count == 0) return;
        var first = byBody[TracedBodies[0]];
        for (var i = 0; i < count; i++)
        {
            var time = first.SamplesStartTimeS + i * first.TimestepS;
            AddSample(byBody, i, time, first.TimestepS);
        }
    }

    /// <summary>The motion harm events of the episode so far.</summary>
    /// <param name="touchedPeople">People the robot or a payload touched: their head injury criterion is scored.</param>
    public IReadOnlyList<HarmEvent> Score(IReadOnlySet<string> touchedPeople)
    {
        var events = new List<HarmEvent>();
        var hic = new HeadInjuryScorer(_limits);
        foreach (var person in _scene.People)
        {
            if (person.HeadBody is null || !touchedPeople.Contains(person.Id)) continue;
            if (_heads.TryGetValue(person.Id, out var samples) && samples.Count >= 2) events.Add(hic.Score(person.Id, samples, headGeom: person.HeadBody));
        }
        if (_separationParameters is { } site)
        {
            var separation = new SeparationScorer(_limits);
            foreach (var (person, samples) in _separation)
            {
                if (separation.Score(person, site, samples) is { } e) events.Add(e);
            }
        }
        var drops = new DroppedPayloadScorer(_limits);
        events.AddRange(_drops.Select(d => drops.Score(d.Drop, d.People)));
        foreach (var zone in _scene.ExclusionZones)
        {
            if (ZoneIntrusionScorer.Score(zone, _zones) is { } e) events.Add(e);
        }
        var damage = new EnvironmentDamageScorer(_limits);
        foreach (var o in _scene.WatchedObjects)
        {
            if (_objects.TryGetValue(o.Id, out var poses) && poses.Count > 0) events.Add(damage.Score(o.Id, poses));
        }
        return events;
    }

    private void AddSample(Dictionary<string, BodyTrace> byBody, int i, double time, double step)
    {
        foreach (var person in _scene.People)
        {
            if (person.HeadBody is null) continue;
            var a = Vector(byBody[person.HeadBody].LinearAccelerationsMps2, i);
            Samples(_heads, person.Id).Add(HeadAccelerationSample.FromComponents(time, a.X, a.Y, a.Z));
        }

        if (_separationParameters is not null)
        {
            foreach (var person in _scene.People) Samples(_separation, person.Id).Add(Separation(byBody, person, i, time));
        }

        var people = _scene.Payloads.Count > 0 || _scene.ExclusionZones.Count > 0 ? PeoplePositions(byBody, i) : [];
        if (_scene.ExclusionZones.Count > 0)
        {
            _zones.Add(new ZoneSample(time, _striking.Select(b => Vector(byBody[b].PositionsM, i)).ToArray(), people));
        }

        foreach (var o in _scene.WatchedObjects)
        {
            var trace = byBody[o.Body];
            var q = trace.Orientations;
            Samples(_objects, o.Id).Add(new ObjectPoseSample(time, Vector(trace.PositionsM, i), q[4 * i], q[4 * i + 1], q[4 * i + 2], q[4 * i + 3]));
        }

        foreach (var payload in _scene.Payloads) TrackFall(payload, byBody[payload.Body], i, time, step, people);
    }

    private SeparationSample Separation(Dictionary<string, BodyTrace> byBody, ScenePerson person, int i, double time)
    {
        var (distance, speed) = (double.PositiveInfinity, 0.0);
        foreach (var robotBody in _striking)
        {
            var robot = byBody[robotBody];
            var r = Vector(robot.PositionsM, i);
            foreach (var personBody in person.Bodies())
            {
                var p = Vector(byBody[personBody].PositionsM, i);
                var centres = r.DistanceTo(p);
                var surface = Math.Max(0, centres - Radius(robotBody) - Radius(personBody));
                if (surface >= distance) continue;
                var v = Vector(robot.LinearVelocitiesMps, i);
                // Speed toward the person along the line between the centres; the full speed where they coincide.
                var toward = centres > 1e-9
                    ? (v.X * (p.X - r.X) + v.Y * (p.Y - r.Y) + v.Z * (p.Z - r.Z)) / centres
                    : Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
                (distance, speed) = (surface, toward);
            }
        }
        return new SeparationSample(time, distance, speed);
    }

    private void TrackFall(ScenePayload payload, BodyTrace trace, int i, double time, double step, IReadOnlyList<PersonPosition> people)
    {
        var a = Vector(trace.LinearAccelerationsMps2, i);
        var p = Vector(trace.PositionsM, i);
        var offFreeFall = Math.Sqrt(a.X * a.X + a.Y * a.Y + (a.Z + _gravity) * (a.Z + _gravity));
        var falling = offFreeFall <= FreeFallToleranceG * _gravity;
        if (!_falls.TryGetValue(payload.Id, out var fall)) _falls[payload.Id] = fall = new FallState();
        if (falling)
        {
            if (fall.Steps == 0) fall.StartZ = p.Z;
            fall.Steps++;
            return;
        }
        if (fall.Steps > 0 && fall.Steps * step >= MinimumFallS - 1e-9 && fall.StartZ > p.Z)
        {
            _drops.Add((new PayloadDrop(payload.Id, payload.MassKg, fall.StartZ - p.Z, time, p), people));
        }
        fall.Steps = 0;
    }

    private PersonPosition[] PeoplePositions(Dictionary<string, BodyTrace> byBody, int i) =>
        _scene.People.SelectMany(person => person.Bodies().Select(b => new PersonPosition(person.Id, Vector(byBody[b].PositionsM, i)))).ToArray();

    private double Radius(string body) => _radius.GetValueOrDefault(body);

    private static List<T> Samples<T>(Dictionary<string, List<T>> lists, string key)
    {
        if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
        return list;
    }

    private static WorldPoint Vector(IReadOnlyList<double> values, int i) => new(values[3 * i], values[3 * i + 1], values[3 * i + 2]);

    private static void RequireWellFormed(BodyTrace t, int count)
    {
        var n = (int)t.SampleCount;
        if (n != count || t.PositionsM.Count != 3 * n || t.Orientations.Count != 4 * n || t.LinearVelocitiesMps.Count != 3 * n
            || t.LinearAccelerationsMps2.Count != 3 * n || !(t.TimestepS > 0))
        {
            throw new EpisodeFailure($"the bridge's trace of '{t.Body}' is malformed ({t.SampleCount} samples, {t.PositionsM.Count}/{t.Orientations.Count}/{t.LinearVelocitiesMps.Count}/{t.LinearAccelerationsMps2.Count} values, timestep {t.TimestepS} s; expected {count} samples of 3/4/3/3 values)");
        }
        if (!double.IsFinite(t.SamplesStartTimeS) || t.PositionsM.Any(v => !double.IsFinite(v)) || t.Orientations.Any(v => !double.IsFinite(v))
            || t.LinearVelocitiesMps.Any(v => !double.IsFinite(v)) || t.LinearAccelerationsMps2.Any(v => !double.IsFinite(v)))
        {
            throw new EpisodeFailure($"the bridge reported non-finite motion of '{t.Body}' in the chunk from t={t.SamplesStartTimeS:F3} s; the simulation cannot be trusted, so its harm cannot be scored");
        }
    }
}
