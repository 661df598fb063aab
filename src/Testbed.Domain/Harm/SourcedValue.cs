namespace Testbed.Domain.Harm;

/// <summary>A number the harm model relies on, with its provenance tag (V1, V2, V2×2, D, R, C) and the text that
/// says where it came from, so a reviewer can check it without reading code.</summary>
public sealed record SourcedValue(double Value, string Tag, string Basis);
