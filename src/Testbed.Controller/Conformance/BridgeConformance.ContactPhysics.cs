using System.Globalization;
using Testbed.Sim.V1;

namespace Testbed.Controller.Conformance;

/// <summary>Contact physics: a bridge must make a compliant geom behave as a linear spring between the true masses
/// that meet at the contact (the ISO/TS 15066 two-body model), for light and heavy strikers alike, and must not pass
/// a push through the contact instantly. Scene: conformance/contact-strike.xml (its header lists the lanes).</summary>
public sealed partial class BridgeConformance
{
    private const string Strike = "conformance/contact-strike.xml";
    private const double ImpactTolerance = 0.05;

    private sealed record StrikeLane(string Name, double StrikerKg, double TargetKg, double StiffnessNPerM)
    {
        public double ReducedMassKg => StrikerKg * TargetKg / (StrikerKg + TargetKg);
        public double ModelPeakN(double speed) => speed * Math.Sqrt(StiffnessNPerM * ReducedMassKg);
    }

    private static readonly StrikeLane[] Lanes =
    [
        new("chest_1kg", 1, 40, 25_000), new("chest_7kg", 7, 40, 25_000), new("chest_20kg", 20, 40, 25_000),
        new("hand_3kg", 3, 0.6, 75_000), new("skull_1kg", 1, 4.4, 150_000),
        // Box on box: MuJoCo 2.2.2 reports half a face's penetration, so a bridge that springs on the collider's depth
        // reads 0.71 of the model here.
        new("box_2kg", 2, 10, 25_000),
    ];

    private const double PushStiffnessNPerM = 25_000;

    private static OpenSessionRequest CompliantOpen(string mjcf, string geom, string impactBody, double stiffness = 25_000)
    {
        var request = new OpenSessionRequest { MjcfPath = mjcf };
        request.CompliantGeoms.Add(new CompliantGeom { Geom = geom, StiffnessNPerM = stiffness });
        request.ImpactBodies.Add(impactBody);
        return request;
    }

    private async Task<OpenedSession> OpenStrikeAsync()
    {
        var request = new OpenSessionRequest { MjcfPath = Strike };
        foreach (var lane in Lanes)
        {
            request.CompliantGeoms.Add(new CompliantGeom { Geom = lane.Name + "_target", StiffnessNPerM = lane.StiffnessNPerM });
            request.ImpactBodies.Add(lane.Name + "_striker");
            request.WatchedBodies.Add(lane.Name + "_target");
        }
        request.CompliantGeoms.Add(new CompliantGeom { Geom = "push_target", StiffnessNPerM = PushStiffnessNPerM });
        request.ImpactBodies.Add("push_striker");
        request.WatchedBodies.Add("push_target");
        request.CompliantGeoms.Add(new CompliantGeom { Geom = "clamp_target", StiffnessNPerM = PushStiffnessNPerM });
        request.ImpactBodies.Add("clamp_striker");
        request.WatchedBodies.Add("clamp_target");
        request.CompliantGeoms.Add(new CompliantGeom { Geom = "press_target", StiffnessNPerM = PushStiffnessNPerM });
        request.ImpactBodies.Add("press_striker");
        request.WatchedBodies.Add("press_target");
        var response = await _bridge.OpenSessionAsync(request);
        return new OpenedSession(_bridge, response.SessionId, response.Model);
    }

    private async Task<string> FreeImpactAsync()
    {
        await using var session = await OpenStrikeAsync();
        var results = new List<string>();
        foreach (var speed in new[] { 0.3, 1.0 })
        {
            var reset = await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id });
            var state = reset.State;
            foreach (var lane in Lanes) state.Qvel[Array.IndexOf(session.Model.JointNames.ToArray(), lane.Name + "_striker_x")] = speed;
            await _bridge.SetStateAsync(new SetStateRequest { SessionId = session.Id, State = state });
            var steps = (uint)Math.Round(0.6 / session.Model.TimestepS);
            var step = await _bridge.StepAsync(Chunk(session.Id, [[]], [], substeps: steps));
            foreach (var lane in Lanes)
            {
                var contact = step.Contacts.Where(c => c.Geom1.StartsWith(lane.Name, StringComparison.Ordinal)).ToArray();
                Require(contact.Length == 1, $"{lane.Name} at {speed} m/s: {contact.Length} contact records; expected one impact");
                var c = contact[0];
                var model = lane.ModelPeakN(speed);
                var ratio = c.PeakNormalForceN / model;
                Require(Math.Abs(ratio - 1) <= ImpactTolerance, Invariant(
                    $"{lane.Name} ({lane.StrikerKg} kg on {lane.TargetKg} kg, {lane.StiffnessNPerM / 1000} N/mm) at {speed} m/s: peak {c.PeakNormalForceN:0.0} N; the two-body model gives {model:0.0} N (ratio {ratio:0.000}, limit ±{ImpactTolerance:P0})"));
                var reported = c.ModelPeakForceN / model;
                Require(Math.Abs(reported - 1) <= 0.02, Invariant(
                    $"{lane.Name} at {speed} m/s: model_peak_force_n {c.ModelPeakForceN:0.0} N; expected {model:0.0} N from the lane's masses within 2 % (the reported effective masses or approach speed are wrong)"));
                results.Add(Invariant($"{lane.Name}@{speed}: {ratio:0.000}"));
            }
        }
        return "peak ÷ v·√(kμ): " + string.Join(", ", results);
    }

    private async Task<string> PushAsync()
    {
        const double force = 200;
        await using var session = await OpenStrikeAsync();
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id });
        var steps = (uint)Math.Round(0.02 / session.Model.TimestepS);
        var periods = Enumerable.Repeat(new[] { force }, 75).ToArray();
        var step = await _bridge.StepAsync(Chunk(session.Id, periods, ["push"], substeps: steps));
        var push = step.Contacts.Where(c => c.Geom1 == "push_target" || c.Geom2 == "push_target").ToArray();
        Require(push.Length == 1, $"{push.Length} contact records on push_target; expected one sustained contact");
        var samples = push[0].ForceSamplesN;
        Require(samples.Count > 100, $"{samples.Count} force samples; expected one per physics step of the contact");
        var settled = samples[^1];
        var error = Math.Abs(settled - force) / force;
        Require(error <= 0.05, Invariant($"the push settles at {settled:0.0} N; expected the motor's {force} N within 5 % (error {error:P1})"));
        var largestStep = samples.Zip(samples.Skip(1), (a, b) => Math.Abs(b - a)).Max();
        Require(largestStep <= 0.05 * force, Invariant(
            $"the force jumps by {largestStep:0.0} N in one physics step; expected at most {0.05 * force:0.0} N (5 % of the push): the push passes through the contact instantly"));
        var penetration = push[0].MaxPenetrationM;
        var expectedPenetration = force / PushStiffnessNPerM;
        return Invariant($"settles at {settled:0.0} N for a {force} N push (error {error:P2}), largest step {largestStep:0.00} N, penetration {penetration * 1000:0.00} mm (F/k = {expectedPenetration * 1000:0.00} mm)");
    }

    /// <summary>A region pressed against the environment (a hand on a table, a chest against a wall) is clamped: the
    /// striker's contact must read the motor's push, and the wall's contact must carry it back, each within 5 %, with no
    /// jump. The wall is environment, not an impact body, so its contact keeps the scene's own law; a bridge that made it
    /// a second spring, or reported only the striker's side, or let the target through the wall, fails.</summary>
    private async Task<string> ClampAsync()
    {
        const double force = 200;
        await using var session = await OpenStrikeAsync();
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id });
        var steps = (uint)Math.Round(0.02 / session.Model.TimestepS);
        var step = await _bridge.StepAsync(Chunk(session.Id, Enumerable.Repeat(new[] { force }, 75).ToArray(), ["clamp"], substeps: steps));
        double Settled(string other, string what)
        {
            var contact = step.Contacts.Where(c => (c.Geom1 == "clamp_target" && c.Geom2 == other) || (c.Geom2 == "clamp_target" && c.Geom1 == other)).ToArray();
            Require(contact.Length == 1, $"{contact.Length} contact records between clamp_target and {other}; expected one sustained contact ({what})");
            Require(contact[0].Ongoing, $"clamp_target and {other} parted before the end; expected {what} to hold");
            var samples = contact[0].ForceSamplesN;
            var settled = samples[^1];
            Require(Math.Abs(settled - force) / force <= 0.05, Invariant(
                $"{what} settles at {settled:0.0} N; expected the motor's {force} N within 5 % (the clamp does not read the push)"));
            return settled;
        }
        var striker = Settled("clamp_striker", "the striker's press");
        var wall = Settled("clamp_wall", "the wall's reaction");
        var samples = step.Contacts.First(c => c.Geom1 == "clamp_striker" || c.Geom2 == "clamp_striker").ForceSamplesN;
        var largestStep = samples.Zip(samples.Skip(1), (a, b) => Math.Abs(b - a)).Max();
        Require(largestStep <= 0.05 * force, Invariant(
            $"the clamped force jumps by {largestStep:0.0} N in one physics step; expected at most {0.05 * force:0.0} N (5 % of the push)"));
        return Invariant($"the striker's press settles at {striker:0.0} N and the wall's reaction at {wall:0.0} N for a {force} N push, largest step {largestStep:0.00} N");
    }

    /// <summary>A region touched at two points of unequal depth and pushed straight in must still be one spring of
    /// stiffness k: its force grows by k for every metre the striker moves. A rule that sets the force from the depths
    /// alone (their force-weighted mean, say) grows more slowly, because the weighting shifts towards the shallow point
    /// as both deepen: about 0.9 k at depths 3 : 2, which under-reports every line or edge contact pushed that way.</summary>
    private async Task<string> PressAsync()
    {
        const double speed = 0.02;
        await using var session = await OpenStrikeAsync();
        var state = (await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id })).State;
        var joint = Array.IndexOf(session.Model.JointNames.ToArray(), "press_striker_x");
        state.Qvel[joint] = speed;
        await _bridge.SetStateAsync(new SetStateRequest { SessionId = session.Id, State = state });
        var h = session.Model.TimestepS;
        var steps = (int)Math.Round(0.6 / h);
        var request = Chunk(session.Id, Enumerable.Repeat(Array.Empty<double>(), steps).ToArray(), [], substeps: 1);
        request.ReturnPeriodStates = true;
        var step = await _bridge.StepAsync(request);

        // The striker's position at each step's start (the configuration the contact force was computed at), and the
        // region's force and how many of the two spheres pressed it at each step.
        var address = session.Model.JointQposAddresses[joint];
        var position = new Dictionary<long, double> { [0] = state.Qpos[address] };
        foreach (var s in step.PeriodStates) position[(long)Math.Round(s.TimeS / h)] = s.Qpos[address];
        var force = new Dictionary<long, double>();
        var pressing = new Dictionary<long, int>();
        foreach (var c in step.Contacts.Where(c => c.Geom1 == "press_target" || c.Geom2 == "press_target"))
        {
            var first = (long)Math.Round(c.SamplesStartTimeS / h);
            for (var k = 0; k < c.ForceSamplesN.Count; k++)
            {
                force[first + k] = force.GetValueOrDefault(first + k) + c.ForceSamplesN[k];
                if (c.ForceSamplesN[k] > 0) pressing[first + k] = pressing.GetValueOrDefault(first + k) + 1;
            }
        }
        double Slope(int spheres)
        {
            var points = pressing.Where(p => p.Value == spheres && position.ContainsKey(p.Key)).Select(p => (X: position[p.Key], F: force[p.Key])).ToArray();
            Require(points.Length >= 50, Invariant($"{points.Length} steps with {spheres} sphere(s) pressing press_target; expected at least 50 (the striker did not push in)"));
            var (mx, mf) = (points.Average(p => p.X), points.Average(p => p.F));
            return points.Sum(p => (p.X - mx) * (p.F - mf)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        }
        var one = Slope(1) / PushStiffnessNPerM;
        var two = Slope(2) / PushStiffnessNPerM;
        Require(Math.Abs(one - 1) <= 0.02, Invariant($"pressed at one point the force grows at {one:0.000} k; expected k within 2 %"));
        Require(Math.Abs(two - 1) <= 0.02, Invariant(
            $"pressed at two points of unequal depth the force grows at {two:0.000} k; expected k within 2 %: the region is softer (or stiffer) than its spring when a line or edge is pushed straight in"));
        return Invariant($"force ÷ distance pushed: {one:0.000} k at one point, {two:0.000} k at two points of unequal depth");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
