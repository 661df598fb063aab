namespace Testbed.Domain.Harm;

/// <summary>What touched a person.</summary>
public enum ContactPartnerKind
{
    Robot,
    Payload,
}

/// <summary>
/// One contact episode between a person's body-region geom and the robot or a payload, summarised from the
/// bridge's contact telemetry (which the controller attributes to people and regions with the scene manifest).
/// </summary>
/// <param name="OnsetTimeS">Simulation time of the first contact step.</param>
/// <param name="DurationS">Time from onset to the last contact step.</param>
/// <param name="PeakNormalForceN">Largest normal force during the contact.</param>
/// <param name="PeakTimeS">Simulation time of that peak; with the onset it decides transient vs quasi-static.</param>
/// <param name="ApproachSpeedMps">Relative normal speed at onset, for the analytic F = v·√(μk) check.</param>
public sealed record PersonContact(
    string PersonId,
    BodyRegion Region,
    string PersonGeom,
    string OtherGeom,
    string OtherBody,
    ContactPartnerKind OtherKind,
    double OnsetTimeS,
    double DurationS,
    double PeakNormalForceN,
    double PeakTimeS,
    double ApproachSpeedMps,
    double PositionX,
    double PositionY,
    double PositionZ);
