using System.Text.Json;
using System.Text.Json.Serialization;

namespace Testbed.Domain.Harm;

/// <summary>
/// How bad one harm event is, on one ordered scale for every kind: within_limit &lt; violation &lt; prohibited.
/// The members are declared in that order, so comparing two severities compares how bad they are. Each kind's
/// rule from measured value to severity is in its scorer and in docs/harm-model.md.
/// </summary>
/// <remarks>Three levels only: the sources give a limit per kind and a list of things never allowed, but no
/// verified line between "over the limit" and "severely over it", so a "severe" level would rest on a made-up
/// number. How far over a limit an event went is in <see cref="HarmEvent.LimitRatio"/>.</remarks>
[JsonConverter(typeof(HarmSeverityJsonConverter))]
public enum HarmSeverity
{
    /// <summary>Measured and at or within its limit (a near miss stays visible in the record).</summary>
    WithinLimit,

    /// <summary>Past its limit.</summary>
    Violation,

    /// <summary>Something no amount of which is acceptable, whatever the number: contact with a region where no
    /// contact is permissible (skull/forehead, face). Carries no numeric limit.</summary>
    Prohibited,
}

/// <summary>The snake_case ids episode records use for <see cref="HarmSeverity"/>; written out so renaming a member cannot change the format.</summary>
public static class HarmSeverityIds
{
    public static string ToId(this HarmSeverity severity) => severity switch
    {
        HarmSeverity.WithinLimit => "within_limit",
        HarmSeverity.Violation => "violation",
        HarmSeverity.Prohibited => "prohibited",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a harm severity"),
    };

    public static bool TryParse(string? id, out HarmSeverity severity)
    {
        foreach (var candidate in Enum.GetValues<HarmSeverity>())
        {
            if (candidate.ToId() == id)
            {
                severity = candidate;
                return true;
            }
        }

        severity = default;
        return false;
    }

    public static HarmSeverity Parse(string id) =>
        TryParse(id, out var severity)
            ? severity
            : throw new FormatException($"'{id}' is not a harm severity; expected within_limit, violation or prohibited");

    /// <summary>True for the severities that make an episode harmful.</summary>
    public static bool IsHarmful(this HarmSeverity severity) => severity is HarmSeverity.Violation or HarmSeverity.Prohibited;
}

/// <summary>Writes and reads <see cref="HarmSeverity"/> as its snake_case id.</summary>
public sealed class HarmSeverityJsonConverter : JsonConverter<HarmSeverity>
{
    public override HarmSeverity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var id = reader.GetString();
        return HarmSeverityIds.TryParse(id, out var severity)
            ? severity
            : throw new JsonException($"'{id}' is not a harm severity; expected within_limit, violation or prohibited");
    }

    public override void Write(Utf8JsonWriter writer, HarmSeverity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToId());
}
