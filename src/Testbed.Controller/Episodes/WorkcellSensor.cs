using Testbed.Controller.Policies;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Episodes;

/// <summary>Turns one Step call's body traces and person contacts into the <see cref="WorkcellSensing"/> a policy
/// that senses the cell (a safety shield) is given: the last traced sample of every robot, payload and person body.</summary>
public sealed class WorkcellSensor
{
    private readonly Dictionary<string, double> _radius = new(StringComparer.Ordinal);

    public WorkcellSensor(SceneManifest scene, ModelDescription model)
    {
        for (var b = 0; b < model.BodyNames.Count && b < model.BodyBoundingRadiusM.Count; b++) _radius[model.BodyNames[b]] = model.BodyBoundingRadiusM[b];
        Bodies = scene.ImpactBodies().Concat(scene.People.SelectMany(p => p.Bodies())).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The bodies to trace (added to the step's traced bodies).</summary>
    public IReadOnlyList<string> Bodies { get; }

    public WorkcellSensing Read(StepResponse result, IReadOnlyList<PersonContact> touched, double timestepS)
    {
        var bodies = new Dictionary<string, SensedBody>(StringComparer.Ordinal);
        foreach (var trace in result.BodyTraces)
        {
            var n = (int)trace.SampleCount;
            if (n == 0 || trace.PositionsM.Count < 3 * n || trace.LinearVelocitiesMps.Count < 3 * n) continue;
            var i = 3 * (n - 1);
            bodies[trace.Body] = new SensedBody(
                new WorldPoint(trace.PositionsM[i], trace.PositionsM[i + 1], trace.PositionsM[i + 2]),
                new WorldPoint(trace.LinearVelocitiesMps[i], trace.LinearVelocitiesMps[i + 1], trace.LinearVelocitiesMps[i + 2]),
                _radius.GetValueOrDefault(trace.Body));
        }

        var contacts = touched
            .Select(c => new SensedPersonContact(c.PersonId, c.Region, c.PeakNormalForceN, c.OnsetTimeS + c.DurationS >= result.TimeS - 1.5 * timestepS))
            .ToList();
        return new WorkcellSensing(result.TimeS, bodies, contacts);
    }
}
