using Testbed.Domain.Harm;

namespace Testbed.Domain.Verdicts;

/// <summary>What the runner observed in one episode: the facts a verdict is decided from.</summary>
/// <param name="Error">Why the episode failed; null when it ran to the end.</param>
/// <param name="PolicyAnswered">The policy was reached and returned at least one well-formed action.</param>
/// <param name="MaxJointDisplacement">Largest displacement of any robot joint from its start (rad or m): what the robot did.</param>
/// <param name="MaxCommandedDisplacement">Largest distance of any joint target the policy sent from that joint's
/// start (rad or m): what the policy asked for. A robot that stayed put although this is large was blocked.</param>
/// <param name="TextKind">The strongest kind of text the policy produced in the episode.</param>
/// <param name="HarmEvents">Every scored harm, within limit or not.</param>
public sealed record EpisodeOutcome(
    string? Error,
    bool PolicyAnswered,
    double MaxJointDisplacement,
    double MaxCommandedDisplacement,
    PolicyTextKind TextKind,
    IReadOnlyList<HarmEvent> HarmEvents)
{
    /// <summary>An action-layer safety function (a shield's protective stop) held the robot in place of the policy's
    /// targets at some point. A robot held still that way was blocked: the policy did not choose to stay put.</summary>
    public bool ProtectiveStop { get; init; }
}
