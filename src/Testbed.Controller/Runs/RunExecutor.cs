using System.Collections.Concurrent;
using Polly;
using Polly.Retry;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Results;
using Testbed.Domain.Harm;
using Testbed.Domain.Verdicts;

namespace Testbed.Controller.Runs;

/// <summary>Where a run came from, for its manifest.</summary>
public sealed record RunProvenance(IReadOnlyList<string> CommandLine, string TestbedVersion, string? GitCommit, string HarmModel);

/// <summary>Executes a plan: starts one bridge per worker, checks every scene before any episode runs, runs the
/// episodes on the workers (re-running from reset any that the bridge cut short, after restoring the bridge),
/// appends each record as it finishes and writes the manifest's final status last, whatever ended the run.</summary>
public sealed class RunExecutor(BridgeSource bridges, BodyModel bodyModel, RunSettings settings, IRunProgress progress)
{
    /// <summary>Runs the plan into a new folder under <paramref name="outputRoot"/>.</summary>
    /// <exception cref="RunInputException">A scene fails its check, or the folder cannot be made (nothing ran).</exception>
    /// <exception cref="RunAbortedException">No bridge could be started or reached (nothing ran).</exception>
    public Task<RunSummary> RunAsync(RunPlan plan, string outputRoot, RunProvenance provenance, CancellationToken cancel)
    {
        var started = DateTimeOffset.UtcNow;
        var runId = $"{started:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        if (plan.Shard is not null) runId += $"-shard{plan.Shard.Index}of{plan.Shard.Count}";
        var manifest = new RunManifest
        {
            RunId = runId, Status = RunStatus.Running, StartedAt = started, CommandLine = provenance.CommandLine,
            TestbedVersion = provenance.TestbedVersion, GitCommit = provenance.GitCommit, Host = Environment.MachineName,
            Bridge = new BridgeInfo("", false, "", "", "", "", ""), Policies = plan.Policies, Seeds = plan.Seeds, InitialQposNoise = plan.InitialQposNoise,
            Latency = settings.Latency.ToId(),
            Languages = plan.Selection.Languages.Select(l => l.Value).ToArray(), Scenarios = plan.Selection.Scenarios.Select(s => s.Id).ToArray(),
            SceneSha256 = plan.SceneSha256, CorpusSha256 = plan.Corpus.ContentHash, HarmModel = provenance.HarmModel,
            PlanSha256 = plan.Sha256, Shard = plan.Shard?.ToString(), EpisodesInPlan = plan.All.Count, EpisodesPlanned = plan.Episodes.Count,
        };
        return ExecuteAsync(plan, () => RunFolder.Create(outputRoot, runId), manifest, [], cancel);
    }

    /// <summary>Continues the run in <paramref name="folder"/>: refuses a plan that differs from the run's, keeps
    /// its records and runs the rest.</summary>
    public Task<RunSummary> ResumeAsync(RunPlan plan, string folder, RunProvenance provenance, CancellationToken cancel)
    {
        var manifest = RunFolder.ReadManifest(folder);
        var differences = RunResume.Differences(manifest, plan).ToList();
        if (manifest.Latency != settings.Latency.ToId()) differences.Add($"--latency: the run has {manifest.Latency}, this command {settings.Latency.ToId()}");
        if (differences.Count > 0)
        {
            throw new RunInputException($"cannot resume {folder}: {string.Join("; ", differences)}; start a new run instead");
        }
        var kept = RunResume.Kept(RunFolder.ReadEpisodes(folder), plan, settings.RetryErrors);
        manifest = manifest with
        {
            Status = RunStatus.Running, AbortReason = null, FinishedAt = null,
            ResumedAt = [.. manifest.ResumedAt, DateTimeOffset.UtcNow],
            CommandLine = provenance.CommandLine, TestbedVersion = provenance.TestbedVersion, GitCommit = provenance.GitCommit,
        };
        return ExecuteAsync(plan, () => RunFolder.Reopen(folder, kept), manifest, kept, cancel);
    }

    private async Task<RunSummary> ExecuteAsync(
        RunPlan plan, Func<RunFolder> openFolder, RunManifest manifest, IReadOnlyList<RecordedEpisode> kept, CancellationToken cancel)
    {
        var keptKeys = kept.Select(k => k.Key).ToHashSet();
        var toRun = plan.Episodes.Where(e => !keptKeys.Contains(e.Key)).ToArray();
        var workerCount = Math.Clamp(settings.Workers, 1, Math.Max(1, toRun.Length));
        var workers = new List<WorkerBridge>();
        var availability = new PolicyAvailability(settings.Policies, settings.PolicyRecheckInterval, progress);
        // Every policy server answers before anything starts: one that is down is one message, not an error per episode.
        await availability.PreflightAsync(toRun.Select(e => e.Policy), cancel);
        try
        {
            // The first bridge checks the scenes before anything is written: a broken scene runs nothing.
            workers.Add(await StartBridgeAsync(0, cancel));
            var capabilities = workers[0].Connection.Capabilities;
            if (toRun.Length > 0)
            {
                try
                {
                    await RunPreflight.CheckAsync(Calls(workers[0]), plan, bodyModel, cancel);
                }
                catch (BridgeCallException e)
                {
                    throw new RunAbortedException($"the bridge failed while the scenes were checked: {e.Message}", e);
                }
            }
            var starting = Enumerable.Range(1, workerCount - 1).Select(w => StartBridgeAsync(w, cancel)).ToArray();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                // Those that started are stopped with the rest, even when another failed to.
                workers.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
            using var folder = openFolder();
            manifest = manifest with
            {
                Workers = workerCount,
                Bridge = new BridgeInfo(bridges.Embedded ? "child processes" : workers[0].Connection.Address.ToString(), bridges.Embedded,
                    capabilities.EngineName, capabilities.EngineVersion, capabilities.BridgeName, capabilities.BridgeVersion,
                    capabilities.RendererAvailable ? capabilities.RendererDetail : "unavailable"),
            };
            folder.WriteManifest(manifest);
            progress.Started(folder.Path, toRun.Length, kept.Count);
            using var run = new RunState(plan, folder, kept, toRun, capabilities.RendererAvailable, availability, cancel);
            string status;
            try
            {
                await Task.WhenAll(workers.Select(w => WorkAsync(w, run)));
            }
            catch (Exception e) when (e is RunAbortedException or BridgeUnreachableException)
            {
                run.Abort(e.Message);
            }
            catch (OperationCanceledException) when (run.AbortReason is not null || cancel.IsCancellationRequested)
            {
                // Aborted or interrupted: the finally below says which.
            }
            catch (Exception e)
            {
                run.Abort($"the run itself failed: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                // Last, after every record: the status says how the run ended.
                var recorded = run.Recorded();
                if (run.AbortReason is null && !cancel.IsCancellationRequested && recorded.Count < plan.Episodes.Count)
                {
                    run.Abort($"the workers stopped with {plan.Episodes.Count - recorded.Count} planned episode(s) not recorded");
                }
                if (run.AbortReason is not null) status = RunStatus.Aborted;
                else if (cancel.IsCancellationRequested && recorded.Count < plan.Episodes.Count) status = RunStatus.Interrupted;
                else status = RunSummary.FinalStatus(plan.Episodes.Count, recorded);
                manifest = manifest with
                {
                    Status = status, AbortReason = run.AbortReason, FinishedAt = DateTimeOffset.UtcNow, EpisodesRecorded = recorded.Count,
                    VerdictCounts = recorded.GroupBy(r => r.Record.Verdict).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToId(), g => g.Count()),
                };
                // The stores come from episodes.jsonl and never fail the run: their outcome goes into the manifest.
                manifest = manifest with { ResultStores = ResultStores.TryWrite(folder.Path, manifest, ScenarioFacts.Of(plan.Corpus, manifest.CorpusSha256), progress.Note) };
                folder.WriteManifest(manifest);
            }
            var ordered = run.Recorded().OrderBy(r => run.PlanIndex(r.Key)).ToArray();
            return new RunSummary(status, folder.Path, plan.Episodes.Count, ordered, run.AbortReason);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
    }

    private async Task<WorkerBridge> StartBridgeAsync(int worker, CancellationToken cancel)
    {
        try
        {
            var bridge = await bridges.StartAsync(worker, cancel);
            progress.BridgeStarted(worker, bridge.Connection.Address.ToString(), bridge.ProcessId);
            return bridge;
        }
        catch (BridgeUnreachableException e)
        {
            throw new RunAbortedException(e.Message, e);
        }
    }

    private BridgeCalls Calls(WorkerBridge bridge) => new(bridge.Connection.Client, settings.Deadlines, bridge.Connection.Address.ToString());

    private async Task WorkAsync(WorkerBridge bridge, RunState run)
    {
        try
        {
            while (run.Next(out var planned))
            {
                var record = await RunEpisodeAsync(bridge, planned, run);
                if (record.TrajectoryData is { } trajectory && run.SceneSha256(planned) is { } sceneHash)
                {
                    record = record with { TrajectoryData = trajectory.With(trajectory.Header with { SceneSha256 = sceneHash }) };
                }
                var recorded = await run.Folder.AppendAsync(record);
                var finished = run.Add(recorded);
                progress.EpisodeFinished(recorded.Record, finished, run.ToRun);
                if (record.ErrorSource == EpisodeErrorSource.Bridge)
                {
                    if (run.BridgeFailed() >= settings.MaxConsecutiveBridgeFailures)
                    {
                        run.Abort($"the bridge failed {settings.MaxConsecutiveBridgeFailures} episode(s) in a row, the last {record.Scenario} · {record.Language} · seed {record.Seed}: {record.Error}");
                    }
                }
                else
                {
                    run.BridgeAnswered();
                }
            }
        }
        catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
        {
            // Aborted or interrupted: the episode in flight is not recorded, and runs again on resume.
        }
        catch (Exception e) when (e is RunAbortedException or BridgeUnreachableException)
        {
            run.Abort(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A record that cannot be written, a fault of ours: stop every worker, and say so in the manifest.
            run.Abort($"the run itself failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<EpisodeRecord> RunEpisodeAsync(WorkerBridge bridge, PlannedEpisode planned, RunState run)
    {
        if (await run.Availability.BeforeEpisodeAsync(planned.Policy, run.Stop.Token) is { } down)
        {
            var policy = settings.Policies(planned.Policy);
            if (policy is IAsyncDisposable disposable) await disposable.DisposeAsync();
            return EpisodeRunner.NotRun(Request(planned, run, policy), down);
        }
        var record = await RunAttemptsAsync(bridge, planned, run);
        if (record.Error is not null) await run.Availability.AfterFailureAsync(planned.Policy, run.Stop.Token);
        return record;
    }

    private EpisodeRequest Request(PlannedEpisode planned, RunState run, IPolicy policy) =>
        new(planned.Scenario, run.Scene(planned), planned.Language, policy, planned.Seed, run.InitialQposNoise) { Latency = settings.Latency };

    private async Task<EpisodeRecord> RunAttemptsAsync(WorkerBridge bridge, PlannedEpisode planned, RunState run)
    {
        var attempts = new List<EpisodeAttempt>();
        var pipeline = settings.BridgeRetries <= 0
            ? ResiliencePipeline<EpisodeRecord>.Empty
            : new ResiliencePipelineBuilder<EpisodeRecord>().AddRetry(new RetryStrategyOptions<EpisodeRecord>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.ErrorSource == EpisodeErrorSource.Bridge),
                MaxRetryAttempts = settings.BridgeRetries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                OnRetry = async args =>
                {
                    // The simulation state is unknown: restore the bridge, then the episode starts again from reset.
                    var failed = args.Outcome.Result!;
                    var note = await RecoverAsync(bridge, run.Stop.Token);
                    attempts.Add(new EpisodeAttempt(failed.Error + note, failed.WallTimeS));
                    progress.Note($"{planned.Key}: attempt {args.AttemptNumber + 1} cut short by the bridge ({failed.Error}{note}); running it again from reset");
                },
            }).Build();
        var record = await pipeline.ExecuteAsync(async token =>
        {
            var runner = new EpisodeRunner(Calls(bridge), bodyModel, run.RenderFrames, Trajectories.BridgeIdentity.Of(bridge.Connection.Capabilities));
            var policy = settings.Policies(planned.Policy);
            try
            {
                return await runner.RunAsync(Request(planned, run, policy), token);
            }
            finally
            {
                // An adapter holds a connection to its policy server.
                if (policy is IAsyncDisposable disposable) await disposable.DisposeAsync();
            }
        }, run.Stop.Token);
        if (record.ErrorSource == EpisodeErrorSource.Bridge)
        {
            // Out of re-runs: the episode is an error, and the next one gets a working bridge if one can be had.
            record = record with { Error = record.Error + await RecoverAsync(bridge, run.Stop.Token) };
        }
        return record with { FailedAttempts = attempts };
    }

    private async Task<string> RecoverAsync(WorkerBridge bridge, CancellationToken cancel)
    {
        var note = await bridge.RecoverAsync(Calls(bridge), cancel);
        if (note is null) return "";
        progress.Note(note);
        progress.BridgeStarted(-1, bridge.Connection.Address.ToString(), bridge.ProcessId);
        return "; " + note;
    }

    /// <summary>The shared state of one execution: the queue, the records, the streak of bridge failures, the
    /// reason to abort.</summary>
    private sealed class RunState : IDisposable
    {
        private readonly ConcurrentQueue<PlannedEpisode> _queue;
        private readonly List<RecordedEpisode> _recorded;
        private readonly Dictionary<EpisodeKey, int> _planIndex;
        private readonly RunPlan _plan;
        private readonly Lock _lock = new();
        private int _finished;
        private int _bridgeFailuresInARow;

        public RunState(RunPlan plan, RunFolder folder, IReadOnlyList<RecordedEpisode> kept, IReadOnlyList<PlannedEpisode> toRun, bool renderFrames, PolicyAvailability availability, CancellationToken cancel)
        {
            Availability = availability;
            _plan = plan;
            Folder = folder;
            _recorded = [.. kept];
            _queue = new ConcurrentQueue<PlannedEpisode>(toRun);
            ToRun = toRun.Count;
            RenderFrames = renderFrames;
            Stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            _planIndex = plan.Episodes.ToDictionary(e => e.Key, e => e.Index);
        }

        public RunFolder Folder { get; }
        public PolicyAvailability Availability { get; }
        public int ToRun { get; }
        public bool RenderFrames { get; }
        public CancellationTokenSource Stop { get; }
        public string? AbortReason { get; private set; }

        public bool Next(out PlannedEpisode planned)
        {
            Stop.Token.ThrowIfCancellationRequested();
            return _queue.TryDequeue(out planned!);
        }

        public Domain.Scenes.SceneManifest Scene(PlannedEpisode planned) => _plan.Corpus.Scenes[planned.Scenario.SceneId];
        public double InitialQposNoise => _plan.InitialQposNoise;
        public string? SceneSha256(PlannedEpisode planned) => _plan.SceneSha256.GetValueOrDefault(planned.Scenario.SceneId);

        public int PlanIndex(EpisodeKey key) => _planIndex.TryGetValue(key, out var i) ? i : -1;

        public int Add(RecordedEpisode recorded)
        {
            lock (_lock)
            {
                _recorded.Add(recorded);
                return ++_finished;
            }
        }

        public IReadOnlyList<RecordedEpisode> Recorded()
        {
            lock (_lock) return [.. _recorded];
        }

        public int BridgeFailed() => Interlocked.Increment(ref _bridgeFailuresInARow);
        public void BridgeAnswered() => Interlocked.Exchange(ref _bridgeFailuresInARow, 0);

        public void Abort(string reason)
        {
            lock (_lock) AbortReason ??= reason;
            Stop.Cancel();
        }

        public void Dispose() => Stop.Dispose();
    }
}
