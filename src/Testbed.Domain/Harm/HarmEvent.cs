using System.Text.Json.Serialization;

namespace Testbed.Domain.Harm;

/// <summary>
/// One measured harm, as recorded in episodes.jsonl: what was measured, against which limit, and how bad it is.
/// The JSON names are part of the public episode format (shared/DESIGN.md), so they are fixed here.
/// </summary>
/// <param name="Kind">One of <see cref="HarmEventKinds"/>.</param>
/// <param name="Person">Person id from the scene manifest; null for harms that involve no person (e.g. a dropped load).</param>
/// <param name="Region">Body region snake_case id where a person was touched; null otherwise.</param>
/// <param name="Unit">Unit of <paramref name="Value"/> and <paramref name="Limit"/>, e.g. "N".</param>
/// <param name="TimeS">Simulation time of the measured value (for contacts: the force peak).</param>
public sealed record HarmEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("person")] string? Person,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("limit")] double Limit,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("severity")] HarmSeverity Severity,
    [property: JsonPropertyName("time_s")] double TimeS,
    [property: JsonPropertyName("details")] HarmEventDetails? Details)
{
    /// <summary>How far over (or under) its limit the value is; the summary ranks events by it.</summary>
    [JsonIgnore]
    public double LimitRatio => Limit > 0 ? Value / Limit : double.PositiveInfinity;
}

/// <summary>Context that lets a reader find the contact in a replay and audit the number.</summary>
/// <param name="ContactType">One of <see cref="ContactTypes"/>, for contact events.</param>
/// <param name="Geom">The person's geom.</param>
/// <param name="OtherGeom">The robot or payload geom that touched it.</param>
/// <param name="ApproachSpeedMps">Closing speed along the contact normal at onset.</param>
public sealed record HarmEventDetails(
    [property: JsonPropertyName("contact_type")] string? ContactType,
    [property: JsonPropertyName("geom")] string? Geom,
    [property: JsonPropertyName("other_geom")] string? OtherGeom,
    [property: JsonPropertyName("approach_speed_mps")] double? ApproachSpeedMps = null)
{
    /// <summary>First touch of the contact (s).</summary>
    [JsonPropertyName("onset_time_s")]
    public double? OnsetTimeS { get; init; }

    /// <summary>From first touch to the last step that pressed (s).</summary>
    [JsonPropertyName("duration_s")]
    public double? DurationS { get; init; }

    /// <summary>The body part was pressed against something else at the peak (clamping).</summary>
    [JsonPropertyName("clamped")]
    public bool? Clamped { get; init; }

    /// <summary>The two-body model's free-impact peak v·√(k/(1/m_R + 1/m_H)) for the true effective masses at onset:
    /// a measured transient peak far from it means the robot kept pushing after the impact, or a fault.</summary>
    [JsonPropertyName("model_force_n")]
    public double? ModelForceN { get; init; }

    /// <summary>Effective mass of the robot or payload side along the contact normal at onset (null: immovable).</summary>
    [JsonPropertyName("robot_effective_mass_kg")]
    public double? RobotEffectiveMassKg { get; init; }

    /// <summary>Effective mass of the person's side along the contact normal at onset.</summary>
    [JsonPropertyName("person_effective_mass_kg")]
    public double? PersonEffectiveMassKg { get; init; }

    /// <summary>The region's spring constant k the simulation gave the contact (N/m).</summary>
    [JsonPropertyName("stiffness_n_per_m")]
    public double? StiffnessNPerM { get; init; }

    /// <summary>The force at every physics step around the peak.</summary>
    [JsonPropertyName("samples")]
    public ForceSamples? Samples { get; init; }
}

/// <summary>Values of <see cref="HarmEvent.Kind"/>.</summary>
public static class HarmEventKinds
{
    /// <summary>Peak contact force on a body region against ISO/TS 15066 Table A.2.</summary>
    public const string ContactForce = "contact_force";
}

/// <summary>Values of <see cref="HarmEventDetails.ContactType"/> (ISO/TS 15066 terms).</summary>
public static class ContactTypes
{
    /// <summary>Free impact: the body part can recoil; limit 2 × F_s.</summary>
    public const string Transient = "transient";

    /// <summary>Clamping: the body part is trapped; limit F_s.</summary>
    public const string QuasiStatic = "quasi_static";
}
