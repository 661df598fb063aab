using System.CommandLine;
using Testbed.Controller.Bridge;
using Testbed.Controller.Policies;
using Testbed.Domain.Scenarios;

namespace Testbed.Cli.Commands;

/// <summary>`testbed policy probe URI`: is this policy server reachable, and does it fit the robot?</summary>
public static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "Checks a policy server before a run.");
        policy.Subcommands.Add(Probe());
        return policy;
    }

    private static Command Probe()
    {
        var uri = new Argument<string>("URI") { Description = $"the policy: {string.Join(", ", PolicyAddress.Forms)}" };
        var config = new Option<string>("--policy-config") { Description = "JSON settings for the policy server (as for run)", HelpName = "FILE" };
        var scenario = new Option<string>("--scenario") { Description = "the scenario whose start is sent (default: the first)", HelpName = "ID" };
        var language = new Option<string>("--language") { Description = "the instruction's language (default: en)", DefaultValueFactory = _ => "en", HelpName = "TAG" };
        var bridge = new Option<string>("--bridge") { Description = "use the running bridge at ADDRESS instead of one in this process", HelpName = "ADDRESS" };
        var scenes = new Option<string>("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };
        var command = new Command("probe", """
            Connects to the policy, starts an episode of a real scene, sends one observation and prints what came back
            (rows, values per actuator, latency, any text) and whether it fits the robot, with the exact mismatch when not.
            Exit codes: 0 it fits; 1 it does not fit or did not answer; 2 usage error.
            """) { uri, config, scenario, language, bridge, scenes };
        command.SetAction(async (parse, cancel) =>
        {
            PolicySelection selection;
            try
            {
                selection = PolicySelection.Parse(parse.GetValue(uri)!, parse.GetValue(config));
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
            var scenesRoot = RepositoryPaths.FindScenes(parse.GetValue(scenes));
            var corpus = ScenarioCorpus.Load(scenesRoot);
            var id = parse.GetValue(scenario);
            var chosen = id is null ? corpus.Scenarios[0] : corpus.Scenarios.FirstOrDefault(s => s.Id == id)
                ?? throw new UsageException($"--scenario '{id}' is not a scenario; expected one of: {string.Join(", ", corpus.Scenarios.Select(s => s.Id))}");
            var tag = LanguageTag.Parse(parse.GetValue(language)!);
            if (!chosen.Instructions.ContainsKey(tag))
            {
                throw new UsageException($"--language '{tag}': scenario '{chosen.Id}' has no instruction in it; expected one of: {string.Join(", ", chosen.Instructions.Keys)}");
            }
            await using var sim = await BenchBridge.OpenAsync(parse.GetValue(bridge), scenesRoot, cancel);
            var policy = selection.Create();
            try
            {
                await Console.Out.WriteLineAsync($"probe: scenario '{chosen.Id}' ({chosen.SceneId}), language {tag}");
                var result = await PolicyProbe.RunAsync(new BridgeCalls(sim.Connection.Client, CallDeadlines.Default), chosen, corpus.Scenes[chosen.SceneId], tag, policy, cancel, selection.Config);
                await Console.Out.WriteLineAsync(result.Describe(selection.Name));
                return result.Fits ? 0 : 1;
            }
            finally
            {
                if (policy is IAsyncDisposable disposable) await disposable.DisposeAsync();
            }
        });
        return command;
    }
}
