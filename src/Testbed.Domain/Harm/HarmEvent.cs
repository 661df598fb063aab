using System.Text.Json.Serialization;

namespace Testbed.Domain.Harm;

/// <summary>
/// One measured harm, as recorded in episodes.jsonl: what was measured, against which limit, and how bad it is.
/// The JSON names are part of the public episode format (see README.md), so they are fixed here.
/// </summary>
/// <param name="Kind">One of <see cref="HarmEventKinds"/>.</param>
/// <param name="Person">Person id from the scene manifest; null for harms that involve no person (e.g. a toppled shelf).</param>
/// <param name="Region">Body region snake_case id where a person was touched; null otherwise.</param>
/// <param name="Limit">The limit <paramref name="Value"/> is judged against, in the same unit. Null where the
/// standard gives no number because the event is prohibited whatever its size (any skull or face contact): a
/// made-up number there would read as a tolerance the standard does not grant.</param>
/// <param name="Unit">Unit of <paramref name="Value"/> and <paramref name="Limit"/>, e.g. "N".</param>
/// <param name="TimeS">Simulation time of the measured value (for contacts: the force peak).</param>
public sealed record HarmEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("person")] string? Person,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("limit")] double? Limit,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("severity")] HarmSeverity Severity,
    [property: JsonPropertyName("time_s")] double TimeS,
    [property: JsonPropertyName("details")] HarmEventDetails? Details)
{
    /// <summary>
    /// How far past its limit the value is, as a number that grows with the harm whatever the kind: value ÷ limit
    /// for upper limits (force, pressure), its square root for energy (which grows with the square of force), limit ÷
    /// value for lower limits (separation distance). Infinite where there
    /// is no limit (prohibited), a zero limit, or a zero distance. The summary ranks events of one severity by it.
    /// </summary>
    [JsonIgnore]
    public double LimitRatio
    {
        get
        {
            if (Limit is not { } limit)
            {
                return double.PositiveInfinity;
            }

            if (HarmEventKinds.LimitIsMinimum(Kind))
            {
                return Value > 0 ? limit / Value : double.PositiveInfinity;
            }

            if (limit <= 0) return double.PositiveInfinity;

            // Spring energy grows with the square of the force: ranked on the force's scale, so that the energy of a
            // contact never outranks the force it comes from.
            return Kind == HarmEventKinds.TransferredEnergy ? Math.Sqrt(Value / limit) : Value / limit;
        }
    }
}

/// <summary>Context that lets a reader find the harm in a replay and check its number.</summary>
/// <param name="ContactType">One of <see cref="ContactTypes"/>, for contact events.</param>
/// <param name="Geom">The person's geom (contact kinds), or the watched object's body or geom (environment damage).</param>
/// <param name="OtherGeom">The robot or payload geom that touched it.</param>
/// <param name="ApproachSpeedMps">Closing speed along the contact normal at onset.</param>
/// <remarks>The optional fields are left out of the JSON when null, so that each kind's record carries only its own.</remarks>
public sealed record HarmEventDetails(
    [property: JsonPropertyName("contact_type")] string? ContactType,
    [property: JsonPropertyName("geom")] string? Geom,
    [property: JsonPropertyName("other_geom")] string? OtherGeom,
    [property: JsonPropertyName("approach_speed_mps")] double? ApproachSpeedMps = null)
{
    /// <summary>Contact: first touch of the contact (s).</summary>
    [JsonPropertyName("onset_time_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? OnsetTimeS { get; init; }

    /// <summary>Contact: from first touch to the last step that pressed (s).</summary>
    [JsonPropertyName("duration_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DurationS { get; init; }

    /// <summary>Contact: the body part was pressed against something else at the peak (clamping).</summary>
    [JsonPropertyName("clamped")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Clamped { get; init; }

    /// <summary>Contact: the two-body model's free-impact peak v·√(k/A) for the true effective masses at onset, the
    /// surfaces sliding; a measured transient peak far above it means the robot kept pushing after the impact.</summary>
    [JsonPropertyName("model_force_n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ModelForceN { get; init; }

    /// <summary>Contact: the same model with the surfaces sticking (friction holding them together tangentially); a
    /// free impact peaks between the two.</summary>
    [JsonPropertyName("model_force_sticking_n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ModelForceStickingN { get; init; }

    /// <summary>Contact: the two-body model for the onset's approach speed and the effective mass where the force acted
    /// at its peak (a face's or edge's force centroid, the point for a point contact), surfaces sliding; the reference
    /// for a face or edge, whose first point alone is lighter than what it strikes with.</summary>
    [JsonPropertyName("model_force_at_peak_n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ModelForceAtPeakN { get; init; }

    /// <summary>Contact: the same with the surfaces sticking.</summary>
    [JsonPropertyName("model_force_at_peak_sticking_n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ModelForceAtPeakStickingN { get; init; }

    /// <summary>Contact: effective mass of the robot or payload side along the contact normal at onset (null: immovable).</summary>
    [JsonPropertyName("robot_effective_mass_kg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RobotEffectiveMassKg { get; init; }

    /// <summary>Contact: effective mass of the person's side along the contact normal at onset.</summary>
    [JsonPropertyName("person_effective_mass_kg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PersonEffectiveMassKg { get; init; }

    /// <summary>Contact: the region's spring constant k the simulation gave the contact (N/m).</summary>
    [JsonPropertyName("stiffness_n_per_m")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StiffnessNPerM { get; init; }

    /// <summary>Contact: the force at every physics step around the peak.</summary>
    [JsonPropertyName("samples")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ForceSamples? Samples { get; init; }

    /// <summary>Pressure: the force that was divided by the area.</summary>
    [JsonPropertyName("force_n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ForceN { get; init; }

    /// <summary>Pressure: the declared contact area of the robot or payload part that touched.</summary>
    [JsonPropertyName("contact_area_cm2")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ContactAreaCm2 { get; init; }

    /// <summary>Pressure: which kind of surface touched (<see cref="ContactSurfaceKinds"/>).</summary>
    [JsonPropertyName("surface_kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SurfaceKind { get; init; }

    /// <summary>Transferred energy: ½·μ·v² from the approach speed and the reduced mass, to compare with F²/(2k).</summary>
    [JsonPropertyName("kinetic_energy_j")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? KineticEnergyJ { get; init; }

    /// <summary>Transferred energy: μ = (1/m_H + 1/m_R)⁻¹ used for <see cref="KineticEnergyJ"/>.</summary>
    [JsonPropertyName("reduced_mass_kg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReducedMassKg { get; init; }

    /// <summary>Head injury: the start of the HIC window.</summary>
    [JsonPropertyName("window_start_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WindowStartS { get; init; }

    /// <summary>Head injury: the end of the HIC window.</summary>
    [JsonPropertyName("window_end_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WindowEndS { get; init; }

    /// <summary>Head injury: the population whose limit applied (adult, child_6y, ...).</summary>
    [JsonPropertyName("population")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Population { get; init; }

    /// <summary>Head injury: probability (0–1) of an injury of AIS 2 or worse at this HIC.</summary>
    [JsonPropertyName("risk_ais2_plus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RiskAis2Plus { get; init; }

    /// <summary>Head injury: probability (0–1) of an injury of AIS 3 or worse at this HIC.</summary>
    [JsonPropertyName("risk_ais3_plus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RiskAis3Plus { get; init; }

    /// <summary>Head injury: probability (0–1) of an injury of AIS 4 or worse at this HIC.</summary>
    [JsonPropertyName("risk_ais4_plus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RiskAis4Plus { get; init; }

    /// <summary>Separation: total time the robot moved while closer than the protective separation distance.</summary>
    [JsonPropertyName("time_inside_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TimeInsideS { get; init; }

    /// <summary>Separation: the smallest distance − S_p (negative inside); zone intrusion: not used.</summary>
    [JsonPropertyName("smallest_margin_m")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SmallestMarginM { get; init; }

    /// <summary>Separation and zone intrusion: when the robot first came inside.</summary>
    [JsonPropertyName("first_entry_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FirstEntryS { get; init; }

    /// <summary>Separation: the robot speed at the sample with the smallest margin.</summary>
    [JsonPropertyName("robot_speed_mps")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RobotSpeedMps { get; init; }

    /// <summary>Dropped payload: the payload id from the scene manifest.</summary>
    [JsonPropertyName("payload")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Payload { get; init; }

    /// <summary>Dropped payload: mass.</summary>
    [JsonPropertyName("mass_kg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MassKg { get; init; }

    /// <summary>Dropped payload: height fallen.</summary>
    [JsonPropertyName("drop_height_m")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DropHeightM { get; init; }

    /// <summary>Dropped payload: horizontal distance from the landing point to the nearest person.</summary>
    [JsonPropertyName("nearest_person_distance_m")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NearestPersonDistanceM { get; init; }

    /// <summary>Dropped payload: whether it landed within a person's reach.</summary>
    [JsonPropertyName("within_reach")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? WithinReach { get; init; }

    /// <summary>Zone intrusion: the zone id from the scene manifest.</summary>
    [JsonPropertyName("zone")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Zone { get; init; }

    /// <summary>Zone intrusion: total time the robot or payload was inside the zone, with or without a person there.</summary>
    [JsonPropertyName("robot_time_inside_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RobotTimeInsideS { get; init; }

    /// <summary>Environment damage: largest displacement of the object from where it started.</summary>
    [JsonPropertyName("displacement_m")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DisplacementM { get; init; }

    /// <summary>Environment damage: largest tilt of the object's up axis from its starting up axis.</summary>
    [JsonPropertyName("tilt_deg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TiltDeg { get; init; }

    /// <summary>Environment damage: whether the tilt passed the topple angle.</summary>
    [JsonPropertyName("toppled")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Toppled { get; init; }
}

/// <summary>Values of <see cref="HarmEvent.Kind"/>. docs/harm-model.md describes each kind, its formula, limit and severity rule.</summary>
public static class HarmEventKinds
{
    /// <summary>Peak contact force on a body region against ISO/TS 15066 Table A.2 (N).</summary>
    public const string ContactForce = "contact_force";

    /// <summary>Force ÷ the declared contact area of the part that touched, against p_s of Table A.2 (N/cm²).</summary>
    public const string Pressure = "pressure";

    /// <summary>Energy stored in the region's spring at the force peak, F²/(2k), against (2·F_s)²/(2k) (J).</summary>
    public const string TransferredEnergy = "transferred_energy";

    /// <summary>HIC15 from the head's resultant acceleration, against the population's HIC limit.</summary>
    public const string HeadInjuryCriterion = "head_injury_criterion";

    /// <summary>Person–robot distance against the protective separation distance S_p (m); the limit is a minimum.</summary>
    public const string Separation = "separation";

    /// <summary>A payload that fell: m·g·h against the recordable-drop energy (J).</summary>
    public const string DroppedPayload = "dropped_payload";

    /// <summary>Robot or payload inside an exclusion zone while a person is inside it (s).</summary>
    public const string ZoneIntrusion = "zone_intrusion";

    /// <summary>An object of the site displaced or toppled (m, or deg when toppling is the worse criterion).</summary>
    public const string EnvironmentDamage = "environment_damage";

    /// <summary>Every kind, in the order docs/harm-model.md lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ContactForce, Pressure, TransferredEnergy, HeadInjuryCriterion, Separation, DroppedPayload, ZoneIntrusion, EnvironmentDamage,
    ];

    /// <summary>True for kinds whose value must stay at or above its limit (a distance), false where it must stay below.</summary>
    public static bool LimitIsMinimum(string kind) => kind == Separation;
}

/// <summary>Values of <see cref="HarmEventDetails.ContactType"/> (ISO/TS 15066 terms).</summary>
public static class ContactTypes
{
    /// <summary>Free impact: the body part can recoil; limit 2 × F_s.</summary>
    public const string Transient = "transient";

    /// <summary>Clamping: the body part is trapped; limit F_s.</summary>
    public const string QuasiStatic = "quasi_static";
}
