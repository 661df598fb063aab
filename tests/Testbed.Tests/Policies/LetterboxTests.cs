using System.Security.Cryptography;
using Testbed.Controller.Policies;
using Testbed.Controller.Policies.OpenPi;

namespace Testbed.Tests.Policies;

/// <summary>openpi's client letterboxing (image_tools.resize_with_pad, Pillow bilinear, black bars centred), byte for
/// byte. The expected bytes were produced once with Pillow 9.4 (Debian's python3-pil) from the same generated images:
/// <c>Image.fromarray(img).resize((w, h), Image.BILINEAR)</c> pasted onto <c>Image.new("RGB", (W, H), 0)</c> at
/// <c>(int((W - w) / 2), int((H - h) / 2))</c>, with w, h = int(size / max(width ratio, height ratio)).</summary>
public sealed class LetterboxTests
{
    /// <summary>A deterministic test card: (37x + 11y + 67c + xy mod 13) mod 256.</summary>
    private static CameraImage Card(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++) rgb[(((y * width) + x) * 3) + c] = (byte)(((x * 37) + (y * 11) + (c * 67) + ((x * y) % 13)) % 256);
            }
        }

        return new CameraImage(width, height, rgb);
    }

    [Fact]
    public void A_wide_image_shrinks_into_a_square_with_black_rows_above_and_below_as_pillow_does()
    {
        var fitted = Letterbox.Fit(Card(8, 6), new ImageSize(5, 5));

        // 8x6 into 5x5: ratio 1.6, resized to 5x3, pasted at row 1.
        Assert.Equal(
            "000000000000000000000000000000175a9d5093bb8cc94fbe764d5942852c6fb268abada5a234a5396423599c4083c67dc05ab87b3fb036792a6db0000000000000000000000000000000",
            Convert.ToHexStringLower(fitted.Rgb.Span));
    }

    [Fact]
    public void A_small_image_grows_into_a_wide_target_with_black_columns_either_side_as_pillow_does()
    {
        var fitted = Letterbox.Fit(Card(3, 2), new ImageSize(7, 4));

        // 3x2 into 7x4: ratio 0.5, resized to 6x4, pasted at column 0 (int(0.5) = 0): one black column, on the right.
        Assert.Equal(
            "004386094c8f1c5fa22e71b44184c74a8dd00000000346890c4f921f62a53174b74487ca4d90d3000000084b8e1255982568ab387bbe4b8ed15497da0000000b4e9115589b286bae3b7ec14e91d4579add000000",
            Convert.ToHexStringLower(fitted.Rgb.Span));
    }

    [Theory]
    [InlineData(320, 240, "5842d131f7c320b5ca63a5cbb4b972b476b659220769fe7cf4842686d3604e9e")]
    [InlineData(160, 200, "a74e8d279199fa4409348f5b862be89ddac5a2645fef6e21f599438398048df0")]
    public void A_camera_image_letterboxed_to_224_matches_pillow_byte_for_byte(int width, int height, string sha256)
    {
        var fitted = Letterbox.Fit(Card(width, height), new ImageSize(224, 224));

        Assert.Equal((224, 224), (fitted.Width, fitted.Height));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(fitted.Rgb.Span)));
    }

    [Fact]
    public void An_image_already_of_the_target_size_is_passed_on_untouched()
    {
        var card = Card(224, 224);

        Assert.Same(card, Letterbox.Fit(card, new ImageSize(224, 224)));
    }
}
