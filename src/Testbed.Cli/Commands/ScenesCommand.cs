using System.CommandLine;
using System.Globalization;
using Testbed.Controller.Scenes;
using Testbed.Domain.People;

namespace Testbed.Cli.Commands;

/// <summary>`testbed scenes person`: writes an articulated person (an MJCF fragment for a scene's worldbody) built from
/// the anthropometric table for a given stature and mass.</summary>
public static class ScenesCommand
{
    public static Command Create()
    {
        var scenes = new Command("scenes", "Tools for the scenes under sim-scenes/.");
        scenes.Subcommands.Add(Person());
        return scenes;
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
