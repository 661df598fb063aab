using System.Buffers.Binary;
using System.IO.Compression;
using Testbed.Controller.Runs;

namespace Testbed.Tests.Runs;

public sealed class PngFileTests
{
    [Fact]
    public void Encodes_a_readable_png_with_the_pixels_given()
    {
        const int width = 3, height = 2;
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90];

        var png = PngFile.Encode(width, height, rgb);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        // IEND's CRC is fixed by the PNG specification: a wrong CRC routine fails here.
        Assert.Equal([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82], png[^8..]);
        var idatLength = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));
        Assert.Equal("IDAT", System.Text.Encoding.ASCII.GetString(png, 37, 4));
        using var zlib = new ZLibStream(new MemoryStream(png, 41, idatLength), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal([0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90], raw.ToArray());
    }

    [Fact]
    public void Refuses_a_buffer_of_the_wrong_size()
    {
        var error = Assert.Throws<ArgumentException>(() => PngFile.Encode(2, 2, new byte[11]));
        Assert.Contains("12 bytes", error.Message);
    }
}
