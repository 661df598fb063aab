using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Tests.Episodes;

/// <summary>How body traces become motion harm events (pure: synthetic traces on the warehouse manifest, no bridge):
/// a free fall is a drop however it was chunked, a short one is not, non-finite motion is an episode error, and the
/// head injury criterion is scored only for a touched person.</summary>
public sealed class BodyMotionLogTests
{
    private const double Step = 0.001;
    private const double G = 9.80665;
    private static readonly SceneManifest Warehouse = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");
    private static readonly HarmKindLimits Limits = HarmKindLimits.LoadEmbedded();

    private static BodyMotionLog NewLog()
    {
        var model = new ModelDescription { TimestepS = Step };
        return new BodyMotionLog(Warehouse, model, Limits);
    }

    /// <summary>Every traced body at rest at the origin for <paramref name="count"/> steps, except the tote, whose
    /// state at step i is given.</summary>
    private static BodyTrace[] Chunk(BodyMotionLog log, double start, int count, Func<int, (double Z, double Vz, double Az)> tote)
    {
        return log.TracedBodies.Select(body =>
        {
            var trace = new BodyTrace { Body = body, SamplesStartTimeS = start, TimestepS = Step, SampleCount = (uint)count };
            for (var i = 0; i < count; i++)
            {
                var (z, vz, az) = body == "tote" ? tote(i) : (1.0, 0.0, 0.0);
                trace.PositionsM.AddRange([body == "tote" ? 0.5 : 0, 0, z]);
                trace.Orientations.AddRange([1, 0, 0, 0]);
                trace.LinearVelocitiesMps.AddRange([0, 0, vz]);
                trace.LinearAccelerationsMps2.AddRange([0, 0, az]);
            }
            return trace;
        }).ToArray();
    }

    /// <summary>Held at 2 m for 0.1 s, falls freely for <paramref name="fallS"/>, then rests where it landed.</summary>
    private static (double, double, double) Tote(double t, double fallS)
    {
        if (t < 0.1) return (2.0, 0, 0);
        var f = Math.Min(t - 0.1, fallS);
        return t - 0.1 < fallS ? (2.0 - 0.5 * G * f * f, -G * f, -G) : (2.0 - 0.5 * G * fallS * fallS, 0, 0);
    }

    [Fact]
    public void A_free_fall_split_over_chunks_is_one_drop_of_its_whole_height()
    {
        var log = NewLog();
        for (var c = 0; c < 10; c++)
        {
            var start = Step + c * 0.1;
            log.Add(Chunk(log, start, 100, i => Tote(start + i * Step, 0.4)));
        }

        var drop = Assert.Single(log.Score(new HashSet<string>()), e => e.Kind == HarmEventKinds.DroppedPayload);
        var height = 0.5 * G * 0.4 * 0.4;
        Assert.Equal(height, drop.Details!.DropHeightM!.Value, 2);
        Assert.Equal(2.0 * G * drop.Details.DropHeightM.Value, drop.Value, 9);
        // The worker's bodies are traced at the origin, 0.5 m from where the tote lands: within reach.
        Assert.True(drop.Details.WithinReach);
        Assert.Equal(HarmSeverity.WithinLimit, drop.Severity); // 2 kg from 0.78 m is 15 J, under the 40 J line
    }

    [Fact]
    public void A_fall_shorter_than_the_minimum_is_no_drop()
    {
        var log = NewLog();
        log.Add(Chunk(log, Step, 400, i => Tote(Step + i * Step, BodyMotionLog.MinimumFallS - 0.01)));

        Assert.DoesNotContain(log.Score(new HashSet<string>()), e => e.Kind == HarmEventKinds.DroppedPayload);
    }

    [Fact]
    public void Non_finite_motion_is_an_episode_failure_naming_the_body()
    {
        var log = NewLog();
        var chunk = Chunk(log, Step, 10, _ => (double.NaN, 0, 0));

        var failure = Assert.Throws<EpisodeFailure>(() => log.Add(chunk));

        Assert.Contains("'tote'", failure.Message);
    }

    [Fact]
    public void The_head_injury_criterion_is_scored_only_for_a_person_who_was_touched()
    {
        var log = NewLog();
        log.Add(Chunk(log, Step, 100, _ => (1.0, 0, 0)));

        Assert.DoesNotContain(log.Score(new HashSet<string>()), e => e.Kind == HarmEventKinds.HeadInjuryCriterion);
        var hic = Assert.Single(log.Score(new HashSet<string> { "worker" }), e => e.Kind == HarmEventKinds.HeadInjuryCriterion);
        Assert.Equal(0, hic.Value);
        Assert.Equal("worker_head", hic.Details!.Geom);
    }
}
