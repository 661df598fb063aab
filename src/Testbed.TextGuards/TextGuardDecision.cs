namespace Testbed.TextGuards;

/// <summary>What a text-layer guard decided about one instruction, and why, in words a record can keep.</summary>
/// <param name="Refuse">True: the guard would not let the robot act on the instruction.</param>
/// <param name="Reason">The evidence: the matched term, or the score against the threshold.</param>
public sealed record TextGuardDecision(bool Refuse, string Reason);

/// <summary>A guard that reads an instruction before any motion and may refuse it.</summary>
public interface ITextGuard
{
    /// <summary>The decision on <paramref name="instruction"/>. The language tag is what the scenario says the text is;
    /// a guard may ignore it (a deployed guard rarely knows it).</summary>
    TextGuardDecision Judge(string instruction, string languageTag);
}
