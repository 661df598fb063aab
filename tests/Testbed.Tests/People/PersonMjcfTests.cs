using System.Xml.Linq;
using Testbed.Controller.Scenes;
using Testbed.Domain.People;
using Testbed.Domain.Scenes;

namespace Testbed.Tests.People;

/// <summary>The person file a scene includes is exactly what its manifest's height, mass and pose generate, and the
/// generated MJCF keeps the collision and contact rules.</summary>
public sealed class PersonMjcfTests
{
    private static readonly Anthropometry Table = Anthropometry.LoadDeLeva1996();

    public static TheoryData<string, string> GeneratedPeople()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in SceneManifestLoader.ListSceneIds(BridgeFixture.ScenesRoot))
        {
            foreach (var person in SceneManifestLoader.Load(BridgeFixture.ScenesRoot, id).People.Where(p => p.Generated is not null))
            {
                data.Add(id, person.Id);
            }
        }
        return data;
    }

    [Fact]
    public void The_warehouse_worker_is_a_generated_person()
    {
        Assert.Contains(GeneratedPeople(), row => (string)row[0] == "warehouse" && (string)row[1] == "worker");
    }

    [Theory]
    [MemberData(nameof(GeneratedPeople))]
    public void The_checked_in_person_file_is_what_the_manifest_generates(string sceneId, string personId)
    {
        var person = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, sceneId).People.Single(p => p.Id == personId);
        var generated = person.Generated!;

        var expected = PersonMjcf.Write(PersonBody.Build(Table, person.Id, generated.HeightM, generated.MassKg), generated.DefaultPose);

        Assert.True(expected == File.ReadAllText(generated.MjcfPath),
            $"{generated.MjcfPath} differs from what {sceneId}/scene.json generates; regenerate it with `testbed scenes person` (the scene's README gives the command)");
    }

    [Fact]
    public void Person_geoms_collide_as_people_and_carry_no_contact_parameters()
    {
        var xml = XDocument.Parse(PersonMjcf.Write(PersonBody.Build(Table, "worker", 1.75, 75), new PersonPlacement(0, 0, 0)));
        var geoms = xml.Descendants("geom").ToList();

        Assert.Equal(20, geoms.Count);
        foreach (var geom in geoms)
        {
            Assert.Equal("2", (string?)geom.Attribute("contype"));
            Assert.Equal("13", (string?)geom.Attribute("conaffinity"));
            Assert.Null(geom.Attribute("solref"));
            Assert.Null(geom.Attribute("solimp"));
            Assert.Null(geom.Attribute("priority"));
            Assert.Null(geom.Attribute("class"));
        }
        Assert.Equal("true", (string?)xml.Root!.Element("body")!.Attribute("mocap"));
    }

    [Fact]
    public async Task The_command_writes_the_generated_file_and_refuses_a_bad_height_with_exit_2()
    {
        var output = Path.Combine(Path.GetTempPath(), "testbed-person-" + Guid.NewGuid().ToString("N") + ".xml");
        try
        {
            var (exit, stdout, stderr) = await RunAsync("scenes", "person", "--id", "patient", "--height", "1.55", "--mass", "50", "--x", "0.5", "--y", "-1", "--yaw", "-90", "--out", output);

            Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
            Assert.Equal(PersonMjcf.Write(PersonBody.Build(Table, "patient", 1.55, 50), new PersonPlacement(0.5, -1, -90)), File.ReadAllText(output));

            var (badExit, _, badError) = await RunAsync("scenes", "person", "--id", "patient", "--height", "17", "--mass", "50", "--out", output);

            Assert.Equal(2, badExit);
            Assert.Contains("--height", badError);
            Assert.Contains("'17'", badError);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => TestbedProgram.RunAsync(args);
}
