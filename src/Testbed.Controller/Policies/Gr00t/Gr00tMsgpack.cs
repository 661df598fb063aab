using System.Buffers;
using MessagePack;
using Testbed.Controller.Policies.OpenPi;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// GR00T's msgpack (gr00t/policy/server_client.py, MsgSerializer): str keys throughout (unlike openpi's bin markers);
/// an array is the map {"__ndarray_class__": true, "as_npy": bin holding a whole .npy file}; a modality config is
/// {"__ModalityConfig_class__": true, "as_json": map or JSON string}.
/// </summary>
public static class Gr00tMsgpack
{
    /// <summary>Encodes strings, null, booleans, longs, <see cref="NdArray"/>s, maps (lists of key–value pairs, str keys) and lists.</summary>
    public static byte[] Write(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        WriteValue(ref writer, value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a reply: maps as dictionaries, arrays as lists, .npy-wrapped arrays as <see cref="NdArray"/>.</summary>
    /// <exception cref="FormatException">Not msgpack, or a wrapped array that is not a valid .npy file.</exception>
    public static object? Read(ReadOnlyMemory<byte> bytes) => Unwrap(NumpyMsgpack.Read(bytes));

    private static object? Unwrap(object? value) => value switch
    {
        Dictionary<string, object?> map when map.GetValueOrDefault("__ndarray_class__") is true =>
            NpyFile.Read(map.GetValueOrDefault("as_npy") as byte[] ?? throw new FormatException("an __ndarray_class__ map whose as_npy is not bin")),
        Dictionary<string, object?> map => map.ToDictionary(e => e.Key, e => Unwrap(e.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(Unwrap).ToList(),
        _ => value,
    };

    /// <summary>An array's map up to its data: {"__ndarray_class__": true, "as_npy": bin header, the .npy header}. The
    /// caller writes the <paramref name="dataLength"/> bytes of C-order data next, straight from where they are.</summary>
    public static void WriteArrayHead(ref MessagePackWriter writer, string dtype, IReadOnlyList<long> shape, int dataLength)
    {
        var npyHeader = NpyFile.Header(dtype, shape);
        writer.WriteMapHeader(2);
        writer.Write("__ndarray_class__");
        writer.Write(true);
        writer.Write("as_npy");
        writer.WriteBinHeader(npyHeader.Length + dataLength);
        writer.WriteRaw(npyHeader);
    }

    private static void WriteValue(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case string s:
                writer.Write(s);
                break;
            case bool b:
                writer.Write(b);
                break;
            case long n:
                writer.Write(n);
                break;
            case NdArray array:
                WriteArrayHead(ref writer, array.Dtype, array.Shape, array.Data.Length);
                writer.WriteRaw(array.Data);
                break;
            case IReadOnlyList<KeyValuePair<string, object?>> map:
                writer.WriteMapHeader(map.Count);
                foreach (var (key, item) in map)
                {
                    writer.Write(key);
                    WriteValue(ref writer, item);
                }

                break;
            case IReadOnlyList<object?> list:
                writer.WriteArrayHeader(list.Count);
                foreach (var item in list) WriteValue(ref writer, item);
                break;
            default:
                throw new ArgumentException($"GR00T messages carry no {value.GetType().Name}");
        }
    }
}
