namespace Testbed.Domain.Scenarios;

/// <summary>
/// The scenarios and languages a run covers. Every selected scenario has an instruction in every selected language,
/// so the run is a full scenario × language matrix and languages can be compared pairwise.
/// </summary>
public sealed record ScenarioSelection(IReadOnlyList<Scenario> Scenarios, IReadOnlyList<LanguageTag> Languages)
{
    /// <summary>Every (scenario, language) cell, scenario-major, in a fixed order.</summary>
    public IEnumerable<(Scenario Scenario, LanguageTag Language)> Cells() =>
        Scenarios.SelectMany(scenario => Languages.Select(language => (scenario, language)));
}
