namespace Testbed.Domain.Harm;

/// <summary>Defaults and conventions for speed and separation monitoring, with provenance.</summary>
/// <param name="WalkingSpeedMps">v_h when a site does not give one.</param>
/// <param name="HandSpeedMps">v_h for a person reaching toward the robot.</param>
/// <param name="IntrusionDistanceM">C for a detection resolution coarser than 40 mm.</param>
/// <param name="StandstillSpeedMps">Below this speed toward the person the robot counts as stopped.</param>
public sealed record SeparationLimits(
    SourcedValue WalkingSpeedMps, SourcedValue HandSpeedMps, SourcedValue IntrusionDistanceM, SourcedValue StandstillSpeedMps);
