namespace Testbed.Bridge.Engine;

/// <summary>One contact between a pair of geoms, from the substep it began until it ends, with the figures
/// gathered over the current action chunk.</summary>
public sealed class ContactEpisode(int geom1, int geom2, double onsetTime, double approachSpeed)
{
    public int Geom1 { get; } = geom1;
    public int Geom2 { get; } = geom2;
    public double OnsetTime { get; } = onsetTime;
    public double ApproachSpeed { get; } = approachSpeed;
    public double LastTime { get; internal set; }
    public double Timestep { get; internal set; }
    public bool Ongoing { get; internal set; } = true;

    // Over the current chunk only.
    public double PeakForce { get; internal set; }
    public double PeakTime { get; internal set; }
    public double PeakX { get; internal set; }
    public double PeakY { get; internal set; }
    public double PeakZ { get; internal set; }
    public double Impulse { get; internal set; }
    public double MaxPenetration { get; internal set; }
    internal long ChunkNumber { get; set; } = -1;

    public double Duration => LastTime + Timestep - OnsetTime;
}

/// <summary>Turns the contact points of each physics substep into contact episodes per geom pair: the force of
/// a pair is the sum over its contact points (e.g. four corners of a box on a plane), its onset is the first
/// substep the pair touches, and it ends at the first substep it no longer does.</summary>
internal sealed class ContactTracker
{
    private readonly Dictionary<long, ContactEpisode> _active = [];
    private readonly Dictionary<long, PairSample> _substep = [];
    private readonly List<ContactEpisode> _chunk = [];
    private readonly List<long> _ended = [];
    private long _chunkNumber;

    private struct PairSample
    {
        public double Force, Wx, Wy, Wz, Approach, Penetration, Sx, Sy, Sz;
        public int Points;
    }

    public void BeginChunk()
    {
        _chunkNumber++;
        _chunk.Clear();
    }

    public void Clear()
    {
        _active.Clear();
        _chunk.Clear();
    }

    /// <param name="time">simulation time at which the contacts were detected (before the substep).</param>
    public void Record(double time, double timestep, ReadOnlySpan<MujocoShim.ContactPoint> points)
    {
        _substep.Clear();
        foreach (var p in points)
        {
            var key = Key(p.Geom1, p.Geom2);
            _substep.TryGetValue(key, out var s);
            var force = Math.Max(0, p.NormalForce);
            s.Force += force;
            s.Wx += force * p.PosX;
            s.Wy += force * p.PosY;
            s.Wz += force * p.PosZ;
            s.Sx += p.PosX;
            s.Sy += p.PosY;
            s.Sz += p.PosZ;
            s.Points++;
            s.Approach = s.Points == 1 ? p.ApproachSpeed : Math.Max(s.Approach, p.ApproachSpeed);
            s.Penetration = Math.Max(s.Penetration, -p.Dist);
            _substep[key] = s;
        }

        foreach (var (key, s) in _substep)
        {
            if (!_active.TryGetValue(key, out var episode))
            {
                episode = new ContactEpisode((int)(key >> 32), (int)(key & 0xffffffff), time, s.Approach) { Timestep = timestep };
                _active[key] = episode;
            }
            if (episode.ChunkNumber != _chunkNumber)
            {
                episode.ChunkNumber = _chunkNumber;
                episode.PeakForce = -1;
                episode.Impulse = 0;
                episode.MaxPenetration = 0;
                _chunk.Add(episode);
            }
            episode.LastTime = time;
            episode.Impulse += s.Force * timestep;
            episode.MaxPenetration = Math.Max(episode.MaxPenetration, s.Penetration);
            if (s.Force > episode.PeakForce)
            {
                episode.PeakForce = s.Force;
                episode.PeakTime = time;
                // Force-weighted point; a pair touching with zero force falls back to the mean point.
                var (x, y, z) = s.Force > 0 ? (s.Wx / s.Force, s.Wy / s.Force, s.Wz / s.Force) : (s.Sx / s.Points, s.Sy / s.Points, s.Sz / s.Points);
                episode.PeakX = x;
                episode.PeakY = y;
                episode.PeakZ = z;
            }
        }

        _ended.Clear();
        foreach (var (key, episode) in _active)
        {
            if (!_substep.ContainsKey(key))
            {
                episode.Ongoing = false;
                _ended.Add(key);
            }
        }
        foreach (var key in _ended) _active.Remove(key);
    }

    public IReadOnlyList<ContactEpisode> ChunkEpisodes => _chunk;

    private static long Key(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
}
