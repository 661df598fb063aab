using System.Globalization;

namespace Testbed.Controller.Runs;

/// <summary>The K-th of N deterministic slices of a plan: the episodes whose plan index modulo N is K. K counts
/// from 0, as Slurm array task ids and Kubernetes completion indexes do, so a job passes its index unchanged.
/// Interleaving (not contiguous blocks) spreads slow scenarios over all shards.</summary>
public sealed record RunShard(int Index, int Count)
{
    public bool Contains(int planIndex) => planIndex % Count == Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses "K/N" with 0 &lt;= K &lt; N; null with <paramref name="problem"/> set otherwise.</summary>
    public static RunShard? TryParse(string text, out string? problem)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
        {
            problem = null;
            return new RunShard(index, count);
        }
        problem = $"'{text}' is not a shard; expected K/N with N >= 1 and K from 0 to N-1, e.g. 0/4";
        return null;
    }
}
