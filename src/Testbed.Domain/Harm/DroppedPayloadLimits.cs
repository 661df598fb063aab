namespace Testbed.Domain.Harm;

/// <summary>Limits for dropped payloads, with provenance.</summary>
/// <param name="RecordableEnergyJ">m·g·h at or above which a drop is likely a recordable incident.</param>
/// <param name="ReachRadiusM">A load landing within this horizontal distance of a person landed within their reach.</param>
public sealed record DroppedPayloadLimits(SourcedValue RecordableEnergyJ, SourcedValue ReachRadiusM);
