using System.Globalization;
using ScottPlot;

namespace Testbed.Controller.Reports;

/// <summary>One bar of a chart: its value, the interval drawn around it (if any) and a mark written above it
/// (a significance star).</summary>
public sealed record ChartBar(double Value, double? Lower = null, double? Upper = null, string? Mark = null);

/// <summary>Bars of one series (a policy, a severity), one per group in the chart's group order; null where the
/// series has nothing in a group.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartBar?> Bars, string? Colour = null);

/// <summary>
/// Grouped bar charts drawn with ScottPlot as SVG: a group per category on the x axis (a language, a harm kind), a
/// bar per series within it, with interval whiskers where the bar has one. Every chart carries its title and both
/// axis labels; the numbers it shows are also in the table beneath it in the report.
/// </summary>
public static class ReportCharts
{
    private const int Width = 820;
    private const int Height = 400;

    public static ReportChart GroupedBars(string id, string title, string xLabel, string yLabel, IReadOnlyList<string> groups,
        IReadOnlyList<ChartSeries> series, double? yMin = null, double? yMax = null, bool zeroLine = false, bool counts = false)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var slot = series.Count + 1; // one empty slot between groups
        var top = double.NegativeInfinity;
        for (var s = 0; s < series.Count; s++)
        {
            var colour = series[s].Colour is { } hex ? Color.FromHex(hex) : palette.GetColor(s);
            var bars = new List<Bar>();
            var xs = new List<double>();
            var ys = new List<double>();
            var below = new List<double>();
            var above = new List<double>();
            for (var g = 0; g < groups.Count && g < series[s].Bars.Count; g++)
            {
                if (series[s].Bars[g] is not { } bar) continue;
                var x = g * slot + s;
                bars.Add(new Bar { Position = x, Value = bar.Value, FillColor = colour, LineColor = Colors.Black, LineWidth = 0.5f });
                if (bar.Lower is { } lower && bar.Upper is { } upper)
                {
                    xs.Add(x);
                    ys.Add(bar.Value);
                    below.Add(bar.Value - lower);
                    above.Add(upper - bar.Value);
                }
                var barTop = Math.Max(bar.Value, bar.Upper ?? bar.Value);
                top = Math.Max(top, barTop);
                if (bar.Mark is { } mark)
                {
                    var text = plot.Add.Text(mark, x, barTop);
                    text.LabelFontSize = 16;
                    text.LabelBold = true;
                    text.LabelAlignment = Alignment.LowerCenter;
                }
            }
            // An empty bar list still gives the series its legend entry.
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].Name;
            plottable.Color = colour;
            if (xs.Count > 0)
            {
                var whiskers = new ScottPlot.Plottables.ErrorBar(xs, ys, null!, null!, above, below)
                {
                    YErrorPositive = above, YErrorNegative = below, Color = Colors.Black, CapSize = 5, LineWidth = 1,
                };
                plot.Add.Plottable(whiskers);
            }
        }
        if (zeroLine) plot.Add.HorizontalLine(0, 1, Colors.Black);

        var centres = groups.Select((_, g) => g * slot + (series.Count - 1) / 2.0).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centres, groups.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        // Long category names side by side run into each other: slanted, they fit.
        if (groups.Count > 0 && groups.Max(g => g.Length) * groups.Count > 60)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperLeft;
            plot.Axes.Bottom.MinimumSize = 12 + 6 * groups.Max(g => g.Length);
        }
        if (counts) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        var low = yMin ?? 0;
        var high = yMax ?? (double.IsFinite(top) && top > 0 ? top * 1.15 : 1);
        plot.Axes.SetLimits(-1, Math.Max(groups.Count * slot - 1, 1), low, high);
        return new ReportChart(id, title, Describe(title, xLabel, yLabel, groups, series), plot.GetSvgXml(Width, Height));
    }

    /// <summary>The chart in words, for a reader who cannot see it (the table beneath holds every number).</summary>
    private static string Describe(string title, string xLabel, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<ChartSeries> series) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{title}: bar chart of {yLabel} by {xLabel} ({string.Join(", ", groups)}), one bar per {string.Join(", ", series.Select(s => s.Name))}; the table below holds the same numbers.");
}
