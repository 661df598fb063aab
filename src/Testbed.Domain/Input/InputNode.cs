using System.Globalization;
using System.Text.Json;

namespace Testbed.Domain.Input;

/// <summary>
/// One JSON value of an input file together with its field path, so that every read can fail with a
/// <see cref="ScenarioInputException"/> naming the file and the exact field (e.g. <c>people[0].regions[3].region</c>).
/// Loaders read their schema through this type instead of deserialising into classes, because
/// deserialisation errors name CLR types, not the fields a user wrote.
/// </summary>
public sealed class InputNode
{
    private readonly JsonElement _element;

    private InputNode(string origin, string path, JsonElement element)
    {
        Origin = origin;
        Path = path;
        _element = element;
    }

    /// <summary>The file the value came from.</summary>
    public string Origin { get; }

    /// <summary>The field path of this value; empty for the document root.</summary>
    public string Path { get; }

    public JsonValueKind Kind => _element.ValueKind;

    /// <summary>Reads and parses a JSON file; a missing file or malformed JSON fails with the file name (and line).</summary>
    public static InputNode ParseFile(string filePath)
    {
        if (!File.Exists(filePath))
        {
            throw new ScenarioInputException(filePath, "", "file not found", "an existing JSON file");
        }

        string text;
        try
        {
            text = File.ReadAllText(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioInputException(filePath, "", $"cannot be read ({e.Message})", "a readable JSON file", e);
        }

        return Parse(text, filePath);
    }

    /// <summary>Parses JSON text; <paramref name="origin"/> names it in error messages.</summary>
    public static InputNode Parse(string json, string origin)
    {
        try
        {
            // Clone so the node does not depend on a disposed document.
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
            return new InputNode(origin, "", document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            // JsonException counts lines and columns from 0; people count from 1.
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new ScenarioInputException(origin, "", $"malformed JSON at line {line}, column {column} ({FirstSentence(e.Message)})", "valid JSON", e);
        }
    }

    /// <summary>Fails on any property not in <paramref name="allowed"/>: a misspelt field must not be silently ignored.</summary>
    public void ExpectOnly(params string[] allowed)
    {
        RequireKind(JsonValueKind.Object, "an object");
        foreach (var property in _element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw Fail(property.Name, "unknown field", $"only these fields: {string.Join(", ", allowed)}");
            }
        }
    }

    public bool Has(string name)
    {
        RequireKind(JsonValueKind.Object, "an object");
        return _element.TryGetProperty(name, out _);
    }

    public InputNode Required(string name)
    {
        RequireKind(JsonValueKind.Object, "an object");
        if (!_element.TryGetProperty(name, out var value))
        {
            throw Fail(name, "missing field", "this field to be present");
        }

        return new InputNode(Origin, Child(name), value);
    }

    public InputNode Object(string name)
    {
        var node = Required(name);
        node.RequireKind(JsonValueKind.Object, "an object");
        return node;
    }

    public string String(string name) => Required(name).AsString();

    /// <summary>A string that must contain something other than white space.</summary>
    public string NonEmptyString(string name) => Required(name).AsNonEmptyString();

    public double Number(string name) => Required(name).AsNumber();

    public double PositiveNumber(string name)
    {
        var node = Required(name);
        var value = node.AsNumber();
        if (value <= 0)
        {
            throw node.Fail($"{Format(value)} is not positive", "a number > 0");
        }

        return value;
    }

    public int PositiveInteger(string name)
    {
        var node = Required(name);
        var value = node.AsInteger();
        if (value < 1)
        {
            throw node.Fail($"{value} is not positive", "an integer >= 1");
        }

        return value;
    }

    public bool Boolean(string name) => Required(name).AsBoolean();

    public IReadOnlyList<InputNode> Array(string name) => Required(name).AsArray();

    /// <summary>An array of non-empty strings.</summary>
    public IReadOnlyList<string> StringArray(string name) => Array(name).Select(item => item.AsNonEmptyString()).ToList();

    /// <summary>Properties of an object, in file order.</summary>
    public IReadOnlyList<(string Name, InputNode Value)> Properties()
    {
        RequireKind(JsonValueKind.Object, "an object");
        return _element.EnumerateObject().Select(p => (p.Name, new InputNode(Origin, Child(p.Name), p.Value))).ToList();
    }

    /// <summary>An object of non-empty strings by name (tags, sources), with at least one entry.</summary>
    public IReadOnlyDictionary<string, string> AsTextTable()
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Properties())
        {
            table[name] = value.AsNonEmptyString();
        }

        if (table.Count == 0)
        {
            throw Fail("is empty", "at least one entry");
        }

        return table;
    }

    public IReadOnlyList<InputNode> AsArray()
    {
        RequireKind(JsonValueKind.Array, "an array");
        return _element.EnumerateArray().Select((item, i) => new InputNode(Origin, $"{Path}[{i}]", item)).ToList();
    }

    public string AsString()
    {
        RequireKind(JsonValueKind.String, "a string");
        return _element.GetString()!;
    }

    public string AsNonEmptyString()
    {
        var value = AsString();
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail("is empty", "a non-empty string");
        }

        return value;
    }

    public double AsNumber()
    {
        RequireKind(JsonValueKind.Number, "a number");
        var value = _element.GetDouble();
        if (!double.IsFinite(value))
        {
            throw Fail("is not a finite number", "a finite number");
        }

        return value;
    }

    public int AsInteger()
    {
        RequireKind(JsonValueKind.Number, "an integer");
        if (!_element.TryGetInt32(out var value))
        {
            throw Fail($"{_element.GetRawText()} is not a whole number", "an integer");
        }

        return value;
    }

    public bool AsBoolean()
    {
        if (_element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Fail($"is {Describe(_element.ValueKind)}", "true or false");
        }

        return _element.GetBoolean();
    }

    /// <summary>An error about this value.</summary>
    public ScenarioInputException Fail(string problem, string expected) => new(Origin, Path, problem, expected);

    /// <summary>An error about a field of this object, whether or not it is present.</summary>
    public ScenarioInputException Fail(string field, string problem, string expected) => new(Origin, Child(field), problem, expected);

    private string Child(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    private void RequireKind(JsonValueKind kind, string expected)
    {
        if (_element.ValueKind != kind)
        {
            throw Fail($"is {Describe(_element.ValueKind)}", expected);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
