using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Testbed.Controller.Bridge;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Cli.Commands;

/// <summary>`testbed bench bridge`: physics steps per second through gRPC (action chunks of 20 substeps, rendering
/// off, contact telemetry on), against `mujoco-testspeed` on the same MJCF in the same command, as a ratio. A
/// ratio, not an absolute time, because the machine is shared and noisy.</summary>
public static partial class BenchCommand
{
    public const string Usage = """
        testbed bench bridge [--scene warehouse] [--steps 20000] [--repeats 3] [--substeps 20] [--periods 1] [--bridge ADDRESS] [--scenes DIR]
            Bridge throughput vs mujoco-testspeed (Debian libmujoco-samples) on the scene's MJCF; prints the ratio.
            A call carries --periods control periods of --substeps physics steps each (episodes use 10 x 20).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancel)
    {
        var line = new CommandLine(args, new HashSet<string> { "--scene", "--steps", "--repeats", "--substeps", "--periods", "--bridge", "--scenes" }, new HashSet<string>());
        line.NoPositional("bench bridge");
        var scenesRoot = RepositoryPaths.FindScenes(line.Value("--scenes"));
        var scene = SceneManifestLoader.Load(scenesRoot, line.Value("--scene") ?? "warehouse");
        var steps = line.Int("--steps", 20000, 1000, 10_000_000);
        var repeats = line.Int("--repeats", 3, 1, 50);
        var substeps = line.Int("--substeps", 20, 1, 10_000);
        var periods = line.Int("--periods", 1, 1, 1000);

        await using var bridge = await BridgeSession.OpenAsync(line.Value("--bridge"), scenesRoot, cancel);
        await output.WriteLineAsync($"bench: scene '{scene.Id}' ({scene.MjcfPath}), {steps} steps per measurement, chunks of {periods} period(s) x {substeps} substeps, {repeats} repeats");
        var reference = new List<double>();
        var unary = new List<double>();
        var streamed = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            // Interleaved, so a burst of load from elsewhere hurts every side alike.
            reference.Add(await TestspeedAsync(scene.MjcfPath, steps, cancel));
            unary.Add(await BridgeStepsPerSecondAsync(bridge.Connection.Client, scene, steps, substeps, periods, streaming: false, cancel));
            streamed.Add(await BridgeStepsPerSecondAsync(bridge.Connection.Client, scene, steps, substeps, periods, streaming: true, cancel));
            await output.WriteLineAsync(
                $"  repeat {r + 1}: mujoco-testspeed {reference[^1]:N0} steps/s; bridge over gRPC: Step {unary[^1]:N0} steps/s, StepStream {streamed[^1]:N0} steps/s");
        }
        var referenceMedian = Median(reference);
        await output.WriteLineAsync($"median mujoco-testspeed: {referenceMedian:N0} steps/s (reference)");
        await output.WriteLineAsync($"median bridge, unary Step: {Median(unary):N0} steps/s, ratio {Median(unary) / referenceMedian:F3}");
        await output.WriteLineAsync($"median bridge, StepStream: {Median(streamed):N0} steps/s, ratio {Median(streamed) / referenceMedian:F3} (target >= 0.8)");
        return 0;
    }

    private static async Task<double> BridgeStepsPerSecondAsync(
        SimBridge.SimBridgeClient client, SceneManifest scene, int steps, int substeps, int periods, bool streaming, CancellationToken cancel)
    {
        var open = new OpenSessionRequest { SceneId = scene.Id };
        open.WatchedBodies.AddRange(scene.WatchedBodies());
        var session = await client.OpenSessionAsync(open, cancellationToken: cancel);
        try
        {
            // From the model's initial state with small control noise, as mujoco-testspeed does.
            await client.ResetAsync(new ResetRequest { SessionId = session.SessionId }, cancellationToken: cancel);
            var random = new Random(1);
            StepRequest Chunk()
            {
                var request = new StepRequest { SessionId = session.SessionId, SubstepsPerPeriod = (uint)substeps };
                request.ActuatorNames.AddRange(scene.Robot.Actuators);
                for (var p = 0; p < periods; p++)
                {
                    request.Periods.Add(new ControlPeriod { Targets = { scene.Robot.Actuators.Select(_ => 0.01 * (random.NextDouble() * 2 - 1)) } });
                }
                return request;
            }
            // Enough calls for the JIT to reach its optimised tier on both sides of the channel.
            await using var stream = new StepStream(client, cancel);
            async Task<ulong> Step() => streaming
                ? (await stream.StepAsync(Chunk(), TimeSpan.FromMinutes(1), cancel)).SubstepsTaken
                : (await client.StepAsync(Chunk(), cancellationToken: cancel)).SubstepsTaken;
            var perCall = substeps * periods;
            for (var warm = 0; warm < Math.Max(500, 5000 / perCall); warm++) await Step();
            var calls = Math.Max(1, steps / perCall);
            var clock = Stopwatch.StartNew();
            ulong taken = 0;
            for (var i = 0; i < calls; i++) taken += await Step();
            return taken / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await client.CloseSessionAsync(new CloseSessionRequest { SessionId = session.SessionId }, cancellationToken: cancel);
        }
    }

    private static async Task<double> TestspeedAsync(string mjcf, int steps, CancellationToken cancel)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("mujoco-testspeed", [mjcf, steps.ToString(CultureInfo.InvariantCulture), "1", "0.01"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("mujoco-testspeed did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("mujoco-testspeed is not installed; install it with: apt-get install -y libmujoco-samples");
        }
        using (process)
        {
            var text = await process.StandardOutput.ReadToEndAsync(cancel);
            await process.WaitForExitAsync(cancel);
            var match = StepsPerSecond().Match(text);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new InvalidOperationException($"mujoco-testspeed {mjcf} failed (exit {process.ExitCode}): {text.Trim()}");
            }
            return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"Steps per second\s*:\s*([0-9.]+)")]
    private static partial Regex StepsPerSecond();
}
