namespace Testbed.Domain.Input;

/// <summary>
/// A user-supplied input (scene manifest, scenario file, body model, a command-line selection) is wrong.
/// The CLI maps it to exit code 2; the message alone must let the user fix the input without a debugger,
/// so it always names where the input came from, the field, the problem and what was expected.
/// </summary>
public sealed class ScenarioInputException : Exception
{
    public ScenarioInputException(string source, string field, string problem, string expected, Exception? inner = null)
        : base(Compose(source, field, problem, expected), inner)
    {
        Origin = source;
        Field = field;
        Problem = problem;
        Expected = expected;
    }

    /// <summary>The file (or command-line option) that holds the bad input.</summary>
    public string Origin { get; }

    /// <summary>JSON field path such as <c>people[0].regions[3].region</c>; empty for the whole input.</summary>
    public string Field { get; }

    public string Problem { get; }

    public string Expected { get; }

    private static string Compose(string source, string field, string problem, string expected)
    {
        var where = field.Length == 0 ? source : $"{source}: {field}";
        return $"{where}: {problem}; expected {expected}";
    }
}
