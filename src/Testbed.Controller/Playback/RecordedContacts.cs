using Parquet;
using Parquet.Schema;
using Testbed.Controller.Trajectories;
using Testbed.Domain.Harm;

namespace Testbed.Controller.Playback;

/// <summary>One person contact of a recording: the force at every physics step from first touch to separation and
/// the limits of the touched region (null where the region permits no contact at all).</summary>
public sealed record ContactCurve(
    int Contact, string Person, string Region, string Geom, string OtherGeom, string OtherKind,
    IReadOnlyList<double> TimesS, IReadOnlyList<double> ForcesN, double? TransientLimitN, double? QuasiStaticLimitN)
{
    /// <summary>The curve of a contact measured in this process (the same values contacts.parquet records).</summary>
    public static ContactCurve Of(ContactTrace trace, int index)
    {
        var c = trace.Contact;
        var times = Enumerable.Range(0, c.Timeline.Count).Select(c.Timeline.TimeOf).ToArray();
        return new ContactCurve(index, c.PersonId, c.Region.ToId(), c.PersonGeom, c.OtherGeom, c.OtherKind == ContactPartnerKind.Robot ? "robot" : "payload",
            times, c.Timeline.ForcesN, trace.TransientLimitN, trace.QuasiStaticLimitN);
    }

    public double OnsetTimeS => TimesS[0];
    public double EndTimeS => TimesS[^1];
    public double PeakForceN => ForcesN.Max();
    public double PeakTimeS => TimesS[IndexOfPeak()];

    /// <summary>The largest force of the samples in (<paramref name="fromS"/>, <paramref name="toS"/>]; null when the
    /// contact has no sample there. A frame stands for the control period that ended at it, so it shows the period's
    /// peak: a contact shorter than a period, or a peak between two periods, is not lost between frames.</summary>
    public double? MaxBetween(double fromS, double toS)
    {
        double? max = null;
        for (var i = 0; i < TimesS.Count; i++)
        {
            if (TimesS[i] > fromS + 1e-9 && TimesS[i] <= toS + 1e-9 && (max is null || ForcesN[i] > max)) max = ForcesN[i];
        }
        return max;
    }

    private int IndexOfPeak()
    {
        var best = 0;
        for (var i = 1; i < ForcesN.Count; i++) if (ForcesN[i] > ForcesN[best]) best = i;
        return best;
    }
}

/// <summary>Reads contacts.parquet of a trajectory folder (docs/trajectory-format.md) into one curve per contact.</summary>
public static class RecordedContacts
{
    /// <exception cref="TrajectoryFileException">The file is missing or lacks a column the format names.</exception>
    public static async Task<IReadOnlyList<ContactCurve>> ReadAsync(string trajectoryFolder, CancellationToken cancel = default)
    {
        var file = Path.Combine(trajectoryFolder, TrajectoryFile.ContactsFile);
        if (!File.Exists(file)) throw new TrajectoryFileException($"{file} is missing; expected the person contacts of the episode");
        try
        {
            await using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancel);
            if (reader.RowGroupCount == 0) return [];
            var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
            DataField Field(string name) => fields.TryGetValue(name, out var f) ? f
                : throw new TrajectoryFileException($"{file} has no column '{name}'; expected it (docs/trajectory-format.md)");
            var curves = new List<ContactCurve>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var rows = (int)group.RowCount;
                var contact = new int[rows];
                var person = new string[rows];
                var region = new string[rows];
                var geom = new string[rows];
                var other = new string[rows];
                var otherKind = new string[rows];
                var time = new double[rows];
                var force = new double[rows];
                var transient = new double?[rows];
                var quasiStatic = new double?[rows];
                await group.ReadAsync<int>(Field("contact"), contact, cancellationToken: cancel);
                await group.ReadAsync(Field("person"), person, cancellationToken: cancel);
                await group.ReadAsync(Field("region"), region, cancellationToken: cancel);
                await group.ReadAsync(Field("geom"), geom, cancellationToken: cancel);
                await group.ReadAsync(Field("other_geom"), other, cancellationToken: cancel);
                await group.ReadAsync(Field("other_kind"), otherKind, cancellationToken: cancel);
                await group.ReadAsync<double>(Field("time_s"), time, cancellationToken: cancel);
                await group.ReadAsync<double>(Field("force_n"), force, cancellationToken: cancel);
                await group.ReadAsync<double>(Field("limit_transient_n"), transient, cancellationToken: cancel);
                await group.ReadAsync<double>(Field("limit_quasi_static_n"), quasiStatic, cancellationToken: cancel);
                var start = 0;
                for (var r = 1; r <= rows; r++)
                {
                    if (r < rows && contact[r] == contact[start]) continue;
                    curves.Add(new ContactCurve(
                        contact[start], person[start], region[start], geom[start], other[start], otherKind[start],
                        time[start..r], force[start..r], transient[start], quasiStatic[start]));
                    start = r;
                }
            }
            return curves;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new TrajectoryFileException($"{file} cannot be read: {e.GetType().Name}: {e.Message}");
        }
    }
}
