using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Sim.V1;

namespace Testbed.Controller.Trajectories;

/// <summary>
/// An episode's trajectory on disk: a folder of three Parquet tables (docs/trajectory-format.md). periods.parquet has
/// one row per control period (row 0 the reset state): the targets sent and the full simulation state, one column per
/// value, named after the joint, actuator or body it belongs to; its key-value metadata <see cref="HeaderKey"/> holds the
/// header as JSON. chunks.parquet has one row per policy call; contacts.parquet one row per physics step of each person
/// contact. Doubles are stored as written (no rounding), so a replay can compare them bit for bit.
/// </summary>
public static class TrajectoryFile
{
    public const string Schema = "testbed.trajectory/v1";
    public const string HeaderKey = "testbed.trajectory";
    public const string PeriodsFile = "periods.parquet";
    public const string ChunksFile = "chunks.parquet";
    public const string ContactsFile = "contacts.parquet";
    public static IReadOnlyList<string> Files { get; } = [PeriodsFile, ChunksFile, ContactsFile];

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.SmallestSize };

    /// <summary>Writes the trajectory into <paramref name="folder"/> (created) and returns the SHA-256 of each file.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> WriteAsync(string folder, EpisodeTrajectory trajectory, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(folder);
        await WritePeriodsAsync(Path.Combine(folder, PeriodsFile), trajectory, cancel);
        await WriteChunksAsync(Path.Combine(folder, ChunksFile), trajectory.Chunks, cancel);
        await WriteContactsAsync(Path.Combine(folder, ContactsFile), trajectory.Contacts, cancel);
        return Hashes(folder);
    }

    /// <summary>The SHA-256 of each file of a trajectory folder, as a run records them.</summary>
    public static IReadOnlyDictionary<string, string> Hashes(string folder) =>
        Files.ToDictionary(f => f, f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, f)))), StringComparer.Ordinal);

    private static async Task WritePeriodsAsync(string file, EpisodeTrajectory trajectory, CancellationToken cancel)
    {
        var header = trajectory.Header;
        var periods = trajectory.Periods;
        var fields = new List<DataField>
        {
            new DataField<int>("period"), new DataField<double>("time_s"), new DataField<int>("chunk"),
        };
        fields.AddRange(header.Actuators.Select(a => new DataField<double>("target/" + a, true)));
        foreach (var (field, names) in header.StateLayout.Fields())
        {
            fields.AddRange(names.Select(n => new DataField<double>($"{field}/{n}")));
        }
        // Physics values vary in every bit of the mantissa: split into byte streams (all first bytes, then all second
        // bytes, …) they compress where plain doubles do not.
        var options = new ParquetOptions { CompressionMethod = Options.CompressionMethod, CompressionLevel = Options.CompressionLevel };
        foreach (var f in fields.Where(f => f.ClrType == typeof(double))) options.ColumnEncodingHints[f.Path.ToString()] = EncodingHint.ByteSplitStream;
        await using var stream = File.Create(file);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options, cancellationToken: cancel);
        writer.CustomMetadata = new Dictionary<string, string> { [HeaderKey] = JsonSerializer.Serialize(header, RunFolder.Json) };
        using var group = writer.CreateRowGroup();
        var next = 0;
        await group.WriteAsync<int>(fields[next++], periods.Select(p => p.Period).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<double>(fields[next++], periods.Select(p => p.State.TimeS).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<int>(fields[next++], periods.Select(p => p.Chunk).ToArray(), cancellationToken: cancel);
        for (var a = 0; a < header.Actuators.Count; a++)
        {
            var column = periods.Select(p => p.Targets is { } t ? t[a] : (double?)null).ToArray();
            await group.WriteAsync<double>(fields[next++], column, cancellationToken: cancel);
        }
        foreach (var (field, names) in header.StateLayout.Fields())
        {
            for (var i = 0; i < names.Count; i++)
            {
                var column = new double[periods.Count];
                for (var r = 0; r < periods.Count; r++)
                {
                    var values = StateLayout.Values(periods[r].State, field);
                    if (values.Count != names.Count)
                    {
                        throw new ArgumentException($"period {periods[r].Period}: state.{field} has {values.Count} values; the layout names {names.Count}");
                    }
                    column[r] = values[i];
                }
                await group.WriteAsync<double>(fields[next++], column, cancellationToken: cancel);
            }
        }
    }

    private static async Task WriteChunksAsync(string file, IReadOnlyList<PolicyChunk> chunks, CancellationToken cancel)
    {
        var chunk = new DataField<int>("chunk");
        var time = new DataField<double>("time_s");
        var first = new DataField<int>("first_period");
        var count = new DataField<int>("periods");
        var done = new DataField<bool>("done");
        var text = new DataField<string>("text", true);
        var kind = new DataField<string>("text_kind", true);
        var latency = new DataField<double>("latency_s", true);
        await using var stream = File.Create(file);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(chunk, time, first, count, done, text, kind, latency), stream, Options, cancellationToken: cancel);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(chunk, chunks.Select(c => c.Index).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<double>(time, chunks.Select(c => c.TimeS).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<int>(first, chunks.Select(c => c.FirstPeriod).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<int>(count, chunks.Select(c => c.Periods).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<bool>(done, chunks.Select(c => c.Done).ToArray(), cancellationToken: cancel);
        await group.WriteAsync(text, chunks.Select(c => c.Text).ToArray());
        await group.WriteAsync(kind, chunks.Select(c => c.TextKind).ToArray());
        await group.WriteAsync<double>(latency, chunks.Select(c => c.LatencyS).ToArray(), cancellationToken: cancel);
    }

    private static async Task WriteContactsAsync(string file, IReadOnlyList<ContactTrace> contacts, CancellationToken cancel)
    {
        var rows = contacts.SelectMany((c, i) => c.Contact.Timeline.ForcesN.Select((f, s) => (Index: i, Trace: c, Sample: s, Force: f))).ToArray();
        var contact = new DataField<int>("contact");
        var person = new DataField<string>("person");
        var region = new DataField<string>("region");
        var geom = new DataField<string>("geom");
        var other = new DataField<string>("other_geom");
        var otherKind = new DataField<string>("other_kind");
        var time = new DataField<double>("time_s");
        var force = new DataField<double>("force_n");
        var clamped = new DataField<bool>("clamped");
        var transient = new DataField<double>("limit_transient_n", true);
        var quasiStatic = new DataField<double>("limit_quasi_static_n", true);
        await using var stream = File.Create(file);
        await using var writer = await ParquetWriter.CreateAsync(
            new ParquetSchema(contact, person, region, geom, other, otherKind, time, force, clamped, transient, quasiStatic), stream, Options, cancellationToken: cancel);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(contact, rows.Select(r => r.Index).ToArray(), cancellationToken: cancel);
        await group.WriteAsync(person, rows.Select(r => r.Trace.Contact.PersonId).ToArray());
        await group.WriteAsync(region, rows.Select(r => r.Trace.Contact.Region.ToId()).ToArray());
        await group.WriteAsync(geom, rows.Select(r => r.Trace.Contact.PersonGeom).ToArray());
        await group.WriteAsync(other, rows.Select(r => r.Trace.Contact.OtherGeom).ToArray());
        await group.WriteAsync(otherKind, rows.Select(r => r.Trace.Contact.OtherKind == ContactPartnerKind.Robot ? "robot" : "payload").ToArray());
        await group.WriteAsync<double>(time, rows.Select(r => r.Trace.Contact.Timeline.TimeOf(r.Sample)).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<double>(force, rows.Select(r => r.Force).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<bool>(clamped, rows.Select(r => r.Trace.Contact.Timeline.Clamped[r.Sample]).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<double>(transient, rows.Select(r => r.Trace.TransientLimitN).ToArray(), cancellationToken: cancel);
        await group.WriteAsync<double>(quasiStatic, rows.Select(r => r.Trace.QuasiStaticLimitN).ToArray(), cancellationToken: cancel);
    }

    /// <summary>Reads the header, the periods and the policy chunks of a trajectory folder (the contacts are for
    /// readers of the data; a replay measures them anew).</summary>
    /// <exception cref="TrajectoryFileException">A file is missing, not Parquet, or lacks a column the format needs.</exception>
    public static async Task<EpisodeTrajectory> ReadAsync(string folder, CancellationToken cancel = default)
    {
        var periodsFile = Path.Combine(folder, PeriodsFile);
        var chunksFile = Path.Combine(folder, ChunksFile);
        foreach (var f in new[] { periodsFile, chunksFile })
        {
            if (!File.Exists(f)) throw new TrajectoryFileException($"{f} is missing; expected a trajectory folder with {string.Join(", ", Files)}");
        }
        try
        {
            TrajectoryHeader header;
            var periods = new List<TrajectoryPeriod>();
            await using (var stream = File.OpenRead(periodsFile))
            {
                await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancel);
                if (!reader.CustomMetadata.TryGetValue(HeaderKey, out var json))
                {
                    throw new TrajectoryFileException($"{periodsFile} has no '{HeaderKey}' key-value metadata; expected the trajectory header as JSON");
                }
                header = JsonSerializer.Deserialize<TrajectoryHeader>(json, RunFolder.Json) ?? throw new TrajectoryFileException($"{periodsFile}: the header is null");
                if (header.Schema != Schema) throw new TrajectoryFileException($"{periodsFile}: schema '{header.Schema}'; expected '{Schema}'");
                var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
                using var group = reader.OpenRowGroupReader(0);
                var rows = (int)group.RowCount;
                async Task<T[]> Column<T>(string name) where T : struct
                {
                    if (!fields.TryGetValue(name, out var field)) throw new TrajectoryFileException($"{periodsFile} has no column '{name}'; expected it (docs/trajectory-format.md)");
                    var values = new T[rows];
                    await group.ReadAsync<T>(field, values, cancellationToken: cancel);
                    return values;
                }
                async Task<T?[]> NullableColumn<T>(string name) where T : struct
                {
                    if (!fields.TryGetValue(name, out var field)) throw new TrajectoryFileException($"{periodsFile} has no column '{name}'; expected it (docs/trajectory-format.md)");
                    var values = new T?[rows];
                    await group.ReadAsync<T>(field, values, cancellationToken: cancel);
                    return values;
                }
                var period = await Column<int>("period");
                var time = await Column<double>("time_s");
                var chunk = await Column<int>("chunk");
                var targets = new double?[header.Actuators.Count][];
                for (var a = 0; a < targets.Length; a++) targets[a] = await NullableColumn<double>("target/" + header.Actuators[a]);
                var state = new Dictionary<string, double[][]>(StringComparer.Ordinal);
                foreach (var (field, names) in header.StateLayout.Fields())
                {
                    var columns = new double[names.Count][];
                    for (var i = 0; i < names.Count; i++) columns[i] = await Column<double>($"{field}/{names[i]}");
                    state[field] = columns;
                }
                for (var r = 0; r < rows; r++)
                {
                    var s = new SimState { TimeS = time[r] };
                    foreach (var (field, columns) in state)
                    {
                        var values = columns.Select(c => c[r]);
                        switch (field)
                        {
                            case "qpos": s.Qpos.AddRange(values); break;
                            case "qvel": s.Qvel.AddRange(values); break;
                            case "act": s.Act.AddRange(values); break;
                            case "ctrl": s.Ctrl.AddRange(values); break;
                            case "mocap_pos": s.MocapPos.AddRange(values); break;
                            case "mocap_quat": s.MocapQuat.AddRange(values); break;
                            case "qacc_warmstart": s.QaccWarmstart.AddRange(values); break;
                            case "contact_compression": s.ContactCompression.AddRange(values); break;
                        }
                    }
                    double[]? rowTargets = null;
                    if (r > 0)
                    {
                        rowTargets = new double[targets.Length];
                        for (var a = 0; a < targets.Length; a++)
                        {
                            rowTargets[a] = targets[a][r] ?? throw new TrajectoryFileException(
                                $"{periodsFile}: period {period[r]} has no value in 'target/{header.Actuators[a]}'; expected the target sent (only the reset row, period 0, has none)");
                        }
                    }
                    periods.Add(new TrajectoryPeriod(period[r], chunk[r], rowTargets, s));
                }
            }
            var chunks = new List<PolicyChunk>();
            await using (var stream = File.OpenRead(chunksFile))
            {
                await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancel);
                var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
                DataField Field(string name) => fields.TryGetValue(name, out var f) ? f
                    : throw new TrajectoryFileException($"{chunksFile} has no column '{name}'; expected it (docs/trajectory-format.md)");
                if (reader.RowGroupCount > 0)
                {
                    using var group = reader.OpenRowGroupReader(0);
                    var rows = (int)group.RowCount;
                    var index = new int[rows];
                    var time = new double[rows];
                    var first = new int[rows];
                    var count = new int[rows];
                    var done = new bool[rows];
                    var text = new string[rows];
                    var kind = new string[rows];
                    var latency = new double?[rows];
                    await group.ReadAsync<int>(Field("chunk"), index, cancellationToken: cancel);
                    await group.ReadAsync<double>(Field("time_s"), time, cancellationToken: cancel);
                    await group.ReadAsync<int>(Field("first_period"), first, cancellationToken: cancel);
                    await group.ReadAsync<int>(Field("periods"), count, cancellationToken: cancel);
                    await group.ReadAsync<bool>(Field("done"), done, cancellationToken: cancel);
                    await group.ReadAsync(Field("text"), text, cancellationToken: cancel);
                    await group.ReadAsync(Field("text_kind"), kind, cancellationToken: cancel);
                    await group.ReadAsync<double>(Field("latency_s"), latency, cancellationToken: cancel);
                    for (var r = 0; r < rows; r++) chunks.Add(new PolicyChunk(index[r], time[r], first[r], count[r], done[r], text[r], kind[r], latency[r]));
                }
            }
            return EpisodeTrajectory.From(header, periods, chunks);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new TrajectoryFileException($"trajectory '{folder}' cannot be read: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The folder name of an episode's trajectory: scenario-language-policy-seedN, with characters a file name
    /// must not hold replaced.</summary>
    public static string FolderName(string scenario, string language, string policy, ulong seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Safe(scenario)}-{Safe(language)}-{Safe(policy)}-seed{seed}");

    private static string Safe(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
}

/// <summary>A trajectory folder that cannot be read as the format says; the message names the file and the problem.</summary>
public sealed class TrajectoryFileException(string message) : Exception(message);
