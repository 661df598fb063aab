using System.Globalization;
using Testbed.Controller.Scenes;
using Testbed.Domain.People;

namespace Testbed.Cli.Commands;

/// <summary>`testbed scenes person`: writes an articulated person (MJCF fragment for a scene's worldbody) built from
/// the anthropometric table for a given stature and mass.</summary>
public static class PersonCommand
{
    public const string Usage = """
        testbed scenes person --id ID --height M --mass KG --out FILE [--x M] [--y M] [--yaw DEG]
            Writes an articulated person (de Leva 1996 segments, ISO/TS 15066 region per geom) as an MJCF file to
            include in a scene's <worldbody>; --x/--y/--yaw place its mocap root in the model's default state.
        """;

    public static int Run(string[] args, TextWriter output)
    {
        var line = new CommandLine(args, new HashSet<string> { "--id", "--height", "--mass", "--out", "--x", "--y", "--yaw" }, new HashSet<string>());
        line.NoPositional("scenes person");
        var id = line.Value("--id") ?? throw new UsageException("scenes person: --id is required (the person's name, e.g. worker)");
        var outPath = line.Value("--out") ?? throw new UsageException("scenes person: --out is required (the MJCF file to write)");
        var height = Required(line, "--height", PersonBody.MinHeightM, PersonBody.MaxHeightM);
        var mass = Required(line, "--mass", PersonBody.MinMassKg, PersonBody.MaxMassKg);
        var problem = PersonBody.Problem(id, height, mass);
        if (problem is not null)
        {
            throw new UsageException($"scenes person: {problem}");
        }

        var person = PersonBody.Build(Anthropometry.LoadDeLeva1996(), id, height, mass);
        var placement = new PersonPlacement(line.Double("--x", 0, -1000, 1000), line.Double("--y", 0, -1000, 1000), line.Double("--yaw", 0, -360, 360));
        File.WriteAllText(outPath, PersonMjcf.Write(person, placement));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: person '{id}', {height} m, {mass} kg, {person.Bodies.Count} bodies, {person.RegionGeoms().Count} region geoms"));
        return 0;
    }

    private static double Required(CommandLine line, string option, double min, double max) =>
        line.Value(option) is null
            ? throw new UsageException($"scenes person: {option} is required (a number from {min} to {max})")
            : line.Double(option, double.NaN, min, max);
}
