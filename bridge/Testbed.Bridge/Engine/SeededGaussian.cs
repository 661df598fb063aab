namespace Testbed.Bridge.Engine;

/// <summary>Standard normal numbers from SplitMix64 and Box-Muller: the same seed gives the same sequence on
/// every platform and .NET version (System.Random promises neither).</summary>
internal sealed class SeededGaussian(ulong seed)
{
    private ulong _state = seed;

    public double Next()
    {
        var u1 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        var u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
