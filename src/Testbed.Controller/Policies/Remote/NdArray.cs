namespace Testbed.Controller.Policies.Remote;

/// <summary>A numpy array as policy servers send it: dtype descr ("|u1", "&lt;f4", "&lt;f8"…), shape, raw
/// little-endian C-order bytes. openpi carries it in a msgpack map, GR00T as a whole .npy file.</summary>
public sealed record NdArray(string Dtype, IReadOnlyList<long> Shape, byte[] Data)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static NdArray Float32(IReadOnlyList<long> shape, IReadOnlyList<double> values)
    {
        var data = new byte[values.Count * 4];
        for (var i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(data.AsSpan(i * 4), (float)values[i]);
        return new NdArray("<f4", shape, data);
    }

    /// <summary>Bytes per element of a dtype the testbed reads.</summary>
    /// <exception cref="FormatException">A dtype it does not read.</exception>
    public static int ItemSize(string dtype) => dtype switch
    {
        "|u1" or "|i1" or "|b1" => 1,
        "<f4" or "<i4" or "<u4" => 4,
        "<f8" or "<i8" or "<u8" => 8,
        "<f2" or "<i2" or "<u2" => 2,
        _ => throw new FormatException($"numpy dtype '{dtype}' is not one the testbed reads (little-endian numbers, bytes, bools)"),
    };

    /// <summary>A float array (f4 or f8) as doubles, in C order.</summary>
    /// <exception cref="FormatException">Another dtype; the message names <paramref name="what"/>.</exception>
    public double[] Doubles(string what) => Dtype switch
    {
        "<f8" => Enumerable.Range(0, (int)Count).Select(i => BitConverter.ToDouble(Data, i * 8)).ToArray(),
        "<f4" => Enumerable.Range(0, (int)Count).Select(i => (double)BitConverter.ToSingle(Data, i * 4)).ToArray(),
        _ => throw new FormatException($"{what} has dtype {Dtype}; expected <f4 or <f8"),
    };
}
