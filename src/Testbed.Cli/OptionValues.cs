using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Testbed.Cli;

/// <summary>Option kinds the commands share, each declared once with its parsing and validation, so every
/// command words the same mistake the same way.</summary>
public static class OptionValues
{
    /// <summary>A repeatable option whose values may also be comma-separated: --language ja,de --language vi.</summary>
    public static Option<string[]> List(string name, string description, string valueName) => new(name)
    {
        Description = description,
        HelpName = valueName,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => result.Tokens
            .SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray(),
    };

    public static Option<int> Int(string name, string description, int fallback, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "N" };
        option.Validators.Add(result =>
        {
            // A value that is not a number at all is already an error of the parser.
            if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && (v < min || v > max))
            {
                result.AddError($"option {name} is '{result.Tokens[0].Value}'; expected a whole number from {min} to {max}");
            }
        });
        return option;
    }

    public static Option<double> Double(string name, string description, double fallback, double min, double max, string valueName = "X")
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = valueName };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !(v >= min && v <= max))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"option {name} is '{result.Tokens[0].Value}'; expected a number from {min} to {max}"));
            }
        });
        return option;
    }

    /// <summary>Seeds: whole numbers or ranges, "0,1,2" or "0..9".</summary>
    public static Option<ulong[]> Seeds() => new("--seed")
    {
        Description = "seeds, comma-separated or repeated; a range as 0..9 (default 0)",
        HelpName = "N,…",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseSeeds,
    };

    private static ulong[] ParseSeeds(ArgumentResult result)
    {
        var seeds = new List<ulong>();
        foreach (var v in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var range = v.Split("..");
            if (range.Length == 2 && ulong.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && ulong.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to) && from <= to && to - from < 100_000)
            {
                for (var s = from; s <= to; s++) seeds.Add(s);
            }
            else if (ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
            {
                seeds.Add(seed);
            }
            else
            {
                result.AddError($"--seed '{v}' is not a seed; expected a whole number >= 0 or a range like 0..9 (at most 100000 seeds)");
                return [];
            }
        }
        return seeds.Distinct().ToArray();
    }

    /// <summary>Whether the user gave the option (as opposed to its default).</summary>
    public static bool Given(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
