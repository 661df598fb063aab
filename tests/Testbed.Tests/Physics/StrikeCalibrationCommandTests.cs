namespace Testbed.Tests.Physics;

/// <summary>`testbed scenes calibrate`: the strike calibration of one scene, strike by strike, as the table the scene
/// READMEs carry; bad input named before any strike runs.</summary>
public sealed class StrikeCalibrationCommandTests
{
    [Fact]
    public async Task An_unknown_shape_or_region_or_a_scene_without_a_plan_exits_2_naming_it_and_what_was_expected()
    {
        var (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "warehouse", "--shape", "elbow at 61 degrees");
        Assert.Equal(2, exit);
        Assert.Contains("--shape: 'elbow at 61 degrees' is not an arm shape of warehouse/strike-plan.json; expected one of: 'elbow at 60 degrees'", stderr);

        (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "warehouse", "--region", "worker_nose");
        Assert.Equal(2, exit);
        Assert.Contains("--region: 'worker_nose' is not a region geom of a person in warehouse; expected one of: ", stderr);
        Assert.Contains("worker_pelvis", stderr);

        // A shape's name is taken whole, commas and all.
        (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "mining", "--shape", "stick down 80 degrees, hammer levelled");
        Assert.Equal(2, exit);
        Assert.Contains("--shape: 'stick down 80 degrees, hammer levelled' is not an arm shape of mining/strike-plan.json", stderr);

        (exit, _, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "harm-probes");
        Assert.Equal(2, exit);
        Assert.Contains("scene 'harm-probes' has no strike-plan.json", stderr);
    }

    [Fact]
    public async Task One_region_in_one_shape_prints_each_strike_as_it_goes_and_writes_the_table()
    {
        var table = Path.Combine(Path.GetTempPath(), $"testbed-calibration-{Guid.NewGuid():N}.md");
        try
        {
            var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "warehouse", "--region", "worker_pelvis", "--shape", "wrist bent up", "--table", table);

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Contains("[1/2] worker_pelvis (pelvis), wrist bent up, 0.3 m/s: struck by arm_", stderr);
            Assert.Contains("[2/2] worker_pelvis (pelvis), wrist bent up, 1 m/s: struck by arm_", stderr);
            var lines = File.ReadAllLines(table);
            Assert.Contains("| worker_pelvis | 2 | 1 of 1 | 0.3, 1 | yes |", lines);
            var rows = lines.Where(l => l.StartsWith("| worker_pelvis | pelvis |", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.StartsWith("| worker_pelvis | pelvis | wrist bent up | arm_", r));
            Assert.All(rows, r => Assert.EndsWith("| yes |", r));
            Assert.Contains("2 strikes measured on 1 region geoms; 2 within ±5 %", stdout);
        }
        finally
        {
            File.Delete(table);
        }
    }

    [Fact]
    public async Task A_region_no_placement_strikes_cleanly_fails_the_gate_by_name()
    {
        // With the wrist bent down the suction cup meets a hand at points whose force moves while it rises, in every
        // heading and at both heights (measured 2026-11-30); the pelvis is struck cleanly in the same shape.
        var (exit, stdout, stderr) = await TestbedProgram.RunAsync("scenes", "calibrate", "warehouse", "--region", "worker_pelvis,worker_hand_l", "--shape", "wrist bent down");

        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("| worker_pelvis | 2 | 1 of 1 | 0.3, 1 | yes |", stdout);
        Assert.Contains("| worker_hand_l | 0 | 0 of 1 | none | no |", stdout);
        Assert.Contains("strike calibration: worker_hand_l: not struck cleanly in any arm shape or at any speed", stderr);
        Assert.DoesNotContain("strike calibration: worker_pelvis", stderr);
    }
}
