using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;

namespace Testbed.Tests.Domain;

/// <summary>Instructions are bounded in length and must be visible text; a refusal names the file, the scenario,
/// the language and the field.</summary>
public sealed class InstructionLimitTests : IDisposable
{
    private readonly ScenesFolder _scenes = new();

    public void Dispose() => _scenes.Dispose();

    private ScenarioInputException LoadWithJapanese(string instruction)
    {
        _scenes.EditScenario(s => s["instructions"]!["ja"] = instruction);
        return Assert.Throws<ScenarioInputException>(() => ScenarioLoader.Load(_scenes.ScenarioPath, _scenes.Root));
    }

    private void AssertNamesEverything(ScenarioInputException error)
    {
        Assert.Equal(_scenes.ScenarioPath, error.Origin);
        Assert.Equal("instructions.ja", error.Field);
        Assert.Contains(ScenesFolder.ScenarioId, error.Message);
        Assert.Contains("ja instruction", error.Message);
    }

    [Fact]
    public void A_ten_megabyte_instruction_is_refused_with_the_limit()
    {
        var error = LoadWithJapanese(new string('あ', 10 * 1024 * 1024));

        AssertNamesEverything(error);
        Assert.Contains("10,485,760 characters", error.Message);
        Assert.Contains("at most 4,000 characters", error.Message);
    }

    [Fact]
    public void An_instruction_of_exactly_the_limit_loads_and_one_more_character_is_refused()
    {
        // Counted in code points: 4,000 characters outside the Basic Multilingual Plane are 8,000 UTF-16 units.
        _scenes.EditScenario(s => s["instructions"]!["ja"] = string.Concat(Enumerable.Repeat("𠀋", InstructionText.MaxCodePoints)));
        var scenario = ScenarioLoader.Load(_scenes.ScenarioPath, _scenes.Root);
        Assert.Equal(2 * InstructionText.MaxCodePoints, scenario.Instructions[LanguageTag.Parse("ja")].Length);

        var error = LoadWithJapanese(new string('x', InstructionText.MaxCodePoints + 1));
        AssertNamesEverything(error);
        Assert.Contains("4,001 characters", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    [InlineData("\u3000\u3000")] // ideographic spaces
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")] // zero-width space, non-joiner, joiner, word joiner, BOM
    [InlineData("\u200E\u202E\u00AD")] // bidi marks and a soft hyphen
    [InlineData("\u3164\u115F")] // Hangul fillers, letters that draw nothing
    [InlineData("\u0301\u0308")] // combining accents with nothing to sit on
    public void A_blank_or_invisible_instruction_is_refused(string instruction)
    {
        var error = LoadWithJapanese(instruction);

        AssertNamesEverything(error);
        Assert.Contains(instruction.Length == 0 ? "is empty" : "no visible character", error.Message);
    }

    [Fact]
    public void An_instruction_with_a_terminal_escape_is_refused()
    {
        var error = LoadWithJapanese("トートを\u001b[2J置いてください");

        AssertNamesEverything(error);
        Assert.Contains("U+001B", error.Message);
    }

    [Theory]
    [InlineData("Đặt thùng lên băng chuyền.")]
    [InlineData("\u200Bトートを置いてください\u200D")] // invisible characters around visible text are kept
    [InlineData("हाथ\u200Dसे")] // a joiner inside Devanagari text
    [InlineData("🙂")]
    [InlineData("1")]
    public void Visible_instructions_load_unchanged(string instruction)
    {
        _scenes.EditScenario(s => s["instructions"]!["ja"] = instruction);

        var scenario = ScenarioLoader.Load(_scenes.ScenarioPath, _scenes.Root);

        Assert.Equal(instruction, scenario.Instructions[LanguageTag.Parse("ja")]);
    }
}
