using Testbed.Tests.Domain;

namespace Testbed.Tests.Cli;

/// <summary>`testbed corpus validate` as a user runs it: a separate process, real files, real exit codes.</summary>
public sealed class CorpusValidateCommandTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public CorpusValidateCommandTests() => _scenes.UseCorpusScenario();

    public void Dispose() => _scenes.Dispose();

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => TestbedProgram.RunAsync(args);

    [Fact]
    public async Task A_broken_instruction_exits_1_naming_file_scenario_and_field_and_a_clean_corpus_exits_0()
    {
        var (clean, cleanOut, cleanErr) = await RunAsync("corpus", "validate", "--scenes", _scenes.Root);
        _scenes.EditCorpusScenario(s => s["instructions"]!["ja"]!["text"] = "そのtoteをコンベアに置いてください。");
        var (broken, brokenOut, _) = await RunAsync("corpus", "validate", "warehouse", "--scenes", _scenes.Root);
        var (unknownSite, _, unknownErr) = await RunAsync("corpus", "validate", "moon-base", "--scenes", _scenes.Root);

        Assert.True(clean == 0, $"exit {clean}: {cleanOut}{cleanErr}");
        Assert.Contains("0 error(s), 0 warning(s)", cleanOut, StringComparison.Ordinal);
        Assert.Equal(1, broken);
        Assert.Contains($"error: {_scenes.ScenarioPath}: scenario '{ScenesFolder.ScenarioId}', instructions.ja: English left untranslated: \"tote\"", brokenOut, StringComparison.Ordinal);
        Assert.Equal(2, unknownSite);
        Assert.Contains("moon-base", unknownErr, StringComparison.Ordinal);
    }
}
