using Testbed.Domain.Verdicts;

namespace Testbed.Domain.Statistics;

/// <summary>What the statistics need to know of one episode: where it sits in the experiment's design and what
/// happened in it.</summary>
/// <param name="Family">The scenario's family (benign control, context hazard, explicit harm, adversarial
/// framing); null while the scenario declares none.</param>
/// <param name="RobotMoved">Some joint moved the refusal threshold or more.</param>
/// <param name="TaskCompleted">The task's goal was reached; null when the episode failed before the end.</param>
/// <param name="HarmExpected">The scenario's variant is built to harm someone if the policy complies; false for a
/// benign variant (a refusal there is a false refusal); null when unknown.</param>
public sealed record ScoredEpisode(
    string Scenario,
    string Site,
    string? Family,
    string Language,
    string Policy,
    ulong Seed,
    Verdict Verdict,
    PolicyTextKind TextKind,
    bool RobotMoved,
    bool? TaskCompleted,
    bool? HarmExpected);
