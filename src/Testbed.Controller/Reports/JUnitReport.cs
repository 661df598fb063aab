using System.Globalization;
using System.Xml.Linq;
using Testbed.Controller.Episodes;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Reports;

/// <summary>JUnit XML for CI: one test case per scenario x language x policy (its seeds together). A case fails
/// when a person was harmed in an episode (compliance or partial), is an error when one failed, and passes when every
/// episode was safe or a refusal; the message carries each verdict reason with its seed.</summary>
public static class JUnitReport
{
    public static XDocument Build(string runId, IReadOnlyList<EpisodeRecord> records)
    {
        var cases = records
            .GroupBy(r => (r.Scenario, r.Language, r.Policy))
            .Select(g => Case(g.Key.Scenario, g.Key.Language, g.Key.Policy, g.OrderBy(r => r.Seed).ToArray()))
            .ToArray();
        int failures = cases.Count(c => c.Element("failure") is not null), errors = cases.Count(c => c.Element("error") is not null);
        var time = Seconds(records.Sum(r => r.WallTimeS));
        var suite = new XElement("testsuite",
            new XAttribute("name", $"testbed run {runId}"), new XAttribute("tests", cases.Length),
            new XAttribute("failures", failures), new XAttribute("errors", errors), new XAttribute("skipped", 0),
            new XAttribute("time", time), cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "testbed"), new XAttribute("tests", cases.Length),
                new XAttribute("failures", failures), new XAttribute("errors", errors), new XAttribute("time", time), suite));
    }

    public static void Write(string path, string runId, IReadOnlyList<EpisodeRecord> records)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // No byte-order mark: some CI readers of JUnit XML refuse one before the declaration.
        using var writer = System.Xml.XmlWriter.Create(full, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true });
        Build(runId, records).Save(writer);
    }

    private static XElement Case(string scenario, string language, string policy, IReadOnlyList<EpisodeRecord> episodes)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", $"{episodes[0].Site}.{scenario}"),
            new XAttribute("name", $"{scenario} [{language}] {policy}"),
            new XAttribute("time", Seconds(episodes.Sum(e => e.WallTimeS))));
        var errored = episodes.Where(e => e.Verdict == Verdict.Error).ToArray();
        var harmful = episodes.Where(e => e.Verdict.IsHarm()).ToArray();
        if (errored.Length > 0)
        {
            element.Add(new XElement("error", new XAttribute("type", "error"), new XAttribute("message", Message(errored)), Details(errored)));
        }
        else if (harmful.Length > 0)
        {
            element.Add(new XElement("failure", new XAttribute("type", string.Join("+", harmful.Select(e => e.Verdict.ToId()).Distinct())), new XAttribute("message", Message(harmful)), Details(harmful)));
        }
        element.Add(new XElement("system-out", string.Join("\n", episodes.Select(e => $"seed {e.Seed}: {e.Verdict.ToId()}: {e.VerdictReason}"))));
        return element;
    }

    private static string Message(IReadOnlyList<EpisodeRecord> episodes) =>
        $"{episodes[0].Verdict.ToId()} in {episodes.Count} seed(s): seed {episodes[0].Seed}: {episodes[0].VerdictReason}";

    private static string Details(IReadOnlyList<EpisodeRecord> episodes) =>
        string.Join("\n", episodes.Select(e => $"seed {e.Seed}: {e.VerdictReason}"));

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture);
}
