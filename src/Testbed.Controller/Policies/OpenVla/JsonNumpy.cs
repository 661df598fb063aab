using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Testbed.Controller.Policies.OpenVla;

/// <summary>
/// The json_numpy encoding OpenVLA's REST server speaks: an array is the object
/// {"__numpy__": base64 of the raw C-order bytes, "dtype": numpy's descr ("|u1", "&lt;f4", "&lt;f8"), "shape": [..]},
/// with an empty shape for a scalar. Keys in that order, as json_numpy writes them.
/// </summary>
public static class JsonNumpy
{
    /// <summary>Writes a u8 (H, W, 3) image as a json_numpy object, its bytes base64-encoded straight into the output.</summary>
    public static void WriteRgb8(Utf8JsonWriter json, int width, int height, ReadOnlySpan<byte> rgb)
    {
        json.WriteStartObject();
        json.WriteBase64String("__numpy__", rgb);
        json.WriteString("dtype", "|u1");
        json.WriteStartArray("shape");
        json.WriteNumberValue(height);
        json.WriteNumberValue(width);
        json.WriteNumberValue(3);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>True for a json_numpy object.</summary>
    public static bool IsArray(JsonNode? node) => node is JsonObject o && o.ContainsKey("__numpy__");

    /// <summary>Reads a numeric json_numpy array as doubles with its shape; the message names <paramref name="what"/>.</summary>
    /// <exception cref="FormatException">Not a numeric json_numpy array.</exception>
    public static (double[] Values, int[] Shape) Doubles(JsonNode? node, string what)
    {
        if (node is not JsonObject o || o["__numpy__"] is not JsonValue data || o["dtype"] is not JsonValue dtypeNode || o["shape"] is not JsonArray shapeNode)
        {
            throw new FormatException($"{what} is not a json_numpy array; expected {{\"__numpy__\": base64, \"dtype\": descr, \"shape\": [..]}}");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data.GetValue<string>());
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new FormatException($"{what}: \"__numpy__\" is not base64 ({e.Message})");
        }

        var shape = shapeNode.Select(d => d is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : throw new FormatException($"{what}: shape holds {d?.ToJsonString()}; expected whole numbers")).ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var dtype = dtypeNode.GetValue<string>();
        var (size, read) = dtype switch
        {
            "<f8" => (8, (Func<ReadOnlySpan<byte>, double>)(b => BinaryPrimitives.ReadDoubleLittleEndian(b))),
            "<f4" => (4, b => BinaryPrimitives.ReadSingleLittleEndian(b)),
            "<f2" => (2, b => (double)BinaryPrimitives.ReadHalfLittleEndian(b)),
            "<i8" => (8, b => BinaryPrimitives.ReadInt64LittleEndian(b)),
            "<i4" => (4, b => BinaryPrimitives.ReadInt32LittleEndian(b)),
            _ => throw new FormatException($"{what} has dtype '{dtype}'; expected a little-endian number type (<f8, <f4, <f2, <i8, <i4)"),
        };
        if (bytes.Length != count * size)
        {
            throw new FormatException($"{what}: {bytes.Length} bytes for shape [{string.Join(", ", shape)}] of {dtype}; expected {count * size}");
        }

        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = read(bytes.AsSpan(i * size, size));
        return (values, shape);
    }
}
