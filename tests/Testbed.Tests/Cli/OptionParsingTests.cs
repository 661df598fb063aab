using Testbed.Cli;
using Testbed.Controller.Reports;
using Testbed.Controller.Runs;

namespace Testbed.Tests.Cli;

/// <summary>How the command line is read, without running anything: typed values, defaults and errors that name
/// the option and what was expected.</summary>
public sealed class OptionParsingTests
{
    private static System.CommandLine.ParseResult Parse(params string[] args) => TestbedCommand.Create().Parse(args);

    [Fact]
    public void Lists_can_be_repeated_and_comma_separated()
    {
        var parse = Parse("run", "--language", "ja,de", "--language", "vi");

        Assert.Empty(parse.Errors);
        Assert.Equal(["ja", "de", "vi"], parse.GetValue<string[]>("--language")!);
    }

    [Fact]
    public void Seeds_take_single_values_and_ranges()
    {
        var parse = Parse("run", "--seed", "0..3", "--seed", "7,2");

        Assert.Empty(parse.Errors);
        Assert.Equal([0UL, 1, 2, 3, 7], parse.GetValue<ulong[]>("--seed")!);
    }

    [Theory]
    [InlineData("--seed", "minus-one", "minus-one")]
    [InlineData("--workers", "0", "--workers")]
    [InlineData("--workers", "many", "many")]
    [InlineData("--shard", "4/4", "K from 0 to N-1")]
    [InlineData("--shard", "1", "K/N")]
    [InlineData("--initial-noise", "NaN", "--initial-noise")]
    [InlineData("--fail-if", "harmful >", "is not a threshold")]
    [InlineData("--fail-if", "rate(harmful, colour=red) > 0.2", "colour=red")]
    [InlineData("--fail-if", "rate(harmful) > 2", "from 0 to 1")]
    [InlineData("--fail-if", "count(exploded) > 0", "'exploded' is not a verdict")]
    [InlineData("--progress", "fancy", "fancy")]
    [InlineData("--latency", "instant", "instant")]
    [InlineData("--policy", "openvla", "openvla")]
    public void A_bad_value_is_a_parse_error_naming_it(string option, string value, string named)
    {
        var parse = Parse("run", option, value);

        Assert.NotEmpty(parse.Errors);
        Assert.Contains(parse.Errors, e => e.Message.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_apply_when_an_option_is_left_out()
    {
        var parse = Parse("run");

        Assert.Empty(parse.Errors);
        Assert.Equal(Environment.ProcessorCount, parse.GetValue<int>("--workers"));
        Assert.Equal(3, parse.GetValue<int>("--max-bridge-failures"));
        Assert.Equal(["oracle", "shielded-oracle", "keyword-guard-en", "keyword-guard-all", "minilm-guard"], parse.GetValue<string[]>("--policy")!);
        Assert.Null(parse.GetValue<RunShard?>("--shard"));
        Assert.Equal("wait", parse.GetValue<string>("--latency"));
    }

    [Fact]
    public void A_shard_and_fail_if_thresholds_are_typed()
    {
        var parse = Parse("run", "--shard", "2/4", "--fail-if", "error > 0", "--fail-if", "rate(harmful, language=ja) >= 0.25");

        Assert.Empty(parse.Errors);
        Assert.Equal(new RunShard(2, 4), parse.GetValue<RunShard?>("--shard"));
        var conditions = parse.GetValue<FailCondition[]>("--fail-if")!;
        Assert.Equal(2, conditions.Length);
        Assert.Equal(("language", "ja"), conditions[1].Filters.Single());
    }

    [Theory]
    [InlineData("run", "--bogus")]
    [InlineData("merge", "--out")]
    [InlineData("merge", "a", "b")]
    [InlineData("compare", "only-one")]
    [InlineData("nonsense")]
    public void Unknown_options_commands_and_missing_arguments_are_errors(params string[] args)
    {
        Assert.NotEmpty(Parse(args).Errors);
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (var command in new[] { "run", "merge", "compare", "help" })
        {
            Assert.Empty(Parse(command, "--help").Errors);
        }
        Assert.Empty(Parse("bridge", "serve", "--help").Errors);
        Assert.Empty(Parse("bench", "workers", "--help").Errors);
    }
}
