using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Testbed.Controller.Policies.Remote;

namespace Testbed.Controller.Policies.Gr00t;

/// <summary>
/// The .npy file format (numpy's format.py, versions 1.0–3.0), as GR00T carries arrays: the magic "\x93NUMPY", a major
/// and minor version byte, the header length (uint16 LE in 1.0, uint32 LE in 2.0 and 3.0), an ASCII Python-dict
/// header {'descr', 'fortran_order', 'shape'} padded with spaces and ending in '\n' so that the data starts at a
/// multiple of 64 bytes, then the raw data. Written as 1.0, which numpy writes whenever the header fits.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static byte[] Write(NdArray array)
    {
        var header = Header(array.Dtype, array.Shape);
        var output = new byte[header.Length + array.Data.Length];
        header.CopyTo(output, 0);
        array.Data.CopyTo(output, header.Length);
        return output;
    }

    /// <summary>The file up to its data: magic, version 1.0, header length and the padded header. The data follows it
    /// directly, so a writer can put an image's bytes after it without building the file first.</summary>
    public static byte[] Header(string dtype, IReadOnlyList<long> shape)
    {
        var dims = shape.Count == 1
            ? $"({shape[0]},)"
            : $"({string.Join(", ", shape.Select(n => n.ToString(CultureInfo.InvariantCulture)))})";
        var header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {dims}, }}";
        var unpadded = Magic.Length + 2 + 2 + header.Length + 1;
        var padding = (64 - (unpadded % 64)) % 64;
        header = header + new string(' ', padding) + "\n";
        var output = new byte[Magic.Length + 4 + header.Length];
        Magic.CopyTo(output, 0);
        output[6] = 1;
        output[7] = 0;
        output[8] = (byte)(header.Length & 0xff);
        output[9] = (byte)(header.Length >> 8);
        Encoding.ASCII.GetBytes(header, output.AsSpan(10));
        return output;
    }

    /// <exception cref="FormatException">Not a .npy file, a Fortran-ordered one, or one whose size does not fit its header.</exception>
    public static NdArray Read(byte[] file)
    {
        if (file.Length < 10 || !file.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new FormatException("not a .npy file (no \\x93NUMPY magic)");
        }

        var major = file[6];
        var (headerLength, headerStart) = major switch
        {
            1 => (file[8] | (file[9] << 8), 10),
            2 or 3 when file.Length >= 12 => ((int)BitConverter.ToUInt32(file, 8), 12),
            _ => throw new FormatException($".npy version {major}.{file[7]} is not one numpy writes (1.0, 2.0, 3.0)"),
        };
        if (headerStart + headerLength > file.Length) throw new FormatException(".npy header runs past the end of the file");
        var header = Encoding.UTF8.GetString(file, headerStart, headerLength);
        var descr = Descr().Match(header);
        var fortran = FortranOrder().Match(header);
        var shape = Shape().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success) throw new FormatException($".npy header '{header.Trim()}' lacks descr, fortran_order or shape");
        if (fortran.Groups[1].Value == "True") throw new FormatException(".npy array is in Fortran order; expected C order");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var data = file.AsSpan(headerStart + headerLength).ToArray();
        var array = new NdArray(descr.Groups[1].Value, dims, data);
        if (array.Count * NdArray.ItemSize(array.Dtype) != data.Length)
        {
            throw new FormatException($".npy array of {array.Dtype} and shape ({string.Join(", ", dims)}) holds {data.Length} bytes; expected {array.Count * NdArray.ItemSize(array.Dtype)}");
        }

        return array;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
