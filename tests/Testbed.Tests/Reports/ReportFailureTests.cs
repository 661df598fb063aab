using Testbed.Controller.Reports;

namespace Testbed.Tests.Reports;

/// <summary>`testbed report` on folders that are not (whole) runs, and a report that fails at the end of a run.</summary>
[Collection(ReportedRunCollection.Name)]
public sealed class ReportFailureTests(ReportedRunFixture run)
{
    /// <summary>A copy of the run's manifest and records whose second record is cut in half.</summary>
    private string BrokenCopy()
    {
        var folder = Path.Combine(run.Scratch, "broken-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(run.RunFolder, "manifest.json"), Path.Combine(folder, "manifest.json"));
        var lines = File.ReadAllLines(Path.Combine(run.RunFolder, "episodes.jsonl"));
        lines[1] = lines[1][..(lines[1].Length / 2)];
        File.WriteAllLines(Path.Combine(folder, "episodes.jsonl"), lines);
        return folder;
    }

    [Fact]
    public async Task Report_on_a_missing_folder_exits_2_naming_it()
    {
        var missing = Path.Combine(run.Scratch, "no-such-run");

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("report", missing);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"RUN_DIR '{missing}' does not exist", stderr);
    }

    [Fact]
    public async Task Report_on_a_folder_without_a_manifest_exits_2_naming_the_file()
    {
        var folder = Path.Combine(run.Scratch, "not-a-run-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(run.RunFolder, "episodes.jsonl"), Path.Combine(folder, "episodes.jsonl"));

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("report", folder);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("has no manifest.json", stderr);
        Assert.False(File.Exists(Path.Combine(folder, RunReport.HtmlFile)));
    }

    [Fact]
    public async Task Report_on_a_record_that_cannot_be_read_exits_2_naming_the_file_and_line()
    {
        var folder = BrokenCopy();

        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("report", folder);

        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"{Path.Combine(folder, "episodes.jsonl")} line 2 is not an episode record", stderr);
        Assert.False(File.Exists(Path.Combine(folder, RunReport.HtmlFile)));
    }

    [Fact]
    public void A_report_that_fails_at_the_end_of_a_run_is_printed_and_recorded_and_the_records_stay()
    {
        var folder = BrokenCopy();
        var records = File.ReadAllBytes(Path.Combine(folder, "episodes.jsonl"));
        var output = new StringWriter();

        var files = RunReport.WriteAfterRun(folder, output);

        Assert.Null(files);
        Assert.Contains("line 2 is not an episode record", output.ToString());
        Assert.Contains($"testbed report {folder}", output.ToString());
        Assert.Contains("line 2 is not an episode record", File.ReadAllText(Path.Combine(folder, RunReport.FailureFile)));
        Assert.Equal(records, File.ReadAllBytes(Path.Combine(folder, "episodes.jsonl")));
    }
}
