using System.Buffers;
using System.Text;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.Gr00t;

namespace Testbed.Tests.Policies;

/// <summary>GR00T's get_action request, byte for byte (no bridge, no server). The expected bytes are written out by hand
/// from msgpack's format (fixmap 8x, fixstr ax, str8 d9, bin8 c4, bin32 c6, true c3, nil c0, fixarray 9x) and numpy's
/// .npy format 1.0 (magic, version, header length, the dict padded with spaces so the data starts at byte 128).</summary>
public sealed class Gr00tActionRequestTests
{
    // Two frames of a 2 × 1 camera (a history of two queries), oldest first.
    private static readonly CameraImage[] Frames =
    [
        new(2, 1, new byte[] { 1, 2, 3, 4, 5, 6 }),
        new(2, 1, new byte[] { 7, 8, 9, 10, 11, 12 }),
    ];

    private static readonly double[][] Steps = [[0.5, -2]];
    private const string Instruction = "箱を置く";

    private static string Hex(string ascii) => Convert.ToHexString(Encoding.UTF8.GetBytes(ascii));

    /// <summary>A .npy file of <paramref name="descr"/> and <paramref name="shape"/>: its header is 118 bytes for
    /// every shape here (10 + 118 = 128), the dict padded with spaces and ended by '\n'.</summary>
    private static string Npy(string descr, string shape, string dataHex)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        return "934E554D5059" + "0100" + "7600" + Hex(dict + new string(' ', 117 - dict.Length) + "\n") + dataHex;
    }

    private static string Array(string npy) => "82" + "B1" + Hex("__ndarray_class__") + "C3" + "A6" + Hex("as_npy") + "C4" + (npy.Length / 2).ToString("X2") + npy;

    private const string Image = "0102030405060708090A0B0C";
    private const string State = "0000003F" + "000000C0"; // 0.5f, -2f little-endian

    private static byte[] Write(Gr00tLayout layout, IReadOnlyList<CameraImage> frames, IReadOnlyList<double[]> steps, string instruction = Instruction)
    {
        var output = new ArrayBufferWriter<byte>();
        Gr00tActionRequest.Write(output, layout, [("ego_view", frames)], [("single_arm", steps)], ["annotation.human.task_description"], instruction);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void The_nested_n16_request_is_byte_for_byte_the_one_written_out_by_hand()
    {
        var expected =
            "82" + "A8" + Hex("endpoint") + "AA" + Hex("get_action")
            + "A4" + Hex("data") + "82"
            + "AB" + Hex("observation") + "83"
            + "A5" + Hex("video") + "81" + "A8" + Hex("ego_view") + Array(Npy("|u1", "(1, 2, 1, 2, 3)", Image))
            + "A5" + Hex("state") + "81" + "AA" + Hex("single_arm") + Array(Npy("<f4", "(1, 1, 2)", State))
            + "A8" + Hex("language") + "81" + "D921" + Hex("annotation.human.task_description") + "91" + "91" + "AC" + Hex(Instruction)
            + "A7" + Hex("options") + "C0";

        Assert.Equal(expected, Convert.ToHexString(Write(Gr00tLayout.Nested, Frames, Steps)));
    }

    [Fact]
    public void The_flat_n15_request_is_byte_for_byte_the_one_written_out_by_hand()
    {
        var expected =
            "82" + "A8" + Hex("endpoint") + "AA" + Hex("get_action")
            + "A4" + Hex("data") + "83"
            + "AE" + Hex("video.ego_view") + Array(Npy("|u1", "(2, 1, 2, 3)", Image))
            + "B0" + Hex("state.single_arm") + Array(Npy("<f4", "(1, 2)", State))
            + "D921" + Hex("annotation.human.task_description") + "91" + "AC" + Hex(Instruction);

        Assert.Equal(expected, Convert.ToHexString(Write(Gr00tLayout.Flat, Frames, Steps)));
    }

    [Fact]
    public void A_full_size_frame_goes_as_bin32_holding_its_npy_header_and_pixels_in_order()
    {
        var rgb = new byte[224 * 224 * 3];
        new Random(5).NextBytes(rgb);
        var instruction = new string('x', 300); // str16 (da 01 2c)

        var bytes = Write(Gr00tLayout.Nested, [new CameraImage(224, 224, rgb)], Steps, instruction);

        var prefix = "82" + "A8" + Hex("endpoint") + "AA" + Hex("get_action") + "A4" + Hex("data") + "82" + "AB" + Hex("observation") + "83"
            + "A5" + Hex("video") + "81" + "A8" + Hex("ego_view") + "82" + "B1" + Hex("__ndarray_class__") + "C3" + "A6" + Hex("as_npy")
            + "C6" + "00024C80"; // 128 + 150528 = 0x24C80 bytes
        var npyHeader = Npy("|u1", "(1, 1, 224, 224, 3)", "");
        Assert.Equal(prefix + npyHeader, Convert.ToHexString(bytes, 0, (prefix.Length + npyHeader.Length) / 2));
        var pixels = (prefix.Length + npyHeader.Length) / 2;
        Assert.True(bytes.AsSpan(pixels, rgb.Length).SequenceEqual(rgb));
        var rest = "A5" + Hex("state") + "81" + "AA" + Hex("single_arm") + Array(Npy("<f4", "(1, 1, 2)", State))
            + "A8" + Hex("language") + "81" + "D921" + Hex("annotation.human.task_description") + "91" + "91" + "DA012C" + Hex(instruction)
            + "A7" + Hex("options") + "C0";
        Assert.Equal(rest, Convert.ToHexString(bytes, pixels + rgb.Length, bytes.Length - pixels - rgb.Length));
    }

    [Fact]
    public void Frames_of_different_sizes_under_one_key_are_refused_naming_the_camera()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Write(Gr00tLayout.Nested, [Frames[0], new CameraImage(1, 1, new byte[] { 1, 2, 3 })], Steps));
        Assert.Contains("ego_view", e.Message);
    }
}
