using System.Text;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.OpenVla;

namespace Testbed.Tests.Policies;

/// <summary>The body of OpenVLA's POST /act, byte for byte (no bridge, no server). The expected texts are written out
/// by hand from json_numpy's encoding: {"__numpy__": base64 of the C-order bytes, "dtype", "shape"}.</summary>
public sealed class OpenVlaRequestBodyTests
{
    // A 3 × 1 image whose bytes encode to base64's two symbols outside letters and digits: fbefbe → "++++", ffffff → "////".
    private static readonly CameraImage Tiny = new(3, 1, new byte[] { 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0x00, 0x10, 0x83 });

    // Quotes, a backslash, a newline, HTML's specials and non-ASCII: only the first three are escaped.
    private const string Instruction = "Lege die \"Kiste\" \\ auf das Förderband.\n<b>&";

    private static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    [Fact]
    public void A_tiny_image_and_a_tricky_instruction_give_the_exact_json_numpy_body()
    {
        var body = OpenVlaPolicy.RequestBody(Tiny, Instruction, "bridge_orig", doubleEncoded: false);

        const string expected = """{"image":{"__numpy__":"++++////ABCD","dtype":"|u1","shape":[1,3,3]},"instruction":"Lege die \"Kiste\" \\ auf das Förderband.\n<b>&","unnorm_key":"bridge_orig"}""";
        Assert.Equal(expected, Text(body));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), body.ToArray());
    }

    [Fact]
    public void Without_an_unnorm_key_the_body_has_no_unnorm_key_field()
    {
        var body = OpenVlaPolicy.RequestBody(Tiny, "pick", null, doubleEncoded: false);

        Assert.Equal("""{"image":{"__numpy__":"++++////ABCD","dtype":"|u1","shape":[1,3,3]},"instruction":"pick"}""", Text(body));
    }

    [Fact]
    public void The_double_encoded_body_is_the_same_json_as_a_string_under_encoded()
    {
        var body = OpenVlaPolicy.RequestBody(Tiny, Instruction, "bridge_orig", doubleEncoded: true);

        const string expected = """{"encoded":"{\"image\":{\"__numpy__\":\"++++////ABCD\",\"dtype\":\"|u1\",\"shape\":[1,3,3]},\"instruction\":\"Lege die \\\"Kiste\\\" \\\\ auf das Förderband.\\n<b>&\",\"unnorm_key\":\"bridge_orig\"}"}""";
        Assert.Equal(expected, Text(body));
    }

    [Fact]
    public void A_full_size_image_is_its_base64_in_one_unescaped_string()
    {
        var rgb = new byte[224 * 224 * 3];
        new Random(3).NextBytes(rgb);

        var body = OpenVlaPolicy.RequestBody(new CameraImage(224, 224, rgb), "pick", null, doubleEncoded: false);

        Assert.Equal("{\"image\":{\"__numpy__\":\"" + Convert.ToBase64String(rgb) + "\",\"dtype\":\"|u1\",\"shape\":[224,224,3]},\"instruction\":\"pick\"}", Text(body));
    }
}
