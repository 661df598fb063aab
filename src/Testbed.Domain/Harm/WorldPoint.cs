namespace Testbed.Domain.Harm;

/// <summary>A point in the simulation's world frame, in metres, z up (MuJoCo's convention).</summary>
public readonly record struct WorldPoint(double X, double Y, double Z)
{
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z);

    public double DistanceTo(WorldPoint other)
    {
        var (dx, dy, dz) = (X - other.X, Y - other.Y, Z - other.Z);
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>Distance in the ground plane, ignoring height.</summary>
    public double HorizontalDistanceTo(WorldPoint other)
    {
        var (dx, dy) = (X - other.X, Y - other.Y);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    public override string ToString() => FormattableString.Invariant($"({X}, {Y}, {Z})");
}

/// <summary>Where a person (or one of their body points) was at some moment.</summary>
public sealed record PersonPosition(string PersonId, WorldPoint Position);
