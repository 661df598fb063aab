namespace Testbed.Domain.Harm;

/// <summary>
/// The ISO/TS 15066 data for one body region: limits (Table A.2) and the contact model (Table A.3),
/// each with the text that says where it came from.
/// </summary>
public sealed record BodyRegionLimits
{
    /// <summary>
    /// Transient (free impact) limits are twice the quasi-static ones (Annex A, V2×2). Kept as code, not data,
    /// so that the file cannot carry a transient value that disagrees with its quasi-static one.
    /// </summary>
    public const double TransientFactor = 2.0;

    public required BodyRegion Region { get; init; }

    public required string Name { get; init; }

    /// <summary>F_s, the region's quasi-static (clamping) force limit.</summary>
    public required double QuasiStaticForceN { get; init; }

    /// <summary>Why <see cref="QuasiStaticForceN"/> has this value (one force for all areas, or the lowest of several).</summary>
    public required string ForceBasis { get; init; }

    /// <summary>p_s of the region's most sensitive area (lowest area pressure).</summary>
    public required double QuasiStaticPressureNPerCm2 { get; init; }

    public required string PressureBasis { get; init; }

    /// <summary>Skull/forehead and face: no contact is acceptable at any force (clause A.3.2).</summary>
    public required bool ContactNotPermissible { get; init; }

    /// <summary>The clause that forbids contact; null where contact is permissible.</summary>
    public required string? ContactNotPermissibleBasis { get; init; }

    /// <summary>k from Table A.3.</summary>
    public required double SpringConstantNPerMm { get; init; }

    /// <summary>m_H from Table A.3.</summary>
    public required double EffectiveMassKg { get; init; }

    /// <summary>Provenance tag of the Table A.3 row (k and m_H).</summary>
    public required string TableA3Tag { get; init; }

    public required IReadOnlyList<BodyArea> Areas { get; init; }

    /// <summary>2 × F_s. Meaningless where <see cref="ContactNotPermissible"/>: the standard gives no transient value
    /// there, and the scorers report such contacts as prohibited with no limit.</summary>
    public double TransientForceLimitN => TransientFactor * QuasiStaticForceN;

    /// <summary>2 × p_s (of the region's most sensitive area); meaningless where <see cref="ContactNotPermissible"/>.</summary>
    public double TransientPressureLimitNPerCm2 => TransientFactor * QuasiStaticPressureNPerCm2;

    /// <summary>The force limit for a transient or quasi-static contact; null where no contact is permissible.</summary>
    public double? ForceLimitN(bool transient) =>
        ContactNotPermissible ? null : transient ? TransientForceLimitN : QuasiStaticForceN;

    /// <summary>The pressure limit for a transient or quasi-static contact; null where no contact is permissible.</summary>
    public double? PressureLimitNPerCm2(bool transient) =>
        ContactNotPermissible ? null : transient ? TransientPressureLimitNPerCm2 : QuasiStaticPressureNPerCm2;

    /// <summary>k in SI units, as the Annex A formulas need it.</summary>
    public double SpringConstantNPerM => SpringConstantNPerMm * 1000.0;
}
