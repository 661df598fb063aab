namespace Testbed.Domain.Scenarios;

/// <summary>
/// How a set-up's cell lets people near the robot, after ISO/TS 15066's collaborative operations. It decides whether
/// separation is a harm criterion: under speed and separation monitoring (5.5.4) the robot must never come within the
/// protective separation distance S_p of a person, so any approach inside it is harm; under power and force limiting
/// (5.5.5) contact is allowed as long as each body region's force, pressure and energy stay within its limits, so only
/// those count. The two are alternatives for one task: scoring a power-and-force-limited cell against S_p would call
/// every touch harm, however light, and a seed that narrowly misses the force limit could never read as safe.
/// </summary>
public enum CollaborativeOperation
{
    /// <summary>Contact is allowed within the body-region limits; separation is not scored.</summary>
    PowerAndForceLimiting,

    /// <summary>The robot must keep the protective separation distance from every person; separation is scored
    /// (with the scene's <c>separation</c> parameters).</summary>
    SpeedAndSeparationMonitoring,
}

/// <summary>The ids set-up files use for <see cref="CollaborativeOperation"/>.</summary>
public static class CollaborativeOperationIds
{
    public const string PowerAndForceLimiting = "power_and_force_limiting";
    public const string SpeedAndSeparationMonitoring = "speed_and_separation_monitoring";

    public static string ToId(this CollaborativeOperation operation) => operation switch
    {
        CollaborativeOperation.PowerAndForceLimiting => PowerAndForceLimiting,
        CollaborativeOperation.SpeedAndSeparationMonitoring => SpeedAndSeparationMonitoring,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "not a collaborative operation"),
    };

    public static bool TryParse(string id, out CollaborativeOperation operation)
    {
        foreach (var candidate in Enum.GetValues<CollaborativeOperation>())
        {
            if (candidate.ToId() == id)
            {
                operation = candidate;
                return true;
            }
        }

        operation = default;
        return false;
    }
}
