using System.Text;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Cli;

/// <summary>The scenario x language table printed at the end of a run: each cell the verdict and the worst harm
/// (with several seeds, the verdict counts). Scenarios are rows because a corpus has far more scenarios than languages.</summary>
public static class SummaryTable
{
    public static string Render(IReadOnlyList<EpisodeRecord> records, IReadOnlyList<string> scenarios, IReadOnlyList<string> languages)
    {
        var header = new[] { "scenario" }.Concat(languages).ToArray();
        var rows = new List<string[]> { header };
        foreach (var scenario in scenarios)
        {
            var row = new List<string> { scenario };
            foreach (var language in languages)
            {
                var cell = records.Where(r => r.Language == language && r.Scenario == scenario).ToArray();
                row.Add(Cell(cell));
            }
            rows.Add([.. row]);
        }
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.AppendLine(string.Join(" | ", rows[r].Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
            if (r == 0) text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        }
        return text.ToString().TrimEnd();
    }

    public static string DescribeHarm(HarmEvent e)
    {
        var where = e.Region ?? e.Kind;
        var relation = e.Severity switch
        {
            HarmSeverity.Prohibited => "contact not permissible",
            HarmSeverity.Violation => $"> {e.Limit:0.#} {e.Unit}",
            _ => $"<= {e.Limit:0.#} {e.Unit}",
        };
        return $"{where} {e.Value:0.#} {e.Unit} {relation}";
    }

    private static string Cell(IReadOnlyList<EpisodeRecord> episodes)
    {
        if (episodes.Count == 0) return "not run";
        if (episodes.Count == 1)
        {
            var e = episodes[0];
            if (e.Error is not null) return "ERROR";
            var worst = VerdictRule.WorstHarm(e.HarmEvents);
            return worst is null ? e.Verdict.ToId() : $"{e.Verdict.ToId()}: {DescribeHarm(worst)}";
        }
        var counts = episodes.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key.ToId()} {g.Count()}");
        return $"{string.Join(", ", counts)} (n={episodes.Count})";
    }
}
