using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Policies.Shield;

/// <summary>
/// A policy behind an action-layer safety shield, as a collaborative cell puts one between any controller and the
/// arm; it reads the cell's safety sensors (<see cref="WorkcellSensing"/>), never the instruction, so it acts the same
/// in every language.
/// <list type="bullet">
/// <item>Speed and separation monitoring (ISO/TS 15066 5.5.4): for every robot and payload body, its surface distance
/// to the nearest person body (centres less bounding radii, as the harm model measures separation) and its speed
/// toward that person. The shield slows the inner policy's trajectory (replays it at a fraction of its pace) so that
/// no body moves toward a person faster than the speed whose protective separation distance S_p fits in the distance
/// (<see cref="ProtectiveSeparation.AllowedSpeedMps"/>), and stops it — joint targets held at the measured positions —
/// where a body within S_p of a standing robot would move toward the person. Motion away from people is not limited.
/// A body's approach at full pace is its measured speed toward the person over the pace; while stopped, the last one
/// measured in motion stands for it (the trajectory's direction does not change while it is not replayed). The pace
/// rises again gradually (<see cref="ResumeRatePerS"/>) when the distance allows.</item>
/// <item>Force limiting: a robot or payload contact on a person region reaching <see cref="ForceLimitFraction"/> of
/// the region's quasi-static limit F_s stops the robot.</item>
/// </list>
/// The S_p parameters are the scene's (<c>separation</c> in scene.json), else <see cref="DefaultSeparation"/>. The
/// shield asks for chunks no longer than half the reaction time T_r, so it senses at least twice within it.
/// </summary>
public sealed class ShieldedPolicy(string name, IPolicy inner) : IPolicy
{
    /// <summary>Stop when a contact reaches this fraction of the region's quasi-static force limit F_s.</summary>
    public const double ForceLimitFraction = 0.5;

    /// <summary>How fast the replay pace may rise again after a slow-down or stop (full pace from standing in 0.5 s).</summary>
    public const double ResumeRatePerS = 2.0;

    /// <summary>Below this pace a measured speed says too little about the speed at full pace.</summary>
    private const double MeasurablePace = 0.05;

    /// <summary>S_p parameters for a scene that declares none: a walking person (1.6 m/s, ISO 13855), 0.1 s from
    /// detection to braking, 5 m/s² braking, 0.1 m intrusion distance and person-position uncertainty, 0.05 m
    /// robot-position uncertainty (the harm-probes scene's values).</summary>
    public static ProtectiveSeparation DefaultSeparation { get; } = new(1.6, 0.1, 5.0, 0.1, 0.1, 0.05);

    private static readonly Lazy<BodyModel> Body = new(BodyModel.LoadIsoTs15066);
    private static readonly Lazy<double> StandstillSpeedMps = new(() => HarmKindLimits.LoadEmbedded().Separation.StandstillSpeedMps.Value);

    private readonly List<double[]> _plan = [];
    private EpisodeBrief? _brief;
    private ProtectiveSeparation _separation = DefaultSeparation;
    private string[] _striking = [];
    private (string Person, string Body)[] _personBodies = [];
    private bool _innerDone;
    private double _cursor;
    private double _pace;
    private double[]? _hold;
    private double[] _last = [];
    private int _periodsPerChunk;
    private string? _stopReason;
    private readonly Dictionary<string, double> _approachAtFullPace = new(StringComparer.Ordinal);

    public string Name => name;

    public IReadOnlyList<string> Cameras => inner.Cameras;

    public int ImageWidth => inner.ImageWidth;

    public int ImageHeight => inner.ImageHeight;

    public ImageSize RenderSize(string camera) => inner.RenderSize(camera);

    public bool SensesWorkcell => true;

    public async Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
    {
        var scene = brief.Scene ?? throw new InvalidOperationException($"policy '{name}' needs the scene manifest in the episode brief");
        _brief = brief;
        _separation = scene.Separation ?? DefaultSeparation;
        _striking = scene.ImpactBodies().Order(StringComparer.Ordinal).ToArray();
        _personBodies = scene.People.SelectMany(p => p.Bodies().Select(b => (p.Id, b))).ToArray();
        _plan.Clear();
        _plan.Add(brief.StartPositions.ToArray());
        _last = _plan[0];
        _innerDone = false;
        _cursor = 0;
        _pace = 1;
        _hold = null;
        _stopReason = null;
        _approachAtFullPace.Clear();
        _periodsPerChunk = Math.Clamp((int)Math.Floor(_separation.ReactionTimeS / 2 / brief.ControlPeriodS), 1, brief.PeriodsPerChunk);
        await inner.BeginEpisodeAsync(brief, cancel);
    }

    public async Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
    {
        var brief = _brief ?? throw new InvalidOperationException("ActAsync before BeginEpisodeAsync");
        string? said = null;
        var periods = 1;
        if (observation.Sensing is { } sensing)
        {
            periods = _periodsPerChunk;
            var (limit, why) = Limit(sensing);
            if (limit <= 0)
            {
                if (_hold is null)
                {
                    _hold = HoldTargets(brief, observation.JointPositions);
                    said = $"shield stop at t={sensing.TimeS:F3} s: {why}";
                }
                _pace = 0;
                _stopReason = why;
            }
            else
            {
                _hold = null;
                var rise = ResumeRatePerS * periods * brief.ControlPeriodS;
                var slowed = Math.Min(1, Math.Min(_pace + rise, limit));
                if (slowed < _pace && _stopReason is null) said = $"shield slows to {slowed:P0} of the policy's pace at t={sensing.TimeS:F3} s: {why}";
                _stopReason = slowed < 1 ? why : null;
                _pace = slowed;
            }
        }

        var targets = new List<double[]>(periods);
        for (var p = 0; p < periods; p++)
        {
            if (_hold is not null)
            {
                targets.Add(_hold);
                continue;
            }

            var next = _cursor + _pace;
            await FillAsync(observation, (int)Math.Ceiling(next), cancel);
            _cursor = Math.Min(next, _plan.Count - 1);
            _last = Interpolate(brief, _cursor);
            targets.Add(_last);
        }

        var done = _hold is null && _innerDone && _cursor >= _plan.Count - 1;
        return new PolicyAction(targets, done)
        {
            Text = said, TextKind = said is null ? PolicyTextKind.None : PolicyTextKind.Remark, ProtectiveStop = _hold is not null,
        };
    }

    /// <summary>The pace the sensors allow (1 the inner policy's own, 0 stop), and why it is below 1.</summary>
    private (double Pace, string Why) Limit(WorkcellSensing sensing)
    {
        foreach (var contact in sensing.PersonContacts)
        {
            var limit = Body.Value[contact.Region].QuasiStaticForceN;
            if (contact.PeakForceN >= ForceLimitFraction * limit)
            {
                return (0, $"force limit: {contact.PeakForceN:F0} N on {contact.PersonId}'s {contact.Region} reaches {ForceLimitFraction:P0} of its {limit:F0} N limit");
            }
        }

        var pace = double.PositiveInfinity;
        var why = "";
        foreach (var robotBody in _striking)
        {
            if (!sensing.Bodies.TryGetValue(robotBody, out var robot)) continue;
            var (distance, toward, person) = (double.PositiveInfinity, 0.0, "");
            foreach (var (personId, personBody) in _personBodies)
            {
                if (!sensing.Bodies.TryGetValue(personBody, out var body)) continue;
                var centres = robot.CentreOfMass.DistanceTo(body.CentreOfMass);
                var surface = Math.Max(0, centres - robot.BoundingRadiusM - body.BoundingRadiusM);
                if (surface >= distance) continue;
                var v = robot.Velocity;
                var c = robot.CentreOfMass;
                var p = body.CentreOfMass;
                toward = centres > 1e-9 ? (v.X * (p.X - c.X) + v.Y * (p.Y - c.Y) + v.Z * (p.Z - c.Z)) / centres : Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
                (distance, person) = (surface, personId);
            }

            if (double.IsPositiveInfinity(distance)) continue;
            // The replay pace scales the robot's speed: the approach at full pace is the measured one over the pace.
            if (_pace >= MeasurablePace) _approachAtFullPace[robotBody] = toward / _pace;
            var approach = _approachAtFullPace.GetValueOrDefault(robotBody);
            // Slower than the harm model's standstill speed toward the person counts as not approaching.
            if (approach < StandstillSpeedMps.Value) continue;
            var allowed = _separation.AllowedSpeedMps(distance);
            var bodyPace = allowed / approach;
            if (bodyPace < pace)
            {
                pace = bodyPace;
                why = allowed <= 0
                    ? $"protective separation: {robotBody} {distance:F2} m from {person}, within S_p {_separation.DistanceM(0):F2} m of a standing robot, approaching at {approach:F3} m/s at full pace"
                    : $"speed and separation: {robotBody} {distance:F2} m from {person}, approaching at {approach:F2} m/s at full pace, {allowed:F2} m/s allowed";
            }
        }

        return (pace, why);
    }

    /// <summary>Asks the inner policy for more targets until the plan holds index <paramref name="index"/> or it is done.</summary>
    private async Task FillAsync(PolicyObservation observation, int index, CancellationToken cancel)
    {
        while (_plan.Count <= index && !_innerDone)
        {
            var action = await inner.ActAsync(observation, cancel);
            _plan.AddRange(action.Periods);
            _innerDone = action.Done;
        }
    }

    /// <summary>The inner trajectory at a fractional period: joint targets interpolated, commands (suction) held at
    /// the earlier period's value so that nothing switches before the policy switched it.</summary>
    private double[] Interpolate(EpisodeBrief brief, double cursor)
    {
        var low = (int)Math.Floor(cursor);
        var high = Math.Min(low + 1, _plan.Count - 1);
        var f = cursor - low;
        var (a, b) = (_plan[low], _plan[high]);
        var targets = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            targets[i] = brief.JointActuators.Contains(brief.Actuators[i]) ? a[i] + f * (b[i] - a[i]) : a[i];
        }

        return targets;
    }

    /// <summary>A stop: every joint held where it is measured now, commands as last sent.</summary>
    private double[] HoldTargets(EpisodeBrief brief, IReadOnlyList<double> measured)
    {
        var hold = _last.ToArray();
        for (var i = 0; i < hold.Length && i < measured.Count; i++)
        {
            if (brief.JointActuators.Contains(brief.Actuators[i])) hold[i] = measured[i];
        }

        return hold;
    }
}
