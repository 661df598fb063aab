using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Bridge;
using Testbed.Controller.Calibration;
using Testbed.Controller.Runs;
using Testbed.Controller.Scenes;
using Testbed.Domain.Harm;
using Testbed.Domain.People;
using Testbed.Domain.Scenarios;
using Testbed.Domain.Scenes;

namespace Testbed.Cli.Commands;

/// <summary>`testbed scenes person`: writes an articulated person (an MJCF fragment for a scene's worldbody) built from
/// the anthropometric table for a given stature and mass. `testbed scenes validate`: checks scenes in the bridge.
/// `testbed scenes calibrate`: the strike calibration of one scene, strike by strike, as a table.
/// `testbed scenes render`: a picture of a set-up variant from the scene's cameras.</summary>
public static class ScenesCommand
{
    public static Command Create()
    {
        var scenes = new Command("scenes", "Tools for the scenes under sim-scenes/.");
        scenes.Subcommands.Add(Person());
        scenes.Subcommands.Add(Validate());
        scenes.Subcommands.Add(Calibrate());
        scenes.Subcommands.Add(Render());
        return scenes;
    }

    /// <summary>The one scene a scene folder or a site with one scene names.</summary>
    private static SceneManifest OneScene(string root, string name, string verb)
    {
        var matches = SceneValidation.SelectScenes(root, [name]);
        var sceneId = matches.Contains(name) ? name : matches.Count == 1 ? matches[0]
            : throw new UsageException($"{verb}: site '{name}' has scenes {string.Join(", ", matches)}; expected one scene folder");
        return SceneManifestLoader.Load(root, sceneId);
    }

    private static Option<string> ScenesRoot() => new("--scenes") { Description = "the scenes root (default: sim-scenes/ of this repository)", HelpName = "DIR" };

    private static Option<string> Bridge() => new("--bridge") { Description = "use the running bridge at ADDRESS instead of one in this process", HelpName = "ADDRESS" };

    private static Command Validate()
    {
        var sites = new Argument<string[]>("SITE") { Description = "scene folders or sites to check (default: every scene)", Arity = ArgumentArity.ZeroOrMore };
        var calibrate = new Option<bool>("--calibrate") { Description = "also strike each person of a scene with a strike-plan.json by the scene's own robot (minutes per scene)" };
        var scenes = ScenesRoot();
        var bridge = Bridge();
        var command = new Command("validate", """
            Checks every scene (or those named): scene.json, set-ups, scenarios and strike plan load; every scenario runs a
            set-up and variant that exist (a set-up no scenario runs is fine); the scene loads in the bridge as episodes open it (person contacts
            compliant); every manifest entry names a real body, geom, actuator, camera or keyframe; every geom of every
            person's bodies has a body region; set-up plans stay in the actuators' control ranges and every set-up
            keyframe resets. --calibrate adds the strike calibration with the scene's own robot.
            Exit codes: 0 every scene passes; 1 only a strike calibration is outside its tolerance; 2 a scene file has a
            problem (each printed with its file, entry and problem) or the usage is wrong; 3 no bridge.
            """) { sites, calibrate, scenes, bridge };
        command.SetAction(async (parse, cancel) =>
        {
            var root = RepositoryPaths.FindScenes(parse.GetValue(scenes));
            var selected = SceneValidation.SelectScenes(root, parse.GetValue(sites) ?? []);
            await using var sim = await BenchBridge.OpenAsync(parse.GetValue(bridge), root, cancel);
            var validation = new SceneValidation(new BridgeCalls(sim.Connection.Client, CallDeadlines.Default), BodyModel.LoadIsoTs15066());
            var reports = new List<SceneValidationReport>();
            foreach (var id in selected)
            {
                var report = await validation.ValidateAsync(root, id, parse.GetValue(calibrate), cancel);
                reports.Add(report);
                await Console.Out.WriteLineAsync($"{report.SceneId}: {(report.Passed ? "OK" : $"{report.Problems.Count} problem(s)")}");
                foreach (var check in report.Checked) await Console.Out.WriteLineAsync($"  checked: {check}");
                foreach (var problem in report.Problems) await Console.Out.WriteLineAsync($"  problem: {problem}");
            }
            var failed = reports.Count(r => !r.Passed);
            await Console.Out.WriteLineAsync($"{reports.Count - failed} of {reports.Count} scene(s) OK");
            var problems = reports.SelectMany(r => r.Problems).ToList();
            return problems.Count == 0 ? ExitCodes.Passed : problems.All(p => p.Calibration) ? ExitCodes.Failed : ExitCodes.UsageOrInput;
        });
        return command;
    }

    private static Command Calibrate()
    {
        var site = new Argument<string>("SITE") { Description = "the scene folder (or a site with one scene) whose strike-plan.json to run" };
        var regions = OptionValues.List("--region", "only these region geoms, e.g. worker_pelvis (default: every region geom of every person)", "GEOM");
        // Repeated, never split at commas: shape names have commas in them ("stick down 80 degrees, hammer level").
        var shapes = new Option<string[]>("--shape")
        {
            Description = "only this arm shape of the strike plan, by its whole name; repeat for more (default: every shape)",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var table = new Option<string>("--table") { Description = "also write the table (Markdown, as in the scene READMEs) to this file", HelpName = "FILE.md" };
        var scenes = ScenesRoot();
        var bridge = Bridge();
        var command = new Command("calibrate", """
            Strikes the scene's people with its own robot, and with the payloads it holds, as its strike-plan.json says,
            and prints one line per strike as it is measured, then the table the scene READMEs carry: per region geom, arm
            shape and speed, the robot part or payload that struck, the closing speed, the effective masses, the peak and
            the ISO/TS 15066 two-body model v·sqrt(k·mu) (the coast is frictionless, as that model is), and whether the
            peak lies within 5 % of it; before it, how each region geom was covered (arm shapes and speeds struck);
            after it, every strike that could not be set up, with why. Then the plan's clamps (a region pressed into the
            scenery and held): the settled force, the robot's whole push, how much of it the scenery carries, the press
            joint's load (the contacts' torque less the weight's) against its actuator, and the largest force step
            (--region runs only the clamps on those regions). docs/contact-physics.md explains the rig and the model.
            Exit codes: 0 the calibration passes the gate of `scenes validate --calibrate` (every strike within 5 %,
            every region geom struck at every speed and in at least three arm shapes, or all of them when fewer are
            run; every clamp's actuator within 5 % of its load, the contacts less the weight, its region settled at
            20 % of F_s or more, the scenery's force grown by 75 % to 125 % of the push, no force step above 5 % of
            F_s); 1 it does not; 2 a usage or scene file problem; 3 no bridge.
            """) { site, regions, shapes, table, scenes, bridge };
        command.SetAction(async (parse, cancel) =>
        {
            var root = RepositoryPaths.FindScenes(parse.GetValue(scenes));
            var scene = OneScene(root, parse.GetValue(site)!, "calibrate");
            if (!File.Exists(Path.Combine(scene.FolderPath, StrikePlan.FileName)))
            {
                throw new UsageException($"calibrate: scene '{scene.Id}' has no {StrikePlan.FileName}; expected a strike plan (sim-scenes/README.md says how to write one)");
            }
            var plan = StrikePlan.Load(scene.FolderPath);
            var wantedShapes = (parse.GetValue(shapes) ?? []).Distinct().ToArray();
            var unknownShape = wantedShapes.FirstOrDefault(w => plan.Shapes.All(s => s.Name != w));
            if (unknownShape is not null)
            {
                throw new UsageException($"--shape: '{unknownShape}' is not an arm shape of {scene.Id}/{StrikePlan.FileName}; expected one of: {string.Join(", ", plan.Shapes.Select(s => $"'{s.Name}'"))}");
            }
            if (wantedShapes.Length > 0) plan = plan with { Shapes = plan.Shapes.Where(s => wantedShapes.Contains(s.Name)).ToList() };
            var wantedRegions = (parse.GetValue(regions) ?? []).Distinct().ToArray();
            var geoms = scene.People.SelectMany(p => p.Regions).Select(r => r.Geom).ToList();
            var unknownRegion = wantedRegions.FirstOrDefault(w => !geoms.Contains(w));
            if (unknownRegion is not null)
            {
                throw new UsageException($"--region: '{unknownRegion}' is not a region geom of a person in {scene.Id}; expected one of: {string.Join(", ", geoms)}");
            }

            await using var sim = await BenchBridge.OpenAsync(parse.GetValue(bridge), root, cancel);
            var strikes = (wantedRegions.Length > 0 ? wantedRegions.Length : geoms.Count) * plan.Shapes.Count * plan.SpeedsMps.Count;
            await Console.Error.WriteLineAsync($"{scene.Id}: {strikes} strike(s) to set up ({plan.Shapes.Count} arm shape(s), {plan.SpeedsMps.Count} speed(s))");
            var done = 0;
            var outcomes = await new StrikeCalibration(sim.Connection.Client, BodyModel.LoadIsoTs15066()).RunAsync(scene, plan, scene.Keyframes[0].Name, cancel,
                wantedRegions.Length > 0 ? wantedRegions.ToHashSet() : null,
                o => Console.Error.WriteLine($"[{++done}/{strikes}] {StrikeCalibrationTable.Line(o)}"));
            // The plan's clamps against the scenery, seconds each: those on the regions asked for.
            var clamps = new List<ClampOutcome>();
            foreach (var clamp in (plan.Clamps ?? []).Where(c => wantedRegions.Length == 0 || wantedRegions.Contains(c.Region)))
            {
                var outcome = await new ClampCalibration(sim.Connection.Client, BodyModel.LoadIsoTs15066()).RunAsync(scene, clamp, cancel);
                await Console.Error.WriteLineAsync(StrikeCalibrationTable.Line(outcome));
                clamps.Add(outcome);
            }
            var markdown = StrikeCalibrationTable.Markdown(outcomes);
            if (clamps.Count > 0) markdown += Environment.NewLine + "Clamps against the scenery:" + Environment.NewLine + Environment.NewLine + StrikeCalibrationTable.ClampMarkdown(clamps);
            await Console.Out.WriteAsync(markdown);
            if (parse.GetValue(table) is { } path)
            {
                await File.WriteAllTextAsync(path, markdown, cancel);
                await Console.Error.WriteLineAsync($"wrote {path}");
            }
            var problems = StrikeCalibrationGate.Of(outcomes).Problems().Concat(clamps.SelectMany(c => c.Failures())).ToList();
            foreach (var problem in problems) await Console.Error.WriteLineAsync($"strike calibration: {problem}");
            return problems.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Render()
    {
        var site = new Argument<string>("SITE") { Description = "the scene folder (or a site with one scene)" };
        var setup = new Option<string>("--set-up") { Description = "the set-up to picture (default: the scene's first)", HelpName = "ID" };
        var variant = new Option<string>("--variant") { Description = "the set-up variant (default: hazardous)", DefaultValueFactory = _ => SetupVariant.Hazardous, HelpName = "benign|hazardous" };
        var camera = OptionValues.List("--camera", "cameras, side by side in this order; all: every camera (default: the third-person camera)", "NAME");
        var width = OptionValues.Int("--width", "width of each camera's view in pixels", 640, 16, 4096);
        var height = OptionValues.Int("--height", "height in pixels", 480, 16, 4096);
        var output = new Option<string>("--out") { Description = "the PNG file to write", HelpName = "FILE.png", Required = true };
        var scenes = ScenesRoot();
        var bridge = Bridge();
        var command = new Command("render", """
            Writes a PNG of a set-up variant's start state (its keyframe) from the scene's cameras, rendered by the bridge
            on the CPU. Several cameras are put side by side with a 4-pixel white gap, so the picture is N × width plus
            the gaps wide. Generated people wear a fluorescent yellow vest over khaki, with skin-coloured face and hands,
            so they stand out from robots and payloads.
            """) { site, setup, variant, camera, width, height, output, scenes, bridge };
        command.SetAction(async (parse, cancel) =>
        {
            var root = RepositoryPaths.FindScenes(parse.GetValue(scenes));
            var scene = OneScene(root, parse.GetValue(site)!, "render");
            var setups = SetupLoader.FilesOf(scene).Select(f => SetupLoader.Load(f, scene)).ToList();
            var start = ScenePicture.ChooseStart(scene, setups, parse.GetValue(setup), parse.GetValue(variant)!);
            var cameras = ScenePicture.ChooseCameras(scene, parse.GetValue(camera) ?? []);
            var path = parse.GetValue(output)!;
            await using var sim = await BenchBridge.OpenAsync(parse.GetValue(bridge), root, cancel);
            var picture = new ScenePicture(new BridgeCalls(sim.Connection.Client, CallDeadlines.Default), BodyModel.LoadIsoTs15066());
            var image = await picture.RenderAsync(scene, start.Keyframe, cameras, parse.GetValue(width), parse.GetValue(height), cancel);
            await File.WriteAllBytesAsync(path, PngFile.Encode(image.Width, image.Height, image.Rgb), cancel);
            await Console.Out.WriteLineAsync($"wrote {path}: {image.Width}x{image.Height}, scene '{scene.Id}', {start.Description}, camera(s) {string.Join(", ", cameras)}");
            return 0;
        });
        return command;
    }

    private static Command Person()
    {
        var id = new Option<string>("--id") { Description = "the person's name, e.g. worker (prefixes every body and geom)", Required = true };
        var height = OptionValues.Double("--height", "stature", double.NaN, PersonBody.MinHeightM, PersonBody.MaxHeightM, "M");
        height.Required = true;
        var mass = OptionValues.Double("--mass", "body mass", double.NaN, PersonBody.MinMassKg, PersonBody.MaxMassKg, "KG");
        mass.Required = true;
        var output = new Option<string>("--out") { Description = "the MJCF file to write", HelpName = "FILE", Required = true };
        var x = OptionValues.Double("--x", "mocap root x in the model's default state", 0, -1000, 1000, "M");
        var y = OptionValues.Double("--y", "mocap root y in the model's default state", 0, -1000, 1000, "M");
        var yaw = OptionValues.Double("--yaw", "mocap root heading", 0, -360, 360, "DEG");
        var command = new Command("person", """
            Writes an articulated person (de Leva 1996 segments, an ISO/TS 15066 body region for every geom) as an MJCF
            file to include in a scene's <worldbody>; --x/--y/--yaw place its mocap root in the model's default state.
            """) { id, height, mass, output, x, y, yaw };
        command.SetAction(parse =>
        {
            var (name, stature, kilograms, path) = (parse.GetValue(id)!, parse.GetValue(height), parse.GetValue(mass), parse.GetValue(output)!);
            var problem = PersonBody.Problem(name, stature, kilograms);
            if (problem is not null) throw new UsageException($"scenes person: {problem}");
            var person = PersonBody.Build(Anthropometry.LoadDeLeva1996(), name, stature, kilograms);
            File.WriteAllText(path, PersonMjcf.Write(person, new PersonPlacement(parse.GetValue(x), parse.GetValue(y), parse.GetValue(yaw))));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: person '{name}', {stature} m, {kilograms} kg, {person.Bodies.Count} bodies, {person.RegionGeoms().Count} region geoms"));
            return 0;
        });
        return command;
    }
}
