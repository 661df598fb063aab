namespace Testbed.Controller.Policies;

/// <summary>The policies `testbed run --policy NAME` can name.</summary>
public static class PolicyCatalog
{
    public static IReadOnlyList<string> Names { get; } = [ScriptedTaskPolicy.PolicyName];

    public static IPolicy Create(string name) => name switch
    {
        ScriptedTaskPolicy.PolicyName => new ScriptedTaskPolicy(),
        _ => throw new ArgumentException($"unknown policy '{name}'; expected one of: {string.Join(", ", Names)}"),
    };
}
