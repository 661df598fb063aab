namespace Testbed.Controller.Policies.OpenPi;

/// <summary>
/// Fits an RGB8 image into a target size without distorting it, as openpi's client prepares every camera image
/// (openpi_client.image_tools.resize_with_pad): scale by the larger of the two width and height ratios, truncate the
/// scaled size to whole pixels, resample with Pillow's bilinear filter, and paste the result onto a black image at
/// ((W − w) / 2, (H − h) / 2) rounded down. An image already of the target size is passed on untouched. A policy
/// trained on such images sees black bars where the aspect ratios differ, not a stretched scene.
/// </summary>
/// <remarks>
/// Pillow's bilinear resize is not textbook bilinear interpolation: when shrinking it widens the triangle filter by the
/// scale (an antialiasing filter), works in two separable passes (horizontal, then vertical, each rounded to 8 bits),
/// and uses 22-bit fixed-point weights. The same arithmetic is followed here so the bytes sent match the bytes the
/// real client would send for the same rendered image.
/// </remarks>
public static class Letterbox
{
    /// <summary>Pillow's fixed-point precision for 8-bit images: 32 bits − 8 for the value − 2 for headroom.</summary>
    private const int PrecisionBits = 32 - 8 - 2;

    public static CameraImage Fit(CameraImage image, ImageSize target)
    {
        if (image.Width == target.Width && image.Height == target.Height) return image;
        var ratio = Math.Max((double)image.Width / target.Width, (double)image.Height / target.Height);
        var width = Math.Max(1, (int)(image.Width / ratio));
        var height = Math.Max(1, (int)(image.Height / ratio));
        var resized = Resize(image.Rgb.Span, image.Width, image.Height, width, height);

        var output = new byte[target.Width * target.Height * 3];
        var left = Math.Max(0, (target.Width - width) / 2);
        var top = Math.Max(0, (target.Height - height) / 2);
        for (var y = 0; y < height; y++)
        {
            resized.AsSpan(y * width * 3, width * 3).CopyTo(output.AsSpan((((top + y) * target.Width) + left) * 3));
        }

        return new CameraImage(target.Width, target.Height, output);
    }

    /// <summary>Pillow's two-pass resampling with its bilinear (triangle) filter.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int toWidth, int toHeight)
    {
        var horizontal = width != toWidth;
        var vertical = height != toHeight;
        var (xBounds, xWeights, xSize) = Coefficients(width, toWidth);
        var (yBounds, yWeights, ySize) = Coefficients(height, toHeight);

        // The horizontal pass only needs the source rows the vertical pass reads.
        var firstRow = yBounds[0];
        var lastRow = yBounds[(toHeight - 1) * 2] + yBounds[((toHeight - 1) * 2) + 1];
        byte[] rows;
        int rowsHeight;
        if (horizontal)
        {
            rowsHeight = lastRow - firstRow;
            rows = new byte[toWidth * rowsHeight * 3];
            for (var y = 0; y < rowsHeight; y++)
            {
                var source = rgb.Slice((y + firstRow) * width * 3, width * 3);
                for (var x = 0; x < toWidth; x++)
                {
                    var (start, count) = (xBounds[x * 2], xBounds[(x * 2) + 1]);
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = 1 << (PrecisionBits - 1);
                        for (var k = 0; k < count; k++) sum += source[((start + k) * 3) + c] * xWeights[(x * xSize) + k];
                        rows[(((y * toWidth) + x) * 3) + c] = Clip8(sum);
                    }
                }
            }

            for (var y = 0; y < toHeight; y++) yBounds[y * 2] -= firstRow;
        }
        else
        {
            rows = rgb.ToArray();
            rowsHeight = height;
        }

        if (!vertical) return rows;
        var output = new byte[toWidth * toHeight * 3];
        for (var y = 0; y < toHeight; y++)
        {
            var (start, count) = (yBounds[y * 2], yBounds[(y * 2) + 1]);
            for (var x = 0; x < toWidth * 3; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var k = 0; k < count; k++) sum += rows[((start + k) * toWidth * 3) + x] * yWeights[(y * ySize) + k];
                output[(y * toWidth * 3) + x] = Clip8(sum);
            }
        }

        return output;
    }

    /// <summary>Per output pixel: the first source pixel, how many it reads, and their fixed-point weights.</summary>
    private static (int[] Bounds, int[] Weights, int Size) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(1.0, scale);
        var support = 1.0 * filterScale; // the triangle filter reaches one pixel, widened when shrinking
        var size = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * size];
        var inverse = 1.0 / filterScale; // Pillow multiplies by the inverse; dividing can differ in the last bit
        var k = new double[size];
        for (var x = 0; x < outSize; x++)
        {
            var center = (x + 0.5) * scale;
            var min = Math.Max(0, (int)(center - support + 0.5));
            var count = Math.Min(inSize, (int)(center + support + 0.5)) - min;
            var total = 0.0;
            for (var i = 0; i < count; i++)
            {
                var w = Math.Max(0, 1 - Math.Abs((i + min - center + 0.5) * inverse));
                k[i] = w;
                total += w;
            }

            for (var i = 0; i < count; i++)
            {
                var w = total != 0 ? k[i] / total : k[i];
                weights[(x * size) + i] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
            }

            bounds[x * 2] = min;
            bounds[(x * 2) + 1] = count;
        }

        return (bounds, weights, size);
    }

    private static byte Clip8(int value) =>
        value >= 1 << PrecisionBits << 8 ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
}
