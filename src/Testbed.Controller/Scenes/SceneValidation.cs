using System.Globalization;
using Grpc.Core;
using Testbed.Controller.Bridge;
using Testbed.Controller.Calibration;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Input;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;

namespace Testbed.Controller.Scenes;

/// <summary>One problem of a scene: the file, the entry in it (a JSON field path; empty for the whole file) and what is
/// wrong with it.</summary>
/// <param name="Calibration">A strike calibration outside its tolerance (the physics check failed), rather than a scene
/// file that a run would refuse.</param>
public sealed record SceneProblem(string File, string Entry, string Problem, bool Calibration = false)
{
    public override string ToString() => Entry.Length > 0 ? $"{File}: {Entry}: {Problem}" : $"{File}: {Problem}";
}

/// <summary>What <see cref="SceneValidation"/> checked in one scene, and what it found wrong.</summary>
public sealed record SceneValidationReport(string SceneId, IReadOnlyList<string> Checked, IReadOnlyList<SceneProblem> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// `testbed scenes validate`: every scene file loads (scene.json, set-ups, scenarios, strike plan), every scenario runs
/// a set-up and variant that exist (a set-up no scenario runs is fine), and the scene loads in the bridge opened exactly as episodes open it (every
/// person geom its ISO/TS 15066 spring) with every manifest entry naming a real body, geom, actuator, camera or keyframe
/// and every geom of every person's bodies carrying a body region; on request, the strike calibration with the scene's
/// own robot. Unlike a run's pre-flight, which stops at the first broken file, it collects every problem of every scene.
/// </summary>
public sealed class SceneValidation(BridgeCalls bridge, BodyModel bodyModel)
{
    /// <summary>The scene folders to validate: those whose folder name or site is one of <paramref name="sites"/>, or
    /// every folder that holds a scene.json when none is given. An unknown name is an input error naming what exists.</summary>
    public static IReadOnlyList<string> SelectScenes(string scenesRoot, IReadOnlyCollection<string> sites)
    {
        var ids = SceneManifestLoader.ListSceneIds(scenesRoot);
        if (ids.Count == 0)
        {
            throw new ScenarioInputException(scenesRoot, "", "holds no scene", $"at least one <scene>/{SceneManifest.FileName}");
        }
        if (sites.Count == 0) return ids;
        var siteOf = ids.ToDictionary(id => id, id => SiteOf(scenesRoot, id), StringComparer.Ordinal);
        var unknown = sites.Where(s => !ids.Contains(s) && !siteOf.ContainsValue(s)).ToList();
        if (unknown.Count > 0)
        {
            var known = ids.Concat(siteOf.Values.OfType<string>()).Distinct().Order(StringComparer.Ordinal);
            throw new ScenarioInputException(ScenarioCorpus.SelectionOrigin, "sites", $"unknown site or scene {string.Join(", ", unknown)}", $"one of: {string.Join(", ", known)}");
        }
        return ids.Where(id => sites.Contains(id) || (siteOf[id] is { } site && sites.Contains(site))).ToList();
    }

    // The site a scene.json declares, read leniently: a broken manifest is reported by the validation, not here.
    private static string? SiteOf(string scenesRoot, string sceneId)
    {
        try
        {
            var root = InputNode.ParseFile(Path.Combine(scenesRoot, sceneId, SceneManifest.FileName));
            return root.Has("site") ? root.Required("site").AsString() : null;
        }
        catch (ScenarioInputException)
        {
            return null;
        }
    }

    public async Task<SceneValidationReport> ValidateAsync(string scenesRoot, string sceneId, bool calibrate, CancellationToken cancel)
    {
        var folder = Path.Combine(Path.GetFullPath(scenesRoot), sceneId);
        var checks = new List<string>();
        var problems = new List<SceneProblem>();
        SceneManifest scene;
        try
        {
            scene = SceneManifestLoader.LoadFolder(folder);
        }
        catch (ScenarioInputException e)
        {
            problems.Add(FromInput(e));
            return new SceneValidationReport(sceneId, ["scene.json: does not load, nothing else checked"], problems);
        }
        checks.Add("scene.json loads");

        var setups = LoadAll(SetupLoader.FilesOf(scene), file => SetupLoader.Load(file, scene), problems);
        var scenarioFiles = ScenarioFiles(scene);
        var scenes = new Dictionary<string, SceneManifest>(StringComparer.Ordinal) { [scene.Id] = scene };
        var scenarios = LoadAll(scenarioFiles, file => LoadScenario(file, scene, scenes, setups), problems);
        checks.Add($"{setups.Count} of {SetupLoader.FilesOf(scene).Count} set-up(s) and {scenarios.Count} of {scenarioFiles.Count} scenario(s) load");
        // The loader has refused any scenario whose set-up or variant does not exist. A set-up no scenario runs is fine:
        // it is still loaded and checked here, and its variants are run directly by the set-up tests.
        var unused = setups.Where(setup => !scenarios.Any(s => s.SetupId == setup.Id)).Select(setup => setup.Id).ToList();
        checks.Add("every scenario runs a set-up of this scene and a variant that set-up has"
            + (unused.Count == 0 ? "" : $"; set-up(s) no scenario runs: {string.Join(", ", unused)}"));

        StrikePlan? plan = null;
        var planPath = Path.Combine(scene.FolderPath, StrikePlan.FileName);
        if (File.Exists(planPath))
        {
            try
            {
                plan = StrikePlan.Load(scene.FolderPath);
                problems.AddRange(StrikePlanMismatches(scene, plan, planPath));
                checks.Add("strike-plan.json loads and names the robot's actuators and bodies");
            }
            catch (ScenarioInputException e)
            {
                problems.Add(FromInput(e));
            }
        }

        var model = await CheckInBridgeAsync(scene, setups, problems, checks, cancel);
        if (calibrate && plan is not null && model is not null && problems.Count == 0)
        {
            await CalibrateAsync(scene, plan, planPath, problems, checks, cancel);
        }
        else if (calibrate && plan is null)
        {
            checks.Add("no strike-plan.json: no strike calibration");
        }
        return new SceneValidationReport(scene.Id, checks, problems);
    }

    private static List<T> LoadAll<T>(IReadOnlyList<string> files, Func<string, T> load, List<SceneProblem> problems)
    {
        var loaded = new List<T>();
        foreach (var file in files)
        {
            try
            {
                loaded.Add(load(file));
            }
            catch (ScenarioInputException e)
            {
                problems.Add(FromInput(e));
            }
        }
        return loaded;
    }

    private static IReadOnlyList<string> ScenarioFiles(SceneManifest scene)
    {
        var folder = Path.Combine(scene.FolderPath, "scenarios");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList() : [];
    }

    private static Scenario LoadScenario(string file, SceneManifest scene, IReadOnlyDictionary<string, SceneManifest> scenes, IReadOnlyList<Setup> setups)
    {
        var scenario = ScenarioLoader.Load(file, scenes, setups);
        if (scenario.SceneId != scene.Id)
        {
            throw new ScenarioInputException(file, "scene", $"'{scenario.SceneId}' differs from the scene folder the file is in", $"\"{scene.Id}\"");
        }
        return scenario;
    }

    private static IEnumerable<SceneProblem> StrikePlanMismatches(SceneManifest scene, StrikePlan plan, string planPath)
    {
        var actuators = scene.Robot.Actuators;
        foreach (var (entry, name) in new[] { ("sweep_actuator", plan.SweepActuator), ("lift_actuator", plan.LiftActuator) })
        {
            if (!actuators.Contains(name)) yield return new SceneProblem(planPath, entry, $"'{name}' is not an actuator of robot '{scene.Robot.Name}'; expected one of: {string.Join(", ", actuators)}");
        }
        if (!scene.Robot.Bodies.Contains(plan.EndBody)) yield return new SceneProblem(planPath, "end_body", $"'{plan.EndBody}' is not a robot body; expected one of: {string.Join(", ", scene.Robot.Bodies)}");
        for (var i = 0; i < plan.Shapes.Count; i++)
        {
            foreach (var name in plan.Shapes[i].Targets.Keys.Where(n => !actuators.Contains(n)))
            {
                yield return new SceneProblem(planPath, $"shapes[{i}].targets.{name}", $"'{name}' is not an actuator of robot '{scene.Robot.Name}'; expected one of: {string.Join(", ", actuators)}");
            }
            if (plan.Shapes[i].Holding is { } hold && scene.Payloads.All(p => p.Id != hold.Payload))
            {
                yield return new SceneProblem(planPath, $"shapes[{i}].holding.payload", $"'{hold.Payload}' is not a payload of the scene; expected one of: {string.Join(", ", scene.Payloads.Select(p => p.Id))}");
            }
        }
        foreach (var id in (plan.People ?? new Dictionary<string, StrikePersonPlacement>()).Keys.Where(id => scene.People.All(p => p.Id != id)))
        {
            yield return new SceneProblem(planPath, $"people.{id}", $"'{id}' is not a person of the scene; expected one of: {string.Join(", ", scene.People.Select(p => p.Id))}");
        }
        var clamps = plan.Clamps ?? [];
        for (var i = 0; i < clamps.Count; i++)
        {
            var clamp = clamps[i];
            if (!scene.HasKeyframe(clamp.Keyframe))
            {
                yield return new SceneProblem(planPath, $"clamps[{i}].keyframe", $"'{clamp.Keyframe}' is not a keyframe of the scene; expected one of: {string.Join(", ", scene.Keyframes.Select(k => k.Name))}");
            }
            if (clamp.LeadIn is { } lead && !File.Exists(SetupLoader.PathOf(scene, lead.Setup)))
            {
                yield return new SceneProblem(planPath, $"clamps[{i}].lead_in.setup", $"'{lead.Setup}' is not a set-up of the scene; expected one of: {string.Join(", ", SetupLoader.FilesOf(scene).Select(Path.GetFileNameWithoutExtension))}");
            }
            if (scene.FindPersonGeom(clamp.Region) is null)
            {
                yield return new SceneProblem(planPath, $"clamps[{i}].region", $"'{clamp.Region}' is not a region geom of any person; expected one of: {string.Join(", ", scene.People.SelectMany(p => p.Regions).Select(r => r.Geom))}");
            }
            foreach (var (entry, name) in clamp.From.Keys.Select(n => ($"from.{n}", n)).Concat(clamp.To.Keys.Select(n => ($"to.{n}", n))).Append(("press_actuator", clamp.PressActuator)))
            {
                if (!actuators.Contains(name)) yield return new SceneProblem(planPath, $"clamps[{i}].{entry}", $"'{name}' is not an actuator of robot '{scene.Robot.Name}'; expected one of: {string.Join(", ", actuators)}");
            }
        }
    }

    /// <summary>MuJoCo 2.2.2 collides a cylinder, an ellipsoid or a mesh with a person's capsules and boxes through its
    /// general convex collider, whose contact point jumps from step to step; a region struck at one such point reads that
    /// point's depth, 5–14 % off the two-body model (docs/contact-physics.md, "Not yet right"). Names every robot and
    /// payload geom of those shapes that can touch a person, so that a scene author knows which contacts to look at. A note,
    /// not a refusal: a cup is a cylinder.</summary>
    private static string ConvexColliderNote(SceneManifest scene, ModelDescription model)
    {
        string[] convex = ["cylinder", "ellipsoid", "mesh"];
        var striking = scene.RobotBodies().Concat(scene.PayloadBodies()).ToHashSet(StringComparer.Ordinal);
        var people = model.Geoms.Where(g => scene.FindPersonGeom(g.Name) is not null).ToList();
        var named = model.Geoms
            .Where(g => striking.Contains(g.Body) && convex.Contains(g.Type)
                && people.Any(p => (g.Contype & p.Conaffinity) != 0 || (p.Contype & g.Conaffinity) != 0))
            .Select(g => $"{g.Name} ({g.Type})").ToList();
        return named.Count == 0
            ? "no robot or payload geom that can touch a person is a cylinder, ellipsoid or mesh (MuJoCo 2.2.2's convex collider)"
            : $"robot and payload geoms that can touch a person through MuJoCo 2.2.2's general convex collider, whose contact point can jump from step to step (the hospital's bracelet, a cylinder until 2026-11-30, read up to 13.7 % high on a hand; the strike calibration holds those it strikes with to ±5 % like any other): {string.Join(", ", named)}";
    }

    /// <summary>Opens the scene as an episode opens it, then checks the manifest and set-ups against the model the bridge
    /// loaded and resets to every keyframe a set-up starts from. Returns the model, or null when the scene did not load.</summary>
    private async Task<ModelDescription?> CheckInBridgeAsync(
        SceneManifest scene, IReadOnlyList<Setup> setups, List<SceneProblem> problems, List<string> checks, CancellationToken cancel)
    {
        OpenSessionResponse opened;
        try
        {
            opened = await bridge.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, bodyModel), cancel);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            await ExplainRefusalAsync(scene, e, problems, cancel);
            return null;
        }
        try
        {
            var model = opened.Model;
            checks.Add($"loads in the bridge with person compliance ({model.Geoms.Count} geoms, {model.BodyNames.Count} bodies, timestep {model.TimestepS.ToString(CultureInfo.InvariantCulture)} s)");
            if (SceneCheck.TimestepProblem(model) is { } timestep) problems.Add(new SceneProblem(scene.MjcfPath, "<option timestep>", timestep));
            problems.AddRange(SceneCheck.Mismatches(scene, model).Select(m => new SceneProblem(scene.ManifestPath, m.Entry, m.Problem)));
            var regionGeoms = scene.People.Sum(p => p.Regions.Count);
            checks.Add($"every manifest entry names a real body, geom, actuator, camera or keyframe; {scene.People.Count} person(s), {regionGeoms} region geom(s), every person geom has a region");
            checks.Add(ConvexColliderNote(scene, model));
            foreach (var setup in setups) problems.AddRange(SetupMismatches(setup, scene, model));
            if (setups.Count > 0) checks.Add("set-up keyframes in the MJCF; plans within the actuators' control ranges; seeded people on mocap roots");
            foreach (var keyframe in setups.SelectMany(s => s.Variants.Values).Select(v => v.Keyframe).Distinct(StringComparer.Ordinal).Where(model.KeyframeNames.Contains))
            {
                try
                {
                    await bridge.ResetAsync(new ResetRequest { SessionId = opened.SessionId, Keyframe = keyframe }, cancel);
                }
                catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
                {
                    problems.Add(new SceneProblem(scene.MjcfPath, $"<key name=\"{keyframe}\">", $"the bridge cannot reset to it: {e.StatusCode}: {e.Status.Detail}"));
                }
            }
            if (setups.Count > 0) checks.Add("resets to every set-up keyframe");
            return model;
        }
        finally
        {
            await bridge.CloseQuietlyAsync(opened.SessionId);
        }
    }

    /// <summary>The bridge refuses a session whose watched bodies or compliant geoms are not in the model, naming the
    /// first; opened plainly (nothing watched, nothing compliant), the model tells every manifest entry that names
    /// something it lacks, each with its field path.</summary>
    private async Task ExplainRefusalAsync(SceneManifest scene, RpcException refusal, List<SceneProblem> problems, CancellationToken cancel)
    {
        var refused = new SceneProblem(scene.MjcfPath, "", $"does not load in the bridge, opened as episodes open it (person contacts compliant): {refusal.StatusCode}: {refusal.Status.Detail}");
        OpenSessionResponse plain;
        try
        {
            plain = await bridge.OpenSessionAsync(new OpenSessionRequest { SceneId = scene.Id }, cancel);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            problems.Add(refused);
            return;
        }
        try
        {
            var mismatches = SceneCheck.Mismatches(scene, plain.Model);
            problems.AddRange(mismatches.Select(m => new SceneProblem(scene.ManifestPath, m.Entry, m.Problem)));
            // A refusal for something missing is what the entries above name; any other refusal is a problem of its own.
            if (mismatches.Count == 0 || refusal.StatusCode != StatusCode.NotFound) problems.Add(refused);
        }
        finally
        {
            await bridge.CloseQuietlyAsync(plain.SessionId);
        }
    }

    private static IEnumerable<SceneProblem> SetupMismatches(Setup setup, SceneManifest scene, ModelDescription model)
    {
        foreach (var (id, variant) in setup.Variants)
        {
            if (!model.KeyframeNames.Contains(variant.Keyframe))
            {
                yield return new SceneProblem(setup.FilePath, $"variants.{id}.keyframe", $"keyframe '{variant.Keyframe}' is not in {scene.MjcfFile}");
            }
        }
        var byName = model.Actuators.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var waypoints = setup.Task.ScriptedPlan.Waypoints;
        for (var w = 0; w < waypoints.Count; w++)
        {
            foreach (var (name, target) in waypoints[w].Targets)
            {
                if (byName.TryGetValue(name, out var a) && a.CtrlLimited && (target < a.CtrlMin || target > a.CtrlMax))
                {
                    yield return new SceneProblem(setup.FilePath, $"task.scripted_plan[{w}].targets.{name}", string.Create(CultureInfo.InvariantCulture,
                        $"{target} is outside the actuator's control range [{a.CtrlMin}, {a.CtrlMax}] in {scene.MjcfFile}; MuJoCo would clamp it, so the plan would not be what it says"));
                }
            }
        }
        foreach (var personId in setup.SeedRanges.People.Keys)
        {
            var person = scene.People.First(p => p.Id == personId);
            if (!model.MocapBodyNames.Contains(person.RootBody))
            {
                yield return new SceneProblem(setup.FilePath, $"seed_ranges.people.{personId}", $"person '{personId}' root body '{person.RootBody}' is not a mocap body, so a seed cannot place it");
            }
        }
    }

    private async Task CalibrateAsync(SceneManifest scene, StrikePlan plan, string planPath, List<SceneProblem> problems, List<string> checks, CancellationToken cancel)
    {
        var outcomes = await new StrikeCalibration(bridge.Client, bodyModel).RunAsync(scene, plan, scene.Keyframes[0].Name, cancel);
        var gate = StrikeCalibrationGate.Of(outcomes);
        checks.Add(string.Create(CultureInfo.InvariantCulture,
            $"strike calibration: {gate.Measured} strike(s) on {gate.RegionGeoms} region geom(s), {gate.WithinTolerance} within ±{StrikeCalibrationGate.Tolerance:P0} of the two-body model, median {gate.MedianDeviation:P1} and largest {gate.LargestDeviation:P1} outside it"));
        problems.AddRange(gate.Problems().Select(p => new SceneProblem(planPath, "", $"strike calibration: {p}", Calibration: true)));
        var clamps = new List<ClampOutcome>();
        foreach (var clamp in plan.Clamps ?? []) clamps.Add(await new ClampCalibration(bridge.Client, bodyModel).RunAsync(scene, clamp, cancel));
        if (clamps.Count > 0)
        {
            checks.Add(string.Create(CultureInfo.InvariantCulture,
                $"clamp calibration: {clamps.Count(c => c.Failures().Count == 0)} of {clamps.Count} clamp(s) against the scenery settle at the press actuator's torque within ±{ClampOutcome.Tolerance:P0}"));
        }
        problems.AddRange(clamps.SelectMany(c => c.Failures()).Select(p => new SceneProblem(planPath, "", $"clamp calibration: {p}", Calibration: true)));
    }

    private static SceneProblem FromInput(ScenarioInputException e) => new(e.Origin, e.Field, $"{e.Problem}; expected {e.Expected}");
}
