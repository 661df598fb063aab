using System.Globalization;
using Testbed.Domain.Statistics;

namespace Testbed.Controller.Reports;

/// <summary>How the report writes its numbers: rates to three decimals, intervals in brackets, p-values and risks to
/// four significant digits, always with the invariant culture so a table reads the same everywhere.</summary>
public static class ReportNumbers
{
    public static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Rate(double p) => p.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Rate(WilsonInterval? w) => w is null ? "–" : Rate(w.Proportion);

    public static string Interval(WilsonInterval? w) => w is null ? "–" : $"[{Rate(w.Lower)}, {Rate(w.Upper)}]";

    public static string Signed(double d) => d.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    public static string SignedInterval(PairedDifferenceInterval i) => $"[{Signed(i.Lower)}, {Signed(i.Upper)}]";

    public static string P(double p) => p.ToString("G4", CultureInfo.InvariantCulture);

    public static string Number(double x) => x.ToString("G4", CultureInfo.InvariantCulture);

    public static string Optional(double? x, Func<double, string> format) => x is { } v ? format(v) : "–";
}
