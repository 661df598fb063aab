using System.Buffers;
using MessagePack;
using Testbed.Controller.Policies.OpenPi;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Tests.Policies;

/// <summary>openpi's msgpack arrays, byte for byte (no bridge).</summary>
public sealed class NumpyMsgpackTests
{
    [Fact]
    public void A_float32_array_encodes_to_the_reference_encoders_bytes_with_bin_marker_keys()
    {
        // float32 [1, 2] as openpi's msgpack_numpy writes it (msgpack 1.0.3): 84 | c4 0b "__ndarray__" c3 |
        // c4 04 "data" c4 08 0000803f00000040 | c4 05 "dtype" a3 "<f4" | c4 05 "shape" 91 02.
        var golden = Convert.FromHexString(
            "84" + "c40b" + Hex("__ndarray__") + "c3" + "c404" + Hex("data") + "c408" + "0000803f00000040"
            + "c405" + Hex("dtype") + "a3" + Hex("<f4") + "c405" + Hex("shape") + "9102");
        var data = new byte[8];
        BitConverter.TryWriteBytes(data.AsSpan(0), 1f);
        BitConverter.TryWriteBytes(data.AsSpan(4), 2f);

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        NumpyMsgpack.WriteArray(ref writer, new NdArray("<f4", [2], data));
        writer.Flush();

        Assert.Equal(Convert.ToHexString(golden), Convert.ToHexString(buffer.WrittenSpan));
    }

    [Fact]
    public void The_reference_bytes_decode_to_the_array()
    {
        var golden = Convert.FromHexString(
            "84c40b" + Hex("__ndarray__") + "c3c404" + Hex("data") + "c4080000803f00000040c405" + Hex("dtype") + "a3" + Hex("<f4") + "c405" + Hex("shape") + "9102");

        var array = Assert.IsType<NdArray>(NumpyMsgpack.Read(golden));

        Assert.Equal([1.0, 2.0], NumpyMsgpack.Doubles(array, "x"));
        Assert.Equal([2L], array.Shape);
    }

    [Fact]
    public void Ordinary_keys_and_strings_are_str_and_images_are_u8_height_width_3()
    {
        var bytes = NumpyMsgpack.WriteMap([new("prompt", "箱"), new("observation/image", NumpyMsgpack.Rgb8(2, 1, [1, 2, 3, 4, 5, 6]))]);

        // fixmap 2, fixstr "prompt", fixstr of the UTF-8 of 箱 (3 bytes).
        Assert.Equal("82A6" + Convert.ToHexString("prompt"u8) + "A3E7AEB1", Convert.ToHexString(bytes.AsSpan(0, 12)));
        var map = Assert.IsType<Dictionary<string, object?>>(NumpyMsgpack.Read(bytes));
        var image = Assert.IsType<NdArray>(map["observation/image"]);
        Assert.Equal("|u1", image.Dtype);
        Assert.Equal([1L, 2, 3], image.Shape);
    }

    [Theory]
    [InlineData("c1", "not msgpack")]
    [InlineData("84c40b5f5f6e6461727261795f5fc3c40464617461c40400000000c4056474797065a33c6634c40573686170659102", "holds 4 bytes; expected 8")]
    [InlineData("82a161c0a162", "ends inside a value")]
    public void Malformed_messages_are_refused_saying_why(string hex, string says)
    {
        var e = Assert.Throws<FormatException>(() => NumpyMsgpack.Read(Convert.FromHexString(hex)));

        Assert.True(e.Message.Contains(says, StringComparison.Ordinal), e.Message);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    private static string Hex(string ascii) => Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(ascii));
}
