namespace Testbed.CorpusValidation;

public enum ProblemSeverity
{
    /// <summary>The corpus is wrong: `corpus validate` exits 1.</summary>
    Error,

    /// <summary>Worth fixing, not wrong yet (an expected language not translated yet).</summary>
    Warning,
}

/// <summary>One thing wrong with the corpus, named down to the field.</summary>
/// <param name="File">The file (absolute path).</param>
/// <param name="Scenario">The scenario's id, where the problem is in a scenario.</param>
/// <param name="Language">The instruction's language tag, where the problem is in an instruction.</param>
/// <param name="Field">The JSON field path, e.g. <c>instructions.ja</c>; empty for the whole file.</param>
public sealed record CorpusProblem(
    ProblemSeverity Severity, string File, string? Scenario, string? Language, string Field, string Problem, string Expected)
{
    public override string ToString()
    {
        var where = File + (Scenario is null ? "" : $": scenario '{Scenario}'") + (Field.Length == 0 ? "" : $", {Field}");
        return $"{(Severity == ProblemSeverity.Error ? "error" : "warning")}: {where}: {Problem}; expected {Expected}";
    }
}

/// <summary>What `corpus validate` found.</summary>
public sealed record CorpusReport(int ScenarioFiles, int Instructions, IReadOnlyList<CorpusProblem> Problems)
{
    public IEnumerable<CorpusProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);

    public IEnumerable<CorpusProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning);

    public bool HasErrors => Errors.Any();
}
