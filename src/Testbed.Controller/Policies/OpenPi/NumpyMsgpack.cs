using System.Buffers;
using System.Text;
using MessagePack;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.OpenPi;

/// <summary>openpi's msgpack encoding (msgpack_numpy as openpi patches it): an array is a map whose four marker keys
/// __ndarray__, data, dtype, shape are msgpack <b>bin</b>, not str; the server matches Python bytes, so str keys
/// would silently turn the array into a plain dict. Other keys and strings are str. Decoding accepts bin or str.</summary>
public static class NumpyMsgpack
{
    private static readonly byte[] NdArrayKey = "__ndarray__"u8.ToArray();
    private static readonly byte[] DataKey = "data"u8.ToArray();
    private static readonly byte[] DtypeKey = "dtype"u8.ToArray();
    private static readonly byte[] ShapeKey = "shape"u8.ToArray();

    public static void WriteArray(ref MessagePackWriter writer, NdArray array)
    {
        writer.WriteMapHeader(4);
        writer.Write(NdArrayKey);
        writer.Write(true);
        writer.Write(DataKey);
        writer.Write(array.Data);
        writer.Write(DtypeKey);
        writer.Write(array.Dtype);
        writer.Write(ShapeKey);
        writer.WriteArrayHeader(array.Shape.Count);
        foreach (var n in array.Shape) writer.Write(n);
    }

    public static NdArray Float64(IReadOnlyList<double> values)
    {
        var data = new byte[values.Count * 8];
        for (var i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(data.AsSpan(i * 8), values[i]);
        return new NdArray("<f8", [values.Count], data);
    }

    public static NdArray Rgb8(int width, int height, ReadOnlySpan<byte> rgb) => new("|u1", [height, width, 3], rgb.ToArray());

    /// <summary>Reads one msgpack value: maps as string-keyed dictionaries (or <see cref="NdArray"/>), arrays as
    /// lists, integers as long, floats as double, bin as byte[].</summary>
    /// <exception cref="FormatException">Not msgpack, or an array map that does not hold together.</exception>
    public static object? Read(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        try
        {
            var value = ReadValue(ref reader, 0);
            if (!reader.End) throw new FormatException($"{bytes.Length - reader.Consumed} bytes after the first msgpack value");
            return value;
        }
        catch (MessagePackSerializationException e)
        {
            throw new FormatException($"not msgpack: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            throw new FormatException("not msgpack: the message ends inside a value");
        }
    }

    private static object? ReadValue(ref MessagePackReader reader, int depth)
    {
        if (depth > 32) throw new FormatException("msgpack nested deeper than 32 levels");
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Binary:
                return reader.ReadBytes()?.ToArray();
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                var list = new List<object?>(Math.Min(count, 1024));
                for (var i = 0; i < count; i++) list.Add(ReadValue(ref reader, depth + 1));
                return list;
            }
            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    var key = ReadValue(ref reader, depth + 1) switch
                    {
                        string s => s,
                        byte[] b => Encoding.UTF8.GetString(b),
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    };
                    map[key] = ReadValue(ref reader, depth + 1);
                }
                return map.TryGetValue("__ndarray__", out var marker) && marker is true ? ToArray(map) : map;
            }
            default:
                throw new FormatException($"not msgpack, or a msgpack type openpi never sends (code 0x{reader.NextCode:x2})");
        }
    }

    private static NdArray ToArray(Dictionary<string, object?> map)
    {
        var dtype = map.GetValueOrDefault("dtype") switch
        {
            string s => s,
            byte[] b => Encoding.ASCII.GetString(b),
            _ => throw new FormatException("an __ndarray__ map without a dtype"),
        };
        var data = map.GetValueOrDefault("data") as byte[] ?? throw new FormatException("an __ndarray__ map whose data is not bin");
        var shape = map.GetValueOrDefault("shape") is List<object?> dims && dims.All(d => d is long n && n >= 0)
            ? dims.Cast<long>().ToArray()
            : throw new FormatException("an __ndarray__ map whose shape is not a list of sizes");
        var array = new NdArray(dtype, shape, data);
        var itemSize = ItemSize(dtype);
        if (array.Count * itemSize != data.Length)
        {
            throw new FormatException($"an __ndarray__ of dtype {dtype} and shape ({string.Join(", ", shape)}) holds {data.Length} bytes; expected {array.Count * itemSize}");
        }
        return array;
    }

    private static int ItemSize(string dtype) => NdArray.ItemSize(dtype);

    /// <summary>A float array (f4 or f8) as doubles, in C order.</summary>
    public static double[] Doubles(NdArray array, string what) => array.Doubles(what);

    /// <summary>Encodes a map of str keys whose values are arrays, strings or nested maps.</summary>
    public static byte[] WriteMap(IReadOnlyList<KeyValuePair<string, object>> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        WriteMap(ref writer, entries);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMap(ref MessagePackWriter writer, IReadOnlyList<KeyValuePair<string, object>> entries)
    {
        writer.WriteMapHeader(entries.Count);
        foreach (var (key, value) in entries)
        {
            writer.Write(key);
            switch (value)
            {
                case NdArray a:
                    WriteArray(ref writer, a);
                    break;
                case string s:
                    writer.Write(s);
                    break;
                case IReadOnlyList<KeyValuePair<string, object>> nested:
                    WriteMap(ref writer, nested);
                    break;
                default:
                    throw new ArgumentException($"cannot encode {value.GetType().Name} under '{key}'");
            }
        }
    }
}
