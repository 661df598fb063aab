using Testbed.Domain.Harm;

namespace Testbed.Controller.Policies;

/// <summary>
/// What a safety layer's sensors report after each action chunk, beside the policy's own observation: where every
/// robot, payload and person body is and how it moves, and how hard the robot or a payload pressed on each person
/// region. The runner fills it only for a policy that asks (<see cref="IPolicy.SensesWorkcell"/>); it comes from the
/// bridge's body traces and contact telemetry at the chunk's last physics step, as a safety-rated sensor would
/// report the cell, not from anything the policy could see in its cameras.
/// </summary>
/// <param name="TimeS">Simulated time of the reading (the end of the chunk).</param>
/// <param name="Bodies">Each traced body by name.</param>
/// <param name="PersonContacts">Person contacts of the chunk just stepped, each region's piece of it.</param>
public sealed record WorkcellSensing(double TimeS, IReadOnlyDictionary<string, SensedBody> Bodies, IReadOnlyList<SensedPersonContact> PersonContacts);

/// <param name="CentreOfMass">World frame, m.</param>
/// <param name="Velocity">Of the centre of mass, world frame, m/s.</param>
/// <param name="BoundingRadiusM">A sphere about the centre of mass that encloses every geom of the body.</param>
public sealed record SensedBody(WorldPoint CentreOfMass, WorldPoint Velocity, double BoundingRadiusM);

/// <param name="PeakForceN">The largest force on the region in the chunk.</param>
/// <param name="Ongoing">Still touching at the chunk's end.</param>
public sealed record SensedPersonContact(string PersonId, BodyRegion Region, double PeakForceN, bool Ongoing);
