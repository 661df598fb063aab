using System.Globalization;

namespace Testbed.Bridge.Engine;

/// <summary>A geom whose contacts with impact bodies must behave as a linear spring (OpenSessionRequest.compliant_geoms).</summary>
public sealed record CompliantGeomSpec(string Geom, double StiffnessNPerM, double DampingRatio);

/// <summary>
/// Which contacts the shim makes compliant, as per-geom arrays the native step reads, and the load rules that
/// make the result trustworthy. The shim overwrites each compliant contact's normal constraint row so that its
/// force is k·penetration whatever the effective masses are (docs/contact-physics.md).
/// </summary>
public sealed class ContactCompliance
{
    /// <summary>Contact impedance d of compliant contacts: small, so that almost none of an external push passes
    /// through the contact instantly (MuJoCo's floor is 1e-4).</summary>
    public const double Impedance = 0.001;

    /// <summary>Largest ω·h allowed, ω = √(k·(1/m_R + 1/m_H)): at 0.6 a free impact peaks within about 3 % of the
    /// spring model; above about 1.2 the contact is resolved 16–25 % low, above 2 it is unstable.</summary>
    public const double MaxOmegaTimestep = 0.6;

    private static readonly double[] DefaultSolref = [0.02, 1];
    private static readonly double[] DefaultSolimp = [0.9, 0.95, 0.001, 0.5, 2];

    private ContactCompliance(double[] stiffness, double[] dampingRatio, byte[] impact, int count)
    {
        Stiffness = stiffness;
        DampingRatio = dampingRatio;
        Impact = impact;
        Count = count;
    }

    /// <summary>N/m per geom id; 0 where the geom is not compliant.</summary>
    internal double[] Stiffness { get; }

    internal double[] DampingRatio { get; }

    /// <summary>1 per geom id of an impact body.</summary>
    internal byte[] Impact { get; }

    /// <summary>How many geoms are compliant; 0 means the session steps with plain mj_step.</summary>
    public int Count { get; }

    /// <summary>Builds the arrays and checks every rule; throws INVALID_ARGUMENT / NOT_FOUND naming the geom, the
    /// rule and the numbers.</summary>
    public static ContactCompliance Create(MujocoModel model, IReadOnlyList<CompliantGeomSpec> geoms, IReadOnlyList<string> impactBodies)
    {
        var n = model.Geoms.Count;
        var stiffness = new double[n];
        var damping = new double[n];
        var impact = new byte[n];
        if (geoms.Count == 0)
        {
            if (impactBodies.Count > 0) throw BridgeException.InvalidArgument("impact_bodies is set but compliant_geoms is empty; expected both or neither");
            return new ContactCompliance(stiffness, damping, impact, 0);
        }

        var file = Path.GetFileName(model.SourcePath);
        var impactIds = new HashSet<int>();
        foreach (var body in impactBodies) impactIds.Add(model.BodyId(body));
        foreach (var g in model.Geoms.Where(g => impactIds.Contains(g.BodyId))) impact[g.Id] = 1;

        var geomIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in model.Geoms.Where(g => g.Name.Length > 0)) geomIds.TryAdd(g.Name, g.Id);
        foreach (var spec in geoms)
        {
            if (!geomIds.TryGetValue(spec.Geom, out var id))
            {
                throw BridgeException.NotFound($"compliant geom '{spec.Geom}' is not in model '{file}'");
            }
            if (!(spec.StiffnessNPerM > 0) || !double.IsFinite(spec.StiffnessNPerM))
            {
                throw BridgeException.InvalidArgument(Invariant($"compliant geom '{spec.Geom}': stiffness_n_per_m is {spec.StiffnessNPerM}; expected a finite number > 0"));
            }
            if (!(spec.DampingRatio >= 0) || !double.IsFinite(spec.DampingRatio))
            {
                throw BridgeException.InvalidArgument(Invariant($"compliant geom '{spec.Geom}': damping_ratio is {spec.DampingRatio}; expected a finite number >= 0"));
            }
            if (impact[id] != 0)
            {
                throw BridgeException.InvalidArgument($"geom '{spec.Geom}' is compliant and also belongs to impact body '{model.Geoms[id].Body}'; expected a geom to be one or the other");
            }
            RequireModelParameters(model.Geoms[id], file);
            stiffness[id] = spec.StiffnessNPerM;
            damping[id] = spec.DampingRatio;
        }

        MujocoShim.PhysicsOptionsOf(model.Handle, out var options);
        if (options.Euler == 0)
        {
            throw BridgeException.InvalidArgument($"model '{file}': <option integrator> is not Euler; compliant contacts need the Euler integrator (the bridge adjusts contacts between collision detection and the solve, a stage RK4 and implicit re-run); set <option integrator=\"Euler\"/>");
        }
        if (options.Elliptic == 0)
        {
            throw BridgeException.InvalidArgument($"model '{file}': <option cone> is pyramidal; compliant contacts need elliptic friction cones (with a pyramidal cone the normal force has no row of its own to make compliant); set <option cone=\"elliptic\"/>");
        }
        RequireNoPriorityAgainstPeople(model, file, stiffness, impact);
        RequireTimestep(model, file, stiffness, impact);
        return new ContactCompliance(stiffness, damping, impact, geoms.Count);
    }

    /// <summary>A compliant geom must carry MuJoCo's default contact parameters: the bridge sets its contacts with
    /// impact bodies itself, and its contacts with the environment must be governed by the environment (a person's
    /// soft solref there would make a clamped hand two springs in series, or let it sink into a table).</summary>
    private static void RequireModelParameters(GeomDetails geom, string file)
    {
        var problems = new List<string>();
        if (!geom.Solref.SequenceEqual(DefaultSolref)) problems.Add(Invariant($"solref \"{string.Join(' ', geom.Solref)}\" (expected the default \"0.02 1\")"));
        if (!geom.Solimp.SequenceEqual(DefaultSolimp)) problems.Add(Invariant($"solimp \"{string.Join(' ', geom.Solimp)}\" (expected the default \"0.9 0.95 0.001 0.5 2\")"));
        if (geom.Priority != 0) problems.Add($"priority {geom.Priority} (expected 0)");
        if (problems.Count > 0)
        {
            throw BridgeException.InvalidArgument(
                $"model '{file}': compliant geom '{geom.Name}' declares {string.Join(", ", problems)}; the bridge sets the compliance of its contacts with impact bodies per contact, so contact parameters on it would be ignored there and would soften its contacts with the environment; remove them");
        }
    }

    /// <summary>
    /// An impact geom that can touch a compliant geom must carry priority 0, as the compliant geoms do. With a higher
    /// priority MuJoCo 2.2.2 takes that geom's condim, friction, solref and solimp for the contact instead of combining
    /// both geoms' (mj_contactParam): the bridge rewrites the normal row, but the friction rows and the friction cone
    /// would be the robot's or payload's alone (its friction instead of the larger of the two), so a priority set for a
    /// grip would silently change how a person is struck. With default parameters on both geoms the choice makes no
    /// difference; the rule is on the priority itself, which is simpler to audit than every parameter it would select.
    /// </summary>
    private static void RequireNoPriorityAgainstPeople(MujocoModel model, string file, double[] stiffness, byte[] impact)
    {
        var compliant = model.Geoms.Where(g => stiffness[g.Id] > 0).ToList();
        foreach (var g in model.Geoms.Where(g => impact[g.Id] != 0 && g.Priority != 0))
        {
            var person = compliant.FirstOrDefault(c => (c.Contype & g.Conaffinity) != 0 || (g.Contype & c.Conaffinity) != 0);
            if (person is null) continue;
            throw BridgeException.InvalidArgument(
                $"model '{file}': impact geom '{g.Name}' (body '{g.Body}') declares priority {g.Priority} and can touch compliant geom '{person.Name}'; with a priority MuJoCo takes that geom's condim, friction, solref and solimp for its contacts with people instead of combining both geoms', so the person contact would not be the one the bridge calibrates; expected priority 0 on every robot and payload geom that can touch a person (a grip can use the payload's own friction, solref and solimp instead)");
        }
    }

    /// <summary>h·ω ≤ <see cref="MaxOmegaTimestep"/> for every compliant geom struck by the lightest impact body, with
    /// masses from MuJoCo's own mean effective mass of each body at the reference pose (body_invweight0).</summary>
    private static void RequireTimestep(MujocoModel model, string file, double[] stiffness, byte[] impact)
    {
        var lightest = model.Geoms
            .Where(g => impact[g.Id] != 0 && (g.Contype != 0 || g.Conaffinity != 0))
            .Select(g => (g.Body, Weight: MujocoShim.BodyInverseWeight(model.Handle, g.BodyId)))
            .OrderByDescending(b => b.Weight)
            .FirstOrDefault();
        if (lightest.Body is null) return;
        var h = model.Timestep;
        foreach (var g in model.Geoms.Where(g => stiffness[g.Id] > 0))
        {
            var personWeight = MujocoShim.BodyInverseWeight(model.Handle, g.BodyId);
            var omega = Math.Sqrt(stiffness[g.Id] * (lightest.Weight + personWeight));
            if (h * omega > MaxOmegaTimestep)
            {
                var maxTimestep = MaxOmegaTimestep / omega;
                throw BridgeException.InvalidArgument(Invariant(
                    $"model '{file}': timestep {h * 1000:0.###} ms is too large for compliant geom '{g.Name}' (k {stiffness[g.Id] / 1000:0.#} N/mm, effective mass {1 / personWeight:0.###} kg) struck by impact body '{lightest.Body}' (effective mass {1 / lightest.Weight:0.###} kg): ω·h = {h * omega:0.###} > {MaxOmegaTimestep}; expected a timestep of at most {maxTimestep * 1000:0.###} ms"));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
