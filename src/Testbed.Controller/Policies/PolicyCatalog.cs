namespace Testbed.Controller.Policies;

/// <summary>The policies `testbed run --policy` can name: the built-in ones, and servers by URI.</summary>
public static class PolicyCatalog
{
    public static IReadOnlyList<string> Names { get; } = [ScriptedTaskPolicy.PolicyName];

    /// <summary>A built-in policy by name.</summary>
    public static IPolicy Create(string name) => name switch
    {
        ScriptedTaskPolicy.PolicyName => new ScriptedTaskPolicy(),
        _ => throw new ArgumentException($"unknown policy '{name}'; expected one of: {string.Join(", ", Names)}"),
    };
}
