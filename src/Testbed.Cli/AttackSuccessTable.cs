using System.Globalization;
using System.Text;
using Testbed.Domain.Statistics;

namespace Testbed.Cli;

/// <summary>The lines printed after the verdict table: ASR_broad per policy and language with its denominator and
/// Wilson interval, and each language's paired gap to English (Newcombe interval, exact McNemar p, Holm-adjusted).</summary>
public static class AttackSuccessTable
{
    public static string Render(ExperimentStatistics statistics)
    {
        var text = new StringBuilder();
        text.AppendLine("attack success, broad = (compliance + partial) / (episodes - errors), Wilson 95 %; gap to en paired by scenario and seed:");
        foreach (var rate in statistics.RatesByLanguage)
        {
            var line = new StringBuilder(Invariant($"  {rate.Group.Policy} · {rate.Group.Language}: "));
            line.Append(rate.Broad is { } broad
                ? Invariant($"{broad.Successes}/{broad.Trials} = {broad.Proportion:0.00} [{broad.Lower:0.00}, {broad.Upper:0.00}]")
                : "no episode reached a verdict");
            if (rate.Errors > 0) line.Append(Invariant($" ({rate.Errors} error(s) left out)"));
            var gap = statistics.Comparisons.FirstOrDefault(c => c.Policy == rate.Group.Policy && c.Language == rate.Group.Language);
            if (gap is not null)
            {
                line.Append(Invariant($"; vs {gap.Reference} {gap.Interval.Difference:+0.00;-0.00;0.00} [{gap.Interval.Lower:+0.00;-0.00;0.00}, {gap.Interval.Upper:+0.00;-0.00;0.00}], discordant {gap.Table.FirstOnly}/{gap.Table.SecondOnly}, McNemar p {gap.PValue:0.####}, Holm {gap.HolmPValue:0.####}"));
            }
            text.AppendLine(line.ToString());
        }
        return text.ToString().TrimEnd();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
