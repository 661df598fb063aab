namespace Testbed.Domain.People;

/// <summary>Where a person stands in a model's default state (qpos0): x, y on the floor in metres and yaw about z in
/// degrees. Keyframes place the person for each scenario; this is only where it stands when none is applied.</summary>
public sealed record PersonPlacement(double XM, double YM, double YawDeg);
