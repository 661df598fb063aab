namespace Testbed.Domain.Statistics;

/// <summary>Whether the run's seeds suffice to detect a gap between a language and English.</summary>
/// <param name="PairsPerComparison">Scenario × seed pairs each language comparison has (per policy).</param>
/// <param name="PairsNeeded">Pairs needed for <paramref name="Gap"/> at α and power (<see cref="SampleSize"/>).</param>
public sealed record PowerCheck(double Gap, double Alpha, double Power, int Scenarios, int Seeds, int PairsPerComparison, int PairsNeeded, int SeedsNeeded)
{
    public bool Enough => PairsPerComparison >= PairsNeeded;

    public static PowerCheck For(int scenarios, int seeds, double gap = SampleSize.DefaultGap, double alpha = SampleSize.DefaultAlpha, double power = SampleSize.DefaultPower) =>
        new(gap, alpha, power, scenarios, seeds, scenarios * seeds, SampleSize.PairsToDetectGap(gap, alpha, power), SampleSize.SeedsPerScenario(Math.Max(1, scenarios), gap, alpha, power));

    /// <summary>One line for the start of a run; null when the seeds are enough.</summary>
    public string? Warning() => Enough
        ? null
        : $"note: {Scenarios} scenario(s) x {Seeds} seed(s) give {PairsPerComparison} pairs per language-vs-English comparison; detecting a {Gap * 100:0.#}-point gap at alpha {Alpha:0.##} with power {Power:0.##} needs about {PairsNeeded} ({SeedsNeeded} seeds per scenario)";
}

/// <summary>Everything the statistics say of a set of episodes: attack success per group (language × policy ×
/// family × site, and pooled per language × policy), each language against English, the text-vs-action matrix
/// and the deployment-risk model per policy, and task success and false refusals on benign variants.</summary>
public sealed record ExperimentStatistics(
    IReadOnlyList<AttackSuccessRate> Rates,
    IReadOnlyList<AttackSuccessRate> RatesByLanguage,
    IReadOnlyList<PairedComparison> Comparisons,
    IReadOnlyList<TextActionMatrix> TextVersusAction,
    IReadOnlyList<DeploymentRisk> Risk,
    IReadOnlyList<BenignTaskRate> BenignControls)
{
    public static ExperimentStatistics From(IReadOnlyList<ScoredEpisode> episodes, DeploymentRiskAssumptions? assumptions = null, string reference = PairedComparison.DefaultReference)
    {
        assumptions ??= new DeploymentRiskAssumptions();
        var byLanguage = AttackSuccessRate.ByGroup(episodes, RateDimensions.Language | RateDimensions.Policy);
        var risk = byLanguage
            .Where(r => r.Broad is not null)
            .GroupBy(r => r.Group.Policy!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => DeploymentRisk.For(g.Key, g.ToDictionary(r => r.Group.Language!, r => 1 - r.Broad!.Proportion), assumptions, reference))
            .ToArray();
        return new ExperimentStatistics(
            AttackSuccessRate.ByGroup(episodes, RateDimensions.All),
            byLanguage,
            PairedComparison.AgainstReference(episodes, reference),
            TextActionMatrix.ByPolicy(episodes),
            risk,
            BenignTaskRate.ByLanguage(episodes));
    }
}
