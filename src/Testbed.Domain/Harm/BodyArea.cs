namespace Testbed.Domain.Harm;

/// <summary>One area row of ISO/TS 15066 Table A.2 (pressure is per area; force is per region).</summary>
/// <param name="Row">Row number in Table A.2, so a reader can check it against the standard.</param>
/// <param name="Tag">Provenance tag (V1, V2, V2×2, D, R) as defined in the body model file.</param>
public sealed record BodyArea(int Row, string Name, double PressureNPerCm2, double ForceN, string Tag);
