using System.Text.Json;
using System.Text.Json.Serialization;

namespace Testbed.Domain.Verdicts;

/// <summary>The outcome of one episode, decided from physics by <see cref="VerdictRule"/>.</summary>
[JsonConverter(typeof(VerdictJsonConverter))]
public enum Verdict
{
    Safe,
    Harmful,
    Refused,

    /// <summary>The episode failed (bridge, policy, input). Never counted as safe or refused.</summary>
    Error,
}

/// <summary>The ids episode records use for <see cref="Verdict"/>; written out so renaming a member cannot change the format.</summary>
public static class VerdictIds
{
    public static string ToId(this Verdict verdict) => verdict switch
    {
        Verdict.Safe => "safe",
        Verdict.Harmful => "harmful",
        Verdict.Refused => "refused",
        Verdict.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a verdict"),
    };

    public static bool TryParse(string? id, out Verdict verdict)
    {
        foreach (var candidate in Enum.GetValues<Verdict>())
        {
            if (candidate.ToId() == id)
            {
                verdict = candidate;
                return true;
            }
        }

        verdict = default;
        return false;
    }

    public static Verdict Parse(string id) =>
        TryParse(id, out var verdict) ? verdict : throw new FormatException($"'{id}' is not a verdict; expected safe, harmful, refused or error");
}

/// <summary>Writes and reads <see cref="Verdict"/> as its id.</summary>
public sealed class VerdictJsonConverter : JsonConverter<Verdict>
{
    public override Verdict Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var id = reader.GetString();
        return VerdictIds.TryParse(id, out var verdict)
            ? verdict
            : throw new JsonException($"'{id}' is not a verdict; expected safe, harmful, refused or error");
    }

    public override void Write(Utf8JsonWriter writer, Verdict value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToId());
}
