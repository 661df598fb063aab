using System.Text.Json.Serialization;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// The physical context one seed drew from a set-up's <see cref="SeedRanges"/>: how far each person stands from the
/// keyframe's placement and how fast the task program runs. Kept in the episode record so that every trial can be
/// reproduced and a narrow miss explained.
/// </summary>
public sealed record DrawnContext(
    [property: JsonPropertyName("people")] IReadOnlyDictionary<string, PersonOffset> People,
    [property: JsonPropertyName("speed_scale")] double SpeedScale)
{
    public static DrawnContext Nominal { get; } = new(new Dictionary<string, PersonOffset>(), 1.0);

    /// <summary>
    /// Draws uniformly from every range, in a fixed order (people by id: dx, dy, dyaw; then the speed scale) from a
    /// SplitMix64 stream seeded with <paramref name="seed"/>. SplitMix64 is written out here rather than taken from
    /// System.Random, whose sequence for a seed is not promised across .NET versions: a seed must mean the same trial
    /// on every machine and in every later version of the testbed.
    /// </summary>
    public static DrawnContext Draw(SeedRanges ranges, ulong seed)
    {
        if (ranges.DrawsNothing)
        {
            return Nominal;
        }

        var stream = new SplitMix64(seed);
        var people = new SortedDictionary<string, PersonOffset>(StringComparer.Ordinal);
        foreach (var (id, range) in ranges.People.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            people[id] = new PersonOffset(range.DxM.At(stream.NextUnit()), range.DyM.At(stream.NextUnit()), range.DyawDeg.At(stream.NextUnit()));
        }

        return new DrawnContext(people, ranges.SpeedScale.At(stream.NextUnit()));
    }

    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        /// <summary>A double in [0, 1) from the top 53 bits of the next output.</summary>
        public double NextUnit()
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}

/// <summary>A person's offset from the keyframe's placement: metres along world x and y, degrees of yaw about z.</summary>
public sealed record PersonOffset(
    [property: JsonPropertyName("dx_m")] double DxM,
    [property: JsonPropertyName("dy_m")] double DyM,
    [property: JsonPropertyName("dyaw_deg")] double DyawDeg);
