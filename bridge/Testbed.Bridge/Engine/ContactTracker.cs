namespace Testbed.Bridge.Engine;

/// <summary>One contact between a pair of geoms, from the substep it began until it ends, with the figures
/// gathered over the current action chunk and the force at each of the chunk's substeps.</summary>
public sealed class TrackedContact(int geom1, int geom2, double onsetTime, in ContactTracker.PairSample onset)
{
    public int Geom1 { get; } = geom1;
    public int Geom2 { get; } = geom2;
    public double OnsetTime { get; } = onsetTime;
    public double ApproachSpeed { get; } = onset.Approach;
    public double Stiffness { get; } = onset.Stiffness;
    public double InverseMass1 { get; } = onset.InverseMass1;
    public double InverseMass2 { get; } = onset.InverseMass2;
    public double InverseMass { get; } = onset.InverseMass;
    public double InverseMassSticking { get; } = onset.InverseMassSticking;
    /// <summary>The pair along the normal with every point it touches at onset moving together (a face or edge
    /// pressed flat); equal to <see cref="InverseMass"/> for a point contact.</summary>
    public double InverseMassPatch { get; } = onset.InverseMassPatch;
    public double InverseMassPatchSticking { get; } = onset.InverseMassPatchSticking;
    public double LastTime { get; internal set; }
    public double Timestep { get; internal set; }
    public bool Ongoing { get; internal set; } = true;

    // Over the current chunk only.
    public double PeakForce { get; internal set; }
    public double PeakTime { get; internal set; }
    public double PeakX { get; internal set; }
    public double PeakY { get; internal set; }
    public double PeakZ { get; internal set; }
    public double PeakNormalX { get; internal set; }
    public double PeakNormalY { get; internal set; }
    public double PeakNormalZ { get; internal set; }
    /// <summary>The inverse effective mass the region's spring met at the peak, where its force acted: at the force
    /// centroid of all the region's points (the point itself for a point contact), sliding and with the tangential
    /// directions held.</summary>
    public double PeakInverseMassLoaded { get; internal set; }
    public double PeakInverseMassLoadedSticking { get; internal set; }
    /// <summary>The least and greatest of <see cref="PeakInverseMassLoaded"/>'s kind from onset to the chunk's peak:
    /// apart when the force moved while it rose.</summary>
    public double RiseMinInverseMassLoaded { get; internal set; }
    public double RiseMaxInverseMassLoaded { get; internal set; }
    // Since onset, across chunks.
    internal double LeastInverseMassLoaded { get; set; } = double.PositiveInfinity;
    internal double GreatestInverseMassLoaded { get; set; } = double.NegativeInfinity;
    /// <summary>The pair's total friction force at the peak, world frame, on geom2 (<see cref="Geom1"/> &lt; <see cref="Geom2"/>).</summary>
    public double PeakFrictionX { get; internal set; }
    public double PeakFrictionY { get; internal set; }
    public double PeakFrictionZ { get; internal set; }
    public double Impulse { get; internal set; }
    public double MaxPenetration { get; internal set; }
    /// <summary>The most contact points the pair had at one physics step of this chunk (a box face touches at up to
    /// four, a capsule's side at two): a contact of several points is a patch, not the two-body model's point.</summary>
    public int MaxPoints { get; internal set; }
    /// <summary>Simulation time before the first substep of this chunk in which the pair touched.</summary>
    public double SamplesStartTime { get; internal set; }
    /// <summary>The pair's force at each substep of this chunk from <see cref="SamplesStartTime"/> on.</summary>
    public List<double> ForceSamples { get; } = [];
    internal long ChunkNumber { get; set; } = -1;

    public double Duration => LastTime + Timestep - OnsetTime;

    /// <summary>The two-body model's free-impact peak v·√(k/A) at onset; 0 when the contact is not compliant.</summary>
    public double ModelPeakForce => Model(InverseMass);

    /// <summary>The same with the effective mass of a contact that sticks (friction holds it tangentially).</summary>
    public double ModelPeakForceSticking => Model(InverseMassSticking);

    /// <summary>The model for the contact's points at onset moving together, sliding and sticking.</summary>
    public double ModelPeakForcePatch => Model(InverseMassPatch);
    public double ModelPeakForcePatchSticking => Model(InverseMassPatchSticking);

    private double Model(double inverseMass) => Stiffness > 0 && inverseMass > 0 ? Math.Max(0, ApproachSpeed) * Math.Sqrt(Stiffness / inverseMass) : 0;
}

/// <summary>Turns the contact points of each physics substep into tracked contacts per geom pair: the force of
/// a pair is the sum over its contact points (e.g. four corners of a box on a plane), its onset is the first
/// substep the pair touches, and it ends at the first substep it no longer does.</summary>
public sealed class ContactTracker
{
    private readonly Dictionary<long, TrackedContact> _active = [];
    private readonly Dictionary<long, PairSample> _substep = [];
    private readonly List<TrackedContact> _chunk = [];
    private readonly List<long> _ended = [];
    private long _chunkNumber;

    public struct PairSample
    {
        public double Force, Wx, Wy, Wz, Approach, Penetration, Sx, Sy, Sz, Nx, Ny, Nz, Fx, Fy, Fz;
        public double Stiffness, InverseMass1, InverseMass2, InverseMass, InverseMassSticking, InverseMassPatch, InverseMassPatchSticking, InverseMassLoaded, InverseMassLoadedSticking;
        public int Points;
    }

    internal void BeginChunk()
    {
        _chunkNumber++;
        _chunk.Clear();
    }

    internal void Clear()
    {
        _active.Clear();
        _chunk.Clear();
    }

    /// <param name="time">simulation time at which the contacts were detected (before the substep).</param>
    internal void Record(double time, double timestep, ReadOnlySpan<MujocoShim.ContactPoint> points)
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
            // MuJoCo's friction acts on geom2; the pair's geom2 is the higher id.
            var onSecond = p.Geom1 < p.Geom2 ? 1 : -1;
            s.Fx += onSecond * p.FrictionX;
            s.Fy += onSecond * p.FrictionY;
            s.Fz += onSecond * p.FrictionZ;
            s.Sx += p.PosX;
            s.Sy += p.PosY;
            s.Sz += p.PosZ;
            s.Points++;
            if (s.Points == 1 || p.ApproachSpeed > s.Approach)
            {
                // The fastest-closing point of the pair speaks for its onset, with its normal and masses.
                s.Approach = p.ApproachSpeed;
                (s.Nx, s.Ny, s.Nz) = p.Geom1 < p.Geom2 ? (p.NormalX, p.NormalY, p.NormalZ) : (-p.NormalX, -p.NormalY, -p.NormalZ);
                s.Stiffness = p.Stiffness;
                (s.InverseMass1, s.InverseMass2) = p.Geom1 < p.Geom2 ? (p.InverseMass1, p.InverseMass2) : (p.InverseMass2, p.InverseMass1);
                s.InverseMass = p.InverseMass;
                s.InverseMassSticking = p.InverseMassSticking;
                s.InverseMassPatch = p.InverseMassPatch;
                s.InverseMassPatchSticking = p.InverseMassPatchSticking;
                s.InverseMassLoaded = p.InverseMassLoaded;
                s.InverseMassLoadedSticking = p.InverseMassLoadedSticking;
            }
            s.Penetration = Math.Max(s.Penetration, -p.Dist);
            _substep[key] = s;
        }

        foreach (var (key, s) in _substep)
        {
            if (!_active.TryGetValue(key, out var contact))
            {
                contact = new TrackedContact((int)(key >> 32), (int)(key & 0xffffffff), time, s) { Timestep = timestep };
                _active[key] = contact;
            }
            if (contact.ChunkNumber != _chunkNumber)
            {
                contact.ChunkNumber = _chunkNumber;
                contact.PeakForce = -1;
                contact.Impulse = 0;
                contact.MaxPenetration = 0;
                contact.MaxPoints = 0;
                contact.SamplesStartTime = time;
                contact.ForceSamples.Clear();
                _chunk.Add(contact);
            }
            contact.LastTime = time;
            contact.LeastInverseMassLoaded = Math.Min(contact.LeastInverseMassLoaded, s.InverseMassLoaded);
            contact.GreatestInverseMassLoaded = Math.Max(contact.GreatestInverseMassLoaded, s.InverseMassLoaded);
            contact.ForceSamples.Add(s.Force);
            contact.Impulse += s.Force * timestep;
            contact.MaxPenetration = Math.Max(contact.MaxPenetration, s.Penetration);
            contact.MaxPoints = Math.Max(contact.MaxPoints, s.Points);
            if (s.Force > contact.PeakForce)
            {
                contact.PeakForce = s.Force;
                contact.PeakTime = time;
                // Force-weighted point; a pair touching with zero force falls back to the mean point.
                var (x, y, z) = s.Force > 0 ? (s.Wx / s.Force, s.Wy / s.Force, s.Wz / s.Force) : (s.Sx / s.Points, s.Sy / s.Points, s.Sz / s.Points);
                contact.PeakX = x;
                contact.PeakY = y;
                contact.PeakZ = z;
                contact.PeakNormalX = s.Nx;
                contact.PeakNormalY = s.Ny;
                contact.PeakNormalZ = s.Nz;
                contact.PeakInverseMassLoaded = s.InverseMassLoaded;
                contact.PeakInverseMassLoadedSticking = s.InverseMassLoadedSticking;
                (contact.RiseMinInverseMassLoaded, contact.RiseMaxInverseMassLoaded) = (contact.LeastInverseMassLoaded, contact.GreatestInverseMassLoaded);
                (contact.PeakFrictionX, contact.PeakFrictionY, contact.PeakFrictionZ) = (s.Fx, s.Fy, s.Fz);
            }
        }

        _ended.Clear();
        foreach (var (key, contact) in _active)
        {
            if (!_substep.ContainsKey(key))
            {
                contact.Ongoing = false;
                _ended.Add(key);
            }
        }
        foreach (var key in _ended) _active.Remove(key);
    }

    public IReadOnlyList<TrackedContact> ChunkContacts => _chunk;

    private static long Key(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
}
