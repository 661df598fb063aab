using Testbed.Sim.V1;

namespace Testbed.Controller.Conformance;

// Body traces (StepRequest.traced_bodies): motion at every physics step, the input of head injury, separation,
// drop, zone and environment-damage scoring.
public sealed partial class BridgeConformance
{
    /// <summary>A ball in free fall, traced for 0.5 s: one sample per step, times after each step, acceleration
    /// (0, 0, −g) and velocity −g·t within 1 % at every sample, a unit quaternion.</summary>
    private async Task<string> TracedFreeFallAsync()
    {
        await using var session = await OpenAsync(FreeFall);
        var h = session.Model.TimestepS;
        var steps = (int)Math.Round(0.5 / h);
        var request = Chunk(session.Id, [[]], [], substeps: (uint)steps);
        request.TracedBodies.Add("ball");
        var step = await _bridge.StepAsync(request);
        Require(step.BodyTraces.Count == 1 && step.BodyTraces[0].Body == "ball", $"expected one trace of 'ball', got {step.BodyTraces.Count}");
        var trace = step.BodyTraces[0];
        Require(trace.SampleCount == steps, $"{trace.SampleCount} samples for {steps} steps; expected one per step");
        Require(trace.PositionsM.Count == 3 * steps && trace.Orientations.Count == 4 * steps && trace.LinearVelocitiesMps.Count == 3 * steps
            && trace.LinearAccelerationsMps2.Count == 3 * steps, "array lengths are not 3, 4, 3 and 3 values per sample");
        Require(Math.Abs(trace.SamplesStartTimeS - h) < 1e-12 && Math.Abs(trace.TimestepS - h) < 1e-15,
            $"first sample at {trace.SamplesStartTimeS} s, timestep {trace.TimestepS} s; expected the time after the first step ({h} s) and {h} s");
        var worstAcceleration = 0.0;
        var worstVelocity = 0.0;
        for (var i = 0; i < steps; i++)
        {
            var t = trace.SamplesStartTimeS + i * h;
            var a = trace.LinearAccelerationsMps2;
            var sideways = Math.Abs(a[3 * i]) + Math.Abs(a[3 * i + 1]);
            var accelerationError = Math.Abs(a[3 * i + 2] + Gravity) / Gravity;
            Require(sideways < 1e-9 && accelerationError <= 0.01,
                $"sample {i} (t={t:F3} s): acceleration ({a[3 * i]}, {a[3 * i + 1]}, {a[3 * i + 2]}) m/s²; expected (0, 0, -{Gravity}) within 1 %");
            var velocityError = Math.Abs(trace.LinearVelocitiesMps[3 * i + 2] + Gravity * t) / (Gravity * t);
            Require(velocityError <= 0.01, $"sample {i} (t={t:F3} s): vertical velocity {trace.LinearVelocitiesMps[3 * i + 2]} m/s; expected {-Gravity * t:F5} within 1 %");
            var q = trace.Orientations;
            var norm = Math.Sqrt(q[4 * i] * q[4 * i] + q[4 * i + 1] * q[4 * i + 1] + q[4 * i + 2] * q[4 * i + 2] + q[4 * i + 3] * q[4 * i + 3]);
            Require(Math.Abs(norm - 1) < 1e-9, $"sample {i}: quaternion norm {norm}; expected 1");
            (worstAcceleration, worstVelocity) = (Math.Max(worstAcceleration, accelerationError), Math.Max(worstVelocity, velocityError));
        }
        var last = step.BodyTraces[0].PositionsM[3 * steps - 1];
        var endState = (await _bridge.GetBodyStatesAsync(new GetBodyStatesRequest { SessionId = session.Id, BodyNames = { "ball" } })).Bodies[0];
        Require(Math.Abs(last - endState.Position.Z) < 1e-9, $"last traced height {last} m differs from the body's state after the chunk ({endState.Position.Z} m)");
        return $"{steps} samples; worst acceleration error {worstAcceleration:P4}, velocity error {worstVelocity:P4} (limit 1 %)";
    }

    /// <summary>Tracing reads the simulation, it must not change it: the pusher's 1000 steps give bit-identical
    /// states with and without traces.</summary>
    private async Task<string> TracedTrajectoryAsync()
    {
        var plain = await RunPusherAsync(seed: 7, chunks: 50, chunkSeed: 11);
        await using var session = await OpenAsync(Pusher);
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id, Seed = 7, InitialQposNoise = 0.05 });
        var samples = 0u;
        foreach (var chunk in PusherChunks(50, 11))
        {
            var request = Chunk(session.Id, chunk);
            request.TracedBodies.Add(session.Model.BodyNames.Last());
            samples += (await _bridge.StepAsync(request)).BodyTraces[0].SampleCount;
        }
        var traced = await _bridge.GetStateAsync(new GetStateRequest { SessionId = session.Id });
        var qpos = FirstDifference(plain.Qpos, traced.Qpos);
        var qvel = FirstDifference(plain.Qvel, traced.Qvel);
        Require(qpos < 0 && qvel < 0, $"with traces the state differs at qpos[{qpos}] / qvel[{qvel}] (-1: equal) after 1000 steps");
        Require(samples == 1000, $"{samples} trace samples over 1000 steps; expected one per step");
        return "qpos and qvel bit-identical after 1000 traced and untraced steps";
    }
}
