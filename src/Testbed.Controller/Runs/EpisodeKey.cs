using System.Globalization;

namespace Testbed.Controller.Runs;

/// <summary>What identifies an episode within a run: scenario, language, policy and seed. Resume, merge, compare
/// and the worker pool all match episodes by it.</summary>
public readonly record struct EpisodeKey(string Scenario, string Language, string Policy, ulong Seed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scenario} · {Language} · {Policy} · seed {Seed}");
}
