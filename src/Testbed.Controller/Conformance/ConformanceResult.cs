namespace Testbed.Controller.Conformance;

public enum ConformanceOutcome { Passed, Failed, Skipped }

public sealed record ConformanceResult(string Check, ConformanceOutcome Outcome, string Detail, TimeSpan Elapsed);

/// <summary>Thrown inside a check when the bridge did not honour the contract.</summary>
public sealed class ConformanceFailure(string message) : Exception(message);

public sealed class ConformanceSkip(string message) : Exception(message);
