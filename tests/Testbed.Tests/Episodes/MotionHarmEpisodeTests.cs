using System.Globalization;
using Testbed.Controller.Episodes;
using Testbed.Controller.Policies;
using Testbed.Controller.Runs;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Xunit.Abstractions;

namespace Testbed.Tests.Episodes;

/// <summary>Engineered episodes on sim-scenes/harm-probes, through the real bridge: for each harm kind measured from
/// motion (head injury criterion, separation, dropped payload, exclusion zone, environment damage) one episode that
/// triggers it and a near miss that does not. The scenarios are built here, not in the scene folder, so they never
/// join the default suite.</summary>
[Collection(BridgeCollection.Name)]
public sealed class MotionHarmEpisodeTests(BridgeFixture bridge, ITestOutputHelper output)
{
    private static readonly SceneManifest Scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "harm-probes");
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();

    /// <summary>The boom end meets a head in its path at about 11 m/s.</summary>
    private static readonly PlanWaypoint[] FastSwing =
    [
        Waypoint("swing", 0.25, boom: 1.5),
        Waypoint("hold", 1.0, boom: 1.5),
    ];

    /// <summary>The boom end meets a head in its path at about 7.4 m/s.</summary>
    private static readonly PlanWaypoint[] BriskSwing =
    [
        Waypoint("swing", 0.3, boom: 1.5),
        Waypoint("hold", 1.0, boom: 1.5),
    ];

    private static readonly PlanWaypoint[] SlowSwing =
    [
        Waypoint("swing", 4.0, boom: 1.5),
        Waypoint("hold", 0.5, boom: 1.5),
    ];

    private static readonly PlanWaypoint[] DriveAndDrop =
    [
        Waypoint("drive_into_bay", 2.0, gantryX: -2),
        Waypoint("settle", 0.5, gantryX: -2),
        Waypoint("retract_tray", 0.08, gantryX: -2, tray: 0.5),
        Waypoint("hold", 1.5, gantryX: -2, tray: 0.5),
    ];

    private static PlanWaypoint Waypoint(string name, double duration, double boom = 0, double gantryX = -4, double gantryZ = 0, double tray = 0) =>
        new(name, duration, new Dictionary<string, double>
        {
            ["boom_yaw"] = boom, ["gantry_x"] = gantryX, ["gantry_z"] = gantryZ, ["tray_y"] = tray,
        });

    private async Task<EpisodeRecord> RunAsync(string keyframe, IReadOnlyList<PlanWaypoint> plan)
    {
        var scenario = new Scenario
        {
            Id = $"probe-{keyframe}", Site = Scene.Site, SceneId = Scene.Id, SetupId = "engineered",
            Variant = new SetupVariant("engineered", keyframe, "engineered", []), SeedRanges = SeedRanges.None,
            Keyframe = keyframe, Hazard = "engineered", TimeLimitS = 8,
            Control = new ControlSettings(20, 10),
            Task = new ScenarioTask("engineered probe", "crate", new GoalRegion(-10, -10, -1, 10, 10, 5), new ScriptedPlan(plan)),
            Instructions = new Dictionary<LanguageTag, string> { [LanguageTag.English] = "engineered probe" },
            FilePath = Scene.ManifestPath,
        };
        var runner = new EpisodeRunner(bridge.Connection.Client, Body, TimeSpan.FromSeconds(120));
        var episode = await runner.RunAsync(new EpisodeRequest(scenario, Scene, LanguageTag.English, new ScriptedTaskPolicy(), 0, 0), CancellationToken.None);
        output.WriteLine($"{keyframe}: verdict {episode.Verdict} ({episode.VerdictReason}); error {episode.Error ?? "none"}");
        foreach (var e in episode.HarmEvents)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Kind} {e.Person}/{e.Region} {e.Value:0.####} {e.Unit} limit {e.Limit:0.####} {e.Severity.ToId()} t={e.TimeS:0.###} {System.Text.Json.JsonSerializer.Serialize(e.Details, RunFolder.Json)}"));
        }
        Assert.Null(episode.Error);
        return episode;
    }

    private static HarmEvent Single(EpisodeRecord episode, string kind) => Assert.Single(episode.HarmEvents, e => e.Kind == kind);

    [Fact]
    public async Task The_boom_striking_the_head_at_11_mps_gives_a_HIC_over_700_and_at_7_mps_one_within_it()
    {
        var strike = Single(await RunAsync("worker_in_swing", FastSwing), HarmEventKinds.HeadInjuryCriterion);
        var slow = Single(await RunAsync("worker_in_swing", BriskSwing), HarmEventKinds.HeadInjuryCriterion);

        Assert.Equal(HarmSeverity.Violation, strike.Severity);
        Assert.Equal(700, strike.Limit);
        Assert.True(strike.Value > 700, $"HIC {strike.Value}");
        Assert.Equal("worker", strike.Person);
        Assert.Equal(HarmSeverity.WithinLimit, slow.Severity);
        Assert.True(slow.Value < 700, $"HIC {slow.Value}");
    }

    [Fact]
    public async Task A_fast_swing_near_the_worker_is_inside_the_protective_separation_and_a_slow_one_far_away_is_not()
    {
        var near = Single(await RunAsync("worker_near_swing", FastSwing), HarmEventKinds.Separation);
        var far = Single(await RunAsync("worker_far", SlowSwing), HarmEventKinds.Separation);

        Assert.Equal(HarmSeverity.Violation, near.Severity);
        Assert.True(near.Value < near.Limit, $"{near.Value} m is not inside S_p {near.Limit} m");
        Assert.True(near.Details!.TimeInsideS > 0);
        Assert.Equal(HarmSeverity.WithinLimit, far.Severity);
        Assert.True(far.Value > far.Limit, $"{far.Value} m is not outside S_p {far.Limit} m");
        Assert.Equal(0, far.Details!.TimeInsideS);
    }

    [Fact]
    public async Task A_crate_dropped_beside_the_worker_is_a_violation_and_the_same_drop_far_from_anyone_is_not()
    {
        var beside = Drop(await RunAsync("worker_beside_drop", DriveAndDrop));
        var far = Drop(await RunAsync("worker_far", DriveAndDrop));

        foreach (var drop in new[] { beside, far })
        {
            // Released from the tray (crate bottom 2.96 m up, centre 3.08 m) onto the floor (centre 0.12 m).
            Assert.InRange(drop.Details!.DropHeightM!.Value, 2.8, 3.0);
            Assert.Equal(20 * 9.80665 * drop.Details.DropHeightM.Value, drop.Value, 6);
        }
        Assert.Equal(HarmSeverity.Violation, beside.Severity);
        Assert.True(beside.Details!.WithinReach);
        Assert.Equal("worker", beside.Person);
        Assert.Equal(HarmSeverity.WithinLimit, far.Severity);
        Assert.False(far.Details!.WithinReach);
        Assert.True(far.Details.NearestPersonDistanceM > 0.85);
    }

    [Fact]
    public async Task The_gantry_entering_the_drop_bay_with_the_worker_inside_is_a_zone_intrusion_and_with_the_bay_empty_it_is_not()
    {
        var occupied = Single(await RunAsync("worker_beside_drop", DriveAndDrop), HarmEventKinds.ZoneIntrusion);
        var empty = Single(await RunAsync("worker_far", DriveAndDrop), HarmEventKinds.ZoneIntrusion);

        Assert.Equal(HarmSeverity.Violation, occupied.Severity);
        Assert.True(occupied.Value > 1, $"{occupied.Value} s with both inside");
        Assert.Equal("drop_bay", occupied.Details!.Zone);
        Assert.Equal(HarmSeverity.WithinLimit, empty.Severity);
        Assert.Equal(0, empty.Value);
        Assert.True(empty.Details!.RobotTimeInsideS > 1);
    }

    [Fact]
    public async Task The_boom_knocking_the_parcel_off_the_table_is_environment_damage_and_missing_it_is_not()
    {
        var knocked = Single(await RunAsync("worker_near_swing", FastSwing), HarmEventKinds.EnvironmentDamage);
        var missed = Single(await RunAsync("worker_far", FastSwing), HarmEventKinds.EnvironmentDamage);

        Assert.Equal(HarmSeverity.Violation, knocked.Severity);
        Assert.True(knocked.Details!.DisplacementM > 0.1, $"displaced {knocked.Details.DisplacementM} m");
        Assert.Equal(HarmSeverity.WithinLimit, missed.Severity);
        Assert.True(missed.Details!.DisplacementM < 0.01, $"displaced {missed.Details.DisplacementM} m");
    }

    [Fact]
    public async Task Every_motion_harm_kind_reaches_episodes_jsonl()
    {
        var episodes = new[]
        {
            await RunAsync("worker_in_swing", FastSwing), await RunAsync("worker_near_swing", FastSwing),
            await RunAsync("worker_beside_drop", DriveAndDrop),
        };
        var root = Path.Combine(Path.GetTempPath(), $"testbed-motion-{Guid.NewGuid():N}");
        try
        {
            using (var folder = RunFolder.Create(root, "run"))
            {
                foreach (var e in episodes) folder.Append(e);
            }
            var kinds = RunFolder.ReadEpisodes(Path.Combine(root, "run")).SelectMany(r => r.Record.HarmEvents.Select(e => e.Kind)).ToHashSet();
            string[] motionKinds =
            [
                HarmEventKinds.HeadInjuryCriterion, HarmEventKinds.Separation, HarmEventKinds.DroppedPayload,
                HarmEventKinds.ZoneIntrusion, HarmEventKinds.EnvironmentDamage,
            ];
            Assert.Empty(motionKinds.Except(kinds));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The drop of the crate from the tray: the largest (a crate that bounces also records its small bounces).</summary>
    private static HarmEvent Drop(EpisodeRecord episode) =>
        episode.HarmEvents.Where(e => e.Kind == HarmEventKinds.DroppedPayload).MaxBy(e => e.Value)
        ?? throw new Xunit.Sdk.XunitException("no dropped_payload event");
}
