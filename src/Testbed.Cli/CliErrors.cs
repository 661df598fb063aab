namespace Testbed.Cli;

/// <summary>A usage error: exit code 2, with a message saying what was given and what was expected.</summary>
public sealed class UsageException(string message) : Exception(message);
