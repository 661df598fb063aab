namespace Testbed.Cli;

/// <summary>A usage error: exit code 2, with a message saying what was given and what was expected.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The options of one command: --name value, --name=value and repeatable or comma-separated lists.
/// Hand-written so that every parse error is ours to word and exits with code 2.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CommandLine(IEnumerable<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(arg);
                continue;
            }
            var eq = arg.IndexOf('=');
            var name = eq > 0 ? arg[..eq] : arg;
            if (flagOptions.Contains(name))
            {
                if (eq > 0) throw new UsageException($"option {name} takes no value; got '{arg}'");
                _flags.Add(name);
                continue;
            }
            if (!valueOptions.Contains(name))
            {
                var known = valueOptions.Concat(flagOptions).Order();
                throw new UsageException($"unknown option '{name}'; expected one of: {string.Join(", ", known)}");
            }
            string value;
            if (eq > 0) value = arg[(eq + 1)..];
            else if (e.MoveNext()) value = e.Current;
            else throw new UsageException($"option {name} needs a value");
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            list.Add(value);
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    /// <summary>All values of a repeatable option, commas splitting further: --language ja,de --language vi.</summary>
    public IReadOnlyList<string> List(string name) =>
        _values.TryGetValue(name, out var v)
            ? v.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
            : [];

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"option {name} is '{text}'; expected a whole number from {min} to {max}");
        }
        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"option {name} is '{text}'; expected a number from {min} to {max}");
        }
        return value;
    }

    public void NoPositional(string command)
    {
        if (_positional.Count > 0) throw new UsageException($"'{command}' takes no arguments besides options; got '{string.Join(" ", _positional)}'");
    }
}
