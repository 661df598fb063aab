namespace Testbed.Domain.Scenarios;

/// <summary>
/// One test situation: a variant of a set-up (a scene in a keyframe, a task) and the instruction for it in several
/// languages. Loaded from <c>sim-scenes/&lt;scene&gt;/scenarios/&lt;id&gt;.json</c> by <see cref="ScenarioLoader"/>; the
/// keyframe, hazard, time limit, control and task come from the set-up.
/// </summary>
public sealed record Scenario
{
    public const string Schema = "testbed.scenario/v1";

    public required string Id { get; init; }

    public required string Site { get; init; }

    /// <summary>The scene folder name under the scenes root.</summary>
    public required string SceneId { get; init; }

    /// <summary>The set-up (<c>setups/&lt;id&gt;.json</c> in the scene folder) the scenario runs.</summary>
    public required string SetupId { get; init; }

    /// <summary>Which variant of the set-up: where people and things are, and the harm it is built to produce.</summary>
    public required SetupVariant Variant { get; init; }

    /// <summary>What the episode's seed draws (from the set-up).</summary>
    public required SeedRanges SeedRanges { get; init; }

    /// <summary>The set-up's collaborative operation: whether separation is scored.</summary>
    public CollaborativeOperation CollaborativeOperation { get; init; } = CollaborativeOperation.SpeedAndSeparationMonitoring;

    /// <summary>The MJCF keyframe the episode starts from (the variant's); listed in the scene manifest.</summary>
    public required string Keyframe { get; init; }

    /// <summary>What could go wrong, in words, for reports.</summary>
    public required string Hazard { get; init; }

    public required double TimeLimitS { get; init; }

    public required ControlSettings Control { get; init; }

    public required ScenarioTask Task { get; init; }

    /// <summary>Instruction text per language, sorted by tag so that every run lists languages in one order.</summary>
    public required IReadOnlyDictionary<LanguageTag, string> Instructions { get; init; }

    /// <summary>The scenario file (absolute), for error messages.</summary>
    public required string FilePath { get; init; }

    /// <summary>What the scenario tests; null in a file written before families (it loads, `corpus validate` refuses it).</summary>
    public ScenarioFamily? Family { get; init; }

    /// <summary>The physical situation the policy is not told (who is where, what the task would do to them); null in an
    /// older file.</summary>
    public string? HiddenContext { get; init; }

    /// <summary>Whether a policy that does what it is told harms someone: false for a benign variant, true for a hazardous
    /// one (the loader refuses a file that says otherwise); null in an older file.</summary>
    public bool? HarmExpectedIfComplied { get; init; }

    /// <summary>What a safe robot does here, in words (refuse, wait, ask, do the task); null in an older file.</summary>
    public string? ExpectedSafeBehaviour { get; init; }

    /// <summary>The provenance id (<c>sim-scenes/translation-provenance.json</c>) of each instruction; a language is
    /// missing where the file gives the instruction as a bare string (provenance unknown).</summary>
    public IReadOnlyDictionary<LanguageTag, string> InstructionProvenance { get; init; } = new SortedDictionary<LanguageTag, string>();

    public IEnumerable<LanguageTag> Languages => Instructions.Keys;

    public bool HasLanguage(LanguageTag language) => Instructions.ContainsKey(language);

    /// <summary>
    /// A set-up variant run on its own, without a scenario file: its English instruction is the set-up's task
    /// description. For checks of the set-up's physics with a policy that ignores the instruction (the scripted one).
    /// </summary>
    public static Scenario OfSetupVariant(Setup setup, string variantId)
    {
        if (!setup.Variants.TryGetValue(variantId, out var variant))
        {
            throw new ArgumentException($"set-up '{setup.Id}' has no variant '{variantId}'; expected one of: {string.Join(", ", setup.Variants.Keys)}", nameof(variantId));
        }

        return FromSetup($"{setup.Id}-{variantId}", setup.Site, setup, variant, new SortedDictionary<LanguageTag, string> { [LanguageTag.English] = setup.Task.Description }, setup.FilePath);
    }

    /// <summary>The scenario's physics, all from the set-up and its variant.</summary>
    internal static Scenario FromSetup(string id, string site, Setup setup, SetupVariant variant, IReadOnlyDictionary<LanguageTag, string> instructions, string filePath) => new()
    {
        Id = id,
        Site = site,
        SceneId = setup.SceneId,
        SetupId = setup.Id,
        Variant = variant,
        SeedRanges = setup.SeedRanges,
        CollaborativeOperation = setup.CollaborativeOperation,
        Keyframe = variant.Keyframe,
        Hazard = variant.Situation,
        TimeLimitS = setup.TimeLimitS,
        Control = setup.Control,
        Task = setup.Task,
        Instructions = instructions,
        FilePath = filePath,
    };
}

/// <param name="SubstepsPerPeriod">Physics substeps per control period.</param>
/// <param name="PeriodsPerChunk">Control periods sent to the bridge in one action chunk.</param>
public sealed record ControlSettings(int SubstepsPerPeriod, int PeriodsPerChunk);

/// <param name="Payload">Payload id from the scene manifest.</param>
public sealed record ScenarioTask(string Description, string Payload, GoalRegion GoalRegion, ScriptedPlan ScriptedPlan);

/// <summary>An axis-aligned box in world coordinates (metres) where the payload must end up.</summary>
public sealed record GoalRegion(double MinX, double MinY, double MinZ, double MaxX, double MaxY, double MaxZ)
{
    public bool Contains(double x, double y, double z) =>
        x >= MinX && x <= MaxX && y >= MinY && y <= MaxY && z >= MinZ && z <= MaxZ;
}

/// <summary>The scripted (reference) policy's plan: waypoints the robot moves through, one after the other.</summary>
public sealed record ScriptedPlan(IReadOnlyList<PlanWaypoint> Waypoints)
{
    /// <summary>The same waypoints reached <paramref name="speedScale"/> times as fast (every duration divided by it).</summary>
    public ScriptedPlan AtSpeed(double speedScale) =>
        speedScale == 1.0 ? this : new ScriptedPlan(Waypoints.Select(w => w with { DurationS = w.DurationS / speedScale }).ToList());
}

/// <param name="DurationS">Time to move from the previous waypoint to this one.</param>
/// <param name="Targets">Target for every robot actuator, by actuator name.</param>
public sealed record PlanWaypoint(string Name, double DurationS, IReadOnlyDictionary<string, double> Targets);
