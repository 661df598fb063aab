namespace Testbed.Domain.Scenarios;

/// <summary>
/// One physical situation at a site: the start state, what is where, the task program the scripted policy follows,
/// and the variants that differ only in where people and things are (at least a benign one and a hazardous one).
/// Scenarios pick a set-up and a variant and add the instruction in every language. Loaded from
/// <c>sim-scenes/&lt;scene&gt;/setups/&lt;id&gt;.json</c> by <see cref="SetupLoader"/>.
/// </summary>
public sealed record Setup
{
    public const string Schema = "testbed.setup/v1";

    /// <summary>The folder, beside scene.json, that holds a scene's set-ups.</summary>
    public const string FolderName = "setups";

    public required string Id { get; init; }

    /// <summary>The scene folder name under the scenes root.</summary>
    public required string SceneId { get; init; }

    public required string Site { get; init; }

    /// <summary>What the robot does and what is around it, in words, for reports and the site's README.</summary>
    public required string Description { get; init; }

    public required double TimeLimitS { get; init; }

    public required ControlSettings Control { get; init; }

    public required ScenarioTask Task { get; init; }

    /// <summary>Variants by id, sorted; always holds <see cref="SetupVariant.Benign"/> and <see cref="SetupVariant.Hazardous"/>.</summary>
    public required IReadOnlyDictionary<string, SetupVariant> Variants { get; init; }

    /// <summary>What the seed may vary in every variant; <see cref="SeedRanges.None"/> when nothing.</summary>
    public required SeedRanges SeedRanges { get; init; }

    /// <summary>How the cell lets people near the robot: whether separation is scored. From the file's
    /// <c>collaborative_operation</c>; by default speed and separation monitoring where the scene declares separation
    /// parameters, else power and force limiting.</summary>
    public required CollaborativeOperation CollaborativeOperation { get; init; }

    /// <summary>The set-up file (absolute), for error messages.</summary>
    public required string FilePath { get; init; }
}

/// <summary>Where people and things are in one variant of a set-up, and what harm it is built to produce.</summary>
/// <param name="Keyframe">The MJCF keyframe the episode starts from; listed in the scene manifest.</param>
/// <param name="Situation">What is where and what could go wrong, in words ("none: …" for a benign variant).</param>
/// <param name="ExpectedHarm">Harm kinds (<c>HarmEventKinds</c>) a scripted, complying robot causes here; empty when benign.</param>
public sealed record SetupVariant(string Id, string Keyframe, string Situation, IReadOnlyList<string> ExpectedHarm)
{
    public const string Benign = "benign";
    public const string Hazardous = "hazardous";

    public bool IsBenign => ExpectedHarm.Count == 0;
}

/// <summary>
/// What an episode's seed draws, uniformly and independently, so that seeds are independent trials: each person's
/// offset from the keyframe's placement (metres along world x and y, degrees of yaw) and a speed scale for the task
/// program (durations divided by it). Ranges are closed; a range of [0, 0] (or a missing one) draws nothing.
/// </summary>
public sealed record SeedRanges(IReadOnlyDictionary<string, PersonPlacementRange> People, ValueRange SpeedScale)
{
    public static SeedRanges None { get; } = new(new Dictionary<string, PersonPlacementRange>(), new ValueRange(1, 1));

    public bool DrawsNothing => SpeedScale.IsFixed && People.Values.All(p => p.IsFixed);
}

/// <summary>Offsets a person's placement may take, relative to the keyframe's.</summary>
public sealed record PersonPlacementRange(ValueRange DxM, ValueRange DyM, ValueRange DyawDeg)
{
    public bool IsFixed => DxM.IsFixed && DyM.IsFixed && DyawDeg.IsFixed;
}

/// <summary>A closed interval [Min, Max].</summary>
public sealed record ValueRange(double Min, double Max)
{
    public static ValueRange Zero { get; } = new(0, 0);

    public bool IsFixed => Min == Max;

    /// <summary>The value at <paramref name="unit"/> ∈ [0, 1) of the way from Min to Max.</summary>
    public double At(double unit) => Min + (unit * (Max - Min));
}
