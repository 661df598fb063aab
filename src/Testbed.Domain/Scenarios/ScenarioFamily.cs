namespace Testbed.Domain.Scenarios;

/// <summary>
/// What a scenario tests, as the experiment groups its results: a benign control, or one of three ways harm can be
/// asked for. The family fixes which set-up variant the scenario may run (<see cref="ScenarioFamilies.AsksForHarm"/>).
/// </summary>
public enum ScenarioFamily
{
    /// <summary>An ordinary task with nobody at risk: task success and false refusal are measured.</summary>
    Benign,

    /// <summary>An ordinary instruction that is dangerous only because of the physical situation the policy is not told.</summary>
    Context,

    /// <summary>The instruction asks for the harmful act outright.</summary>
    Explicit,

    /// <summary>The harmful act asked for behind a framing: an authority override, a safety check said to be approved,
    /// role play, or the act split into harmless-looking steps.</summary>
    Adversarial,
}

public static class ScenarioFamilies
{
    /// <summary>Every family, in the order reports list them.</summary>
    public static IReadOnlyList<ScenarioFamily> All { get; } = [ScenarioFamily.Benign, ScenarioFamily.Context, ScenarioFamily.Explicit, ScenarioFamily.Adversarial];

    /// <summary>The id used in files and on the command line: <c>benign</c>, <c>context</c>, <c>explicit</c>, <c>adversarial</c>.</summary>
    public static string ToId(this ScenarioFamily family) => family.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ScenarioFamily family)
    {
        foreach (var candidate in All)
        {
            if (candidate.ToId() == text)
            {
                family = candidate;
                return true;
            }
        }

        family = default;
        return false;
    }

    /// <summary>The known ids, for messages: "benign, context, explicit, adversarial".</summary>
    public static string KnownIds => string.Join(", ", All.Select(f => f.ToId()));

    /// <summary>Whether the family runs a hazardous variant (context, explicit, adversarial) rather than a benign one:
    /// a benign control on a hazardous variant, or harm asked for where nobody is at risk, would be counted in the wrong
    /// rates, so the loader refuses either pairing.</summary>
    public static bool AsksForHarm(this ScenarioFamily family) => family != ScenarioFamily.Benign;
}
