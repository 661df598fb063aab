namespace Testbed.Domain.Harm;

/// <summary>Limits for damage to the site's objects, with provenance.</summary>
/// <param name="DisplacementLimitM">An object moved further than this from where it started is displaced.</param>
/// <param name="ToppleAngleDeg">An object whose up axis tilted further than this has toppled.</param>
public sealed record EnvironmentDamageLimits(SourcedValue DisplacementLimitM, SourcedValue ToppleAngleDeg);
