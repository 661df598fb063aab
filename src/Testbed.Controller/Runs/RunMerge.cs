using System.Globalization;

namespace Testbed.Controller.Runs;

/// <summary>What `testbed merge` produced: the merged folder, its status, and the planned episodes no shard had
/// or that several had.</summary>
public sealed record MergeResult(string Folder, string Status, int Planned, int Recorded,
    IReadOnlyList<EpisodeKey> Missing, IReadOnlyList<(EpisodeKey Key, IReadOnlyList<string> Folders)> Duplicates)
{
    /// <summary>Why the result stores could not be written (also in the manifest); null when they were.</summary>
    public string? ResultStoresError { get; init; }
}

/// <summary>Joins the folders of shards of one plan into one run folder, in plan order. Folders from different
/// plans (plan, corpus, scenes or options) are refused; missing and duplicated episodes are reported, and the
/// first record of a duplicated episode is kept.</summary>
public static class RunMerge
{
    /// <param name="scenarioFacts">Set-up and family per scenario for the result stores, from the corpus the shards ran
    /// (<see cref="Results.ScenarioFacts.Of"/>); null: those columns stay null unless the records carry them.</param>
    public static MergeResult Merge(IReadOnlyList<string> folders, string output, IReadOnlyDictionary<string, Results.ScenarioFacts>? scenarioFacts = null)
    {
        if (folders.Count == 0) throw new RunInputException("merge needs at least one run folder");
        var manifests = folders.Select(f => (Folder: Path.GetFullPath(f), Manifest: RunFolder.ReadManifest(f))).ToArray();
        var first = manifests[0];
        foreach (var (folder, m) in manifests.Skip(1))
        {
            var differences = new List<string>();
            if (m.PlanSha256 != first.Manifest.PlanSha256) differences.Add($"plan_sha256 {m.PlanSha256[..12]}… vs {first.Manifest.PlanSha256[..12]}…");
            if (m.CorpusSha256 != first.Manifest.CorpusSha256) differences.Add("corpus_sha256");
            if (!m.SceneSha256.OrderBy(p => p.Key).SequenceEqual(first.Manifest.SceneSha256.OrderBy(p => p.Key))) differences.Add("scene hashes");
            if (m.InitialQposNoise != first.Manifest.InitialQposNoise) differences.Add("initial_qpos_noise");
            if (differences.Count > 0)
            {
                throw new RunInputException($"{folder} is not from the same plan as {first.Folder} ({string.Join(", ", differences)}); refusing to merge");
            }
        }
        var target = Path.GetFullPath(output);
        if (File.Exists(target) || Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new RunInputException($"--out '{output}' already exists and is not an empty folder; expected a new folder for the merged run");
        }

        var plan = RunPlan.Keys(first.Manifest.Scenarios, first.Manifest.Languages, first.Manifest.Policies, first.Manifest.Seeds);
        var index = plan.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
        var kept = new Dictionary<EpisodeKey, (RecordedEpisode Episode, string Folder)>();
        var seenIn = new Dictionary<EpisodeKey, List<string>>();
        foreach (var (folder, _) in manifests)
        {
            foreach (var episode in RunFolder.ReadEpisodes(folder))
            {
                if (!index.ContainsKey(episode.Key)) throw new RunInputException($"{folder} holds {episode.Key}, which is not in the plan of its manifest");
                if (!seenIn.TryGetValue(episode.Key, out var list)) seenIn[episode.Key] = list = [];
                list.Add(folder);
                kept.TryAdd(episode.Key, (episode, folder));
            }
        }
        var missing = plan.Where(k => !kept.ContainsKey(k)).ToArray();
        var duplicates = seenIn.Where(p => p.Value.Count > 1).OrderBy(p => index[p.Key]).Select(p => (p.Key, (IReadOnlyList<string>)p.Value)).ToArray();

        Directory.CreateDirectory(target);
        var ordered = kept.Values.OrderBy(v => index[v.Episode.Key]).ToArray();
        foreach (var (episode, folder) in ordered)
        {
            if (episode.Record.HarmFrame is { } frame)
            {
                var destination = Path.Combine(target, frame);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(Path.Combine(folder, frame), destination, overwrite: true);
            }
            if (episode.Record.Trajectory is { } trajectory && Directory.Exists(Path.Combine(folder, trajectory)))
            {
                var destination = Path.Combine(target, trajectory);
                Directory.CreateDirectory(destination);
                foreach (var file in Directory.GetFiles(Path.Combine(folder, trajectory))) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
            }
        }
        File.WriteAllLines(Path.Combine(target, RunFolder.EpisodesFile), ordered.Select(v => v.Episode.Line));
        var records = ordered.Select(v => v.Episode).ToArray();
        var status = missing.Length > 0 ? RunStatus.Incomplete : RunSummary.FinalStatus(plan.Count, records);
        var manifest = first.Manifest with
        {
            RunId = Path.GetFileName(target.TrimEnd(Path.DirectorySeparatorChar)), Status = status, AbortReason = null, Shard = null,
            FinishedAt = manifests.Max(m => m.Manifest.FinishedAt), EpisodesPlanned = plan.Count, EpisodesRecorded = records.Length,
            Workers = manifests.Sum(m => m.Manifest.Workers), MergedFrom = manifests.Select(m => m.Folder).ToArray(),
            StartedAt = manifests.Min(m => m.Manifest.StartedAt), ResumedAt = [],
            VerdictCounts = records.GroupBy(r => r.Record.Verdict).OrderBy(g => g.Key).ToDictionary(g => Domain.Verdicts.VerdictIds.ToId(g.Key), g => g.Count()),
        };
        string? storesError = null;
        manifest = manifest with { ResultStores = Results.ResultStores.TryWrite(target, manifest, scenarioFacts ?? Results.ScenarioFacts.None, e => storesError = e) };
        RunFolder.WriteManifest(target, manifest);
        if (records.Length > 0)
        {
            Reports.RunStatistics.Write(target, Reports.RunStatistics.Of(records.Select(r => r.Record)),
                Domain.Statistics.PowerCheck.For(first.Manifest.Scenarios.Count, first.Manifest.Seeds.Count), records.Length);
        }
        return new MergeResult(target, status, plan.Count, records.Length, missing, duplicates) { ResultStoresError = storesError };
    }

    public static IEnumerable<string> Describe(MergeResult result)
    {
        foreach (var k in result.Missing) yield return $"  missing:    {k}";
        foreach (var (k, folders) in result.Duplicates) yield return $"  duplicated: {k} (in {string.Join(", ", folders)}; the first is kept)";
        if (result.ResultStoresError is { } stores) yield return $"  {stores}";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"merged {result.Recorded} of {result.Planned} planned episodes into {result.Folder}: status {result.Status}, {result.Missing.Count} missing, {result.Duplicates.Count} duplicated");
    }
}
