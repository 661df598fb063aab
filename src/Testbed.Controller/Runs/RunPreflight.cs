using Grpc.Core;
using Testbed.Controller.Bridge;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Sim.V1;

namespace Testbed.Controller.Runs;

/// <summary>Before any episode runs: every scene the plan uses is loaded in the bridge and checked against its
/// manifest and every scenario on it (actuators, people, payloads, keyframes, and the bridge's contact-compliance rules). A broken
/// scene stops the run here, as an input error naming it, instead of turning every episode into an error.</summary>
public static class RunPreflight
{
    public static async Task CheckAsync(BridgeCalls bridge, RunPlan plan, BodyModel bodyModel, CancellationToken cancel)
    {
        var problems = new List<string>();
        foreach (var group in plan.Episodes.Select(e => e.Scenario).DistinctBy(s => s.Id).GroupBy(s => s.SceneId))
        {
            var scene = plan.Corpus.Scenes[group.Key];
            // The same session the episodes open, person contacts compliant: the bridge's load rules run here.
            var open = EpisodeRunner.OpenRequest(scene, bodyModel);
            OpenSessionResponse opened;
            try
            {
                opened = await bridge.OpenSessionAsync(open, cancel);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                problems.Add($"scene '{scene.Id}' ({scene.MjcfPath}) does not load in the bridge: {e.StatusCode}: {e.Status.Detail}");
                continue;
            }
            try
            {
                if (SceneCheck.TimestepProblem(opened.Model) is { } timestep)
                {
                    problems.Add($"scene '{scene.Id}' ({scene.MjcfPath}): {timestep}");
                    continue;
                }
                SceneCheck.Actuators(scene, opened.Model);
                foreach (var scenario in group) SceneCheck.RequireMatch(scene, scenario, opened.Model);
            }
            catch (Exception e) when (e is EpisodeFailure or ArgumentException or InvalidOperationException)
            {
                problems.Add(e.Message);
            }
            finally
            {
                await bridge.CloseQuietlyAsync(opened.SessionId);
            }
        }
        if (problems.Count > 0)
        {
            throw new RunInputException($"nothing was run: {string.Join("; ", problems)}");
        }
    }
}
