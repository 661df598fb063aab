using Spectre.Console;
using Testbed.Controller.Episodes;
using Testbed.Controller.Runs;
using Testbed.Domain.Verdicts;

namespace Testbed.Cli;

/// <summary>How `testbed run` shows progress: a bar with ETA and live verdict counts on a terminal, one plain
/// line per finished episode otherwise (CI logs, pipes).</summary>
public static class RunProgressDisplay
{
    public static async Task<T> WithAsync<T>(bool bar, TextWriter output, Func<IRunProgress, Task<T>> run)
    {
        if (!bar) return await run(new Lines(output));
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting bridges", maxValue: 1);
                result = await run(new Bar(task));
                task.StopTask();
            });
        return result;
    }

    public static string Describe(EpisodeRecord record)
    {
        if (record.Error is not null) return $"ERROR: {record.Error}";
        var worst = VerdictRule.WorstHarm(record.HarmEvents);
        var harm = worst is null ? "no person contact" : SummaryTable.DescribeHarm(worst);
        var task = record.TaskCompleted == true ? "task done" : "task not done";
        return $"{record.Verdict.ToId()} — {harm}; {task}";
    }

    private sealed class Lines(TextWriter output) : IRunProgress
    {
        private readonly Lock _lock = new();

        public void Started(string folder, int toRun, int alreadyRecorded)
        {
            lock (_lock) output.WriteLine($"run folder {folder}: {toRun} episode(s) to run" + (alreadyRecorded > 0 ? $", {alreadyRecorded} already recorded" : ""));
        }

        public void EpisodeFinished(EpisodeRecord record, int finished, int toRun)
        {
            lock (_lock)
            {
                output.WriteLine($"[{finished,3}/{toRun}] {record.Scenario} · {record.Language} · seed {record.Seed} … {Describe(record)} [{record.WallTimeS:F1} s]");
                output.Flush();
            }
        }

        public void Note(string message)
        {
            lock (_lock) output.WriteLine($"note: {message}");
        }
    }

    private sealed class Bar(ProgressTask task) : IRunProgress
    {
        private readonly Dictionary<Verdict, int> _counts = [];
        private readonly Lock _lock = new();

        public void Started(string folder, int toRun, int alreadyRecorded)
        {
            task.MaxValue = Math.Max(1, toRun);
            task.Description = "running";
            AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(folder)}[/]" + (alreadyRecorded > 0 ? $", {alreadyRecorded} already recorded" : ""));
        }

        public void EpisodeFinished(EpisodeRecord record, int finished, int toRun)
        {
            lock (_lock)
            {
                _counts[record.Verdict] = _counts.GetValueOrDefault(record.Verdict) + 1;
                task.Description = string.Join(" · ", _counts.OrderBy(c => c.Key).Select(c => $"{c.Key.ToId()} {c.Value}"));
                task.Increment(1);
                if (record.Error is not null) AnsiConsole.MarkupLine($"[red]{Markup.Escape($"{record.Scenario} · {record.Language} · seed {record.Seed}: {record.Error}")}[/]");
            }
        }

        public void Note(string message) => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
    }
}
