using System.Globalization;
using System.Text;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;

namespace Testbed.Controller.Policies;

/// <summary>What one call to a policy gave back, for `testbed policy probe`.</summary>
/// <param name="Brief">What the policy was told (actuators, start positions).</param>
/// <param name="Images">The observation's images, by scene camera.</param>
/// <param name="Action">The first answer mapped onto the robot; null when it did not fit or never came.</param>
/// <param name="Problem">Why the policy does not fit or did not answer, as the episode would record it; null when it fits.</param>
public sealed record PolicyProbeResult(EpisodeBrief? Brief, IReadOnlyDictionary<string, CameraImage> Images, PolicyAction? Action, string? Problem)
{
    /// <summary>Each way the answer does not suit the robot (<see cref="ActionFit"/>); empty when it does.</summary>
    public IReadOnlyList<string> Mismatches { get; init; } = [];

    public bool Fits => Problem is null && Action is not null && Mismatches.Count == 0;

    public string Describe(string policyName)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine($"policy: {policyName}");
        text.AppendLine(Images.Count == 0 ? "cameras: none asked for" : $"cameras: {string.Join(", ", Images.Select(i => $"{i.Key} {i.Value.Width}x{i.Value.Height}"))}");
        if (Action is { } action && Brief is { } brief)
        {
            text.AppendLine(inv, $"answered in {action.LatencyS * 1000 ?? 0:F1} ms: {action.Periods.Count} row(s) executed per query, {brief.Actuators.Count} value(s) each");
            if (action.ServerRows is { Count: > 0 } rows)
            {
                text.AppendLine(inv, $"the server sent {rows.Count} row(s) of {rows[0].Length} value(s), read as {(action.Convention ?? ActionConvention.AbsoluteJointPositions).ToId()}");
            }
            if (action.Text is { Length: > 0 } said) text.AppendLine($"the policy said: {said}");
            text.AppendLine("actuator            start      min      max  control range  (targets of the executed rows)");
            for (var i = 0; i < brief.Actuators.Count; i++)
            {
                var values = action.Periods.Select(r => r[i]).ToArray();
                var range = i < brief.ControlRanges.Count && brief.ControlRanges[i] is { } r ? r.ToString() : "unlimited";
                text.AppendLine(inv, $"{brief.Actuators[i],-18} {brief.StartPositions[i],7:F3} {values.Min(),8:F3} {values.Max(),8:F3}  {range}");
            }
        }
        if (Fits)
        {
            text.Append("fits the robot: one value per actuator in every row, all finite, every target inside its actuator's control range");
        }
        else if (Problem is not null)
        {
            text.Append($"does not fit: {Problem}");
        }
        else
        {
            text.Append("does not fit:");
            foreach (var mismatch in Mismatches) text.Append(Environment.NewLine).Append("  ").Append(mismatch);
        }
        return text.ToString();
    }
}

/// <summary>Connects to a policy, starts an episode of a real scene, sends one observation and keeps what came back:
/// the run's own episode path (cameras, render size, deadlines, action mapping), stopped after one answer.</summary>
public static class PolicyProbe
{
    /// <param name="config">The policy's config, for the checks that depend on it (actions per query, gripper values).</param>
    public static async Task<PolicyProbeResult> RunAsync(
        BridgeCalls bridge, Scenario scenario, SceneManifest scene, LanguageTag language, IPolicy policy, CancellationToken cancel, PolicyConfig? config = null)
    {
        var recorder = new FirstAnswer(policy);
        var runner = new EpisodeRunner(bridge, BodyModel.LoadIsoTs15066());
        var record = await runner.RunAsync(new EpisodeRequest(scenario, scene, language, recorder, 0, 0), cancel);
        var problem = record.Error ?? (recorder.Action is null ? "the policy never answered" : null);
        var mismatches = problem is null && recorder is { Brief: { } brief, Action: { } action }
            ? ActionFit.Mismatches(brief, action, config ?? PolicyConfig.Default)
            : [];
        return new PolicyProbeResult(recorder.Brief, recorder.Images, recorder.Action, problem) { Mismatches = mismatches };
    }

    /// <summary>Passes the first observation on and ends the episode after its answer.</summary>
    private sealed class FirstAnswer(IPolicy inner) : IPolicy
    {
        public EpisodeBrief? Brief { get; private set; }
        public PolicyAction? Action { get; private set; }
        public IReadOnlyDictionary<string, CameraImage> Images { get; private set; } = new Dictionary<string, CameraImage>();

        public string Name => inner.Name;
        public IReadOnlyList<string> Cameras => inner.Cameras;
        public int ImageWidth => inner.ImageWidth;
        public int ImageHeight => inner.ImageHeight;
        public ImageSize RenderSize(string camera) => inner.RenderSize(camera);
        public bool SensesWorkcell => inner.SensesWorkcell;

        public Task BeginEpisodeAsync(EpisodeBrief brief, CancellationToken cancel)
        {
            Brief = brief;
            return inner.BeginEpisodeAsync(brief, cancel);
        }

        public async Task<PolicyAction> ActAsync(PolicyObservation observation, CancellationToken cancel)
        {
            Images = observation.Images;
            Action = await inner.ActAsync(observation, cancel);
            return Action with { Done = true };
        }
    }
}
