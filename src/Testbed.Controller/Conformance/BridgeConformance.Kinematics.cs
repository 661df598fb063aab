using Testbed.Sim.V1;

namespace Testbed.Controller.Conformance;

// Point kinematics (GetPointJacobian): what end-effector actions are turned into joint targets with.
public sealed partial class BridgeConformance
{
    /// <summary>The pusher's link tip at yaw 0.3 rad and reach 0.2 m: position, rotation and both Jacobian columns
    /// equal the closed form (tip = (0, 0, 0.15) + Rz(yaw)·(reach + 0.5, 0, 0)) within 1e-9, at a configuration given
    /// in the request and again at the current state; finite differences of the position agree within 1e-6; and the
    /// queries leave the state bit-identical.</summary>
    private async Task<string> PointJacobianAsync()
    {
        await using var session = await OpenAsync(Pusher);
        await _bridge.ResetAsync(new ResetRequest { SessionId = session.Id });
        var before = await _bridge.GetStateAsync(new GetStateRequest { SessionId = session.Id });
        var (yaw, reach) = (0.3, 0.2);
        var qpos = before.Qpos.ToArray();
        (qpos[0], qpos[1]) = (yaw, reach);

        var given = await TipAsync(session.Id, qpos);
        var r = reach + 0.5;
        double[] position = [r * Math.Cos(yaw), r * Math.Sin(yaw), 0.15];
        double[] translational = [-r * Math.Sin(yaw), Math.Cos(yaw), r * Math.Cos(yaw), Math.Sin(yaw), 0, 0];
        double[] rotational = [0, 0, 0, 0, 1, 0];
        double[] rotation = [Math.Cos(yaw), -Math.Sin(yaw), 0, Math.Sin(yaw), Math.Cos(yaw), 0, 0, 0, 1];
        Require(Close([given.Position.X, given.Position.Y, given.Position.Z], position, 1e-9), $"tip at {Show(given.Position)}; expected {Show(position)}");
        Require(Close(given.Rotation, rotation, 1e-9), $"rotation {string.Join(", ", given.Rotation)}; expected Rz({yaw})");
        Require(Close(given.Translational, translational, 1e-9), $"translational Jacobian {string.Join(", ", given.Translational)}; expected {string.Join(", ", translational)}");
        Require(Close(given.Rotational, rotational, 1e-9), $"rotational Jacobian {string.Join(", ", given.Rotational)}; expected {string.Join(", ", rotational)}");

        var worst = 0.0;
        const double delta = 1e-6;
        for (var joint = 0; joint < 2; joint++)
        {
            var plus = (double[])qpos.Clone();
            var minus = (double[])qpos.Clone();
            plus[joint] += delta;
            minus[joint] -= delta;
            var (p, m) = (await TipAsync(session.Id, plus), await TipAsync(session.Id, minus));
            double[] difference = [(p.Position.X - m.Position.X) / (2 * delta), (p.Position.Y - m.Position.Y) / (2 * delta), (p.Position.Z - m.Position.Z) / (2 * delta)];
            for (var axis = 0; axis < 3; axis++)
            {
                worst = Math.Max(worst, Math.Abs(difference[axis] - given.Translational[axis * 2 + joint]));
            }
        }
        Require(worst < 1e-6, $"finite differences differ from the Jacobian by {worst}; expected < 1e-6");

        var after = await _bridge.GetStateAsync(new GetStateRequest { SessionId = session.Id });
        Require(FirstDifference(before.Qpos, after.Qpos) < 0 && FirstDifference(before.Qvel, after.Qvel) < 0, "a kinematics query changed the state");

        var moved = before.Clone();
        moved.Qpos.Clear();
        moved.Qpos.AddRange(qpos);
        await _bridge.SetStateAsync(new SetStateRequest { SessionId = session.Id, State = moved });
        var current = await TipAsync(session.Id, []);
        Require(Close(current.Translational, translational, 1e-9), "at the current state (qpos omitted) the Jacobian differs from the closed form");
        return $"closed form within 1e-9; finite differences within {worst:E1}; state unchanged";
    }

    private async Task<GetPointJacobianResponse> TipAsync(string sessionId, double[] qpos)
    {
        var request = new GetPointJacobianRequest { SessionId = sessionId, Body = "link", Point = new Vec3 { X = 0.5 }, JointNames = { "yaw", "reach" } };
        request.Qpos.AddRange(qpos);
        return await _bridge.GetPointJacobianAsync(request);
    }

    private static bool Close(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double tolerance) =>
        actual.Count == expected.Count && actual.Zip(expected).All(pair => Math.Abs(pair.First - pair.Second) <= tolerance);

    private static string Show(Vec3 v) => $"({v.X}, {v.Y}, {v.Z})";

    private static string Show(double[] v) => $"({string.Join(", ", v)})";
}
