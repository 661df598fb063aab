using Testbed.Domain.Input;
using Testbed.Domain.Scenes;
using Testbed.Mjcf;
using Testbed.Tests.Domain;

namespace Testbed.Tests.Scenes;

/// <summary>The walker over what an MJCF loads, on real files, without an engine: the list it finds, its limits,
/// and the errors the domain reports with it.</summary>
public sealed class MjcfLoadedFilesTests : IDisposable
{
    private readonly SceneRootFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SceneFolder => Path.Combine(_folder.Root, "s");

    private MjcfFileException Refused(string mjcf, MjcfLimits? limits = null) =>
        Assert.Throws<MjcfFileException>(() => MjcfLoadedFiles.Resolve(Path.Combine(SceneFolder, mjcf), SceneFolder, limits));

    [Fact]
    public void It_lists_the_model_its_includes_and_its_assets_once_each_with_their_roles()
    {
        _folder.Write("s/scene.xml",
            "<mujoco><compiler meshdir=\"meshes\" texturedir=\"textures/\"/><include file=\"parts/assets.xml\"/>" +
            "<worldbody><include file=\"parts/body.xml\"/></worldbody></mujoco>");
        _folder.Write("s/parts/assets.xml",
            "<mujoco><asset><mesh file=\"arm.stl\"/><mesh name=\"again\" file=\"arm.stl\"/><texture type=\"cube\" fileup=\"sky.png\" filedown=\"sky.png\"/>" +
            "<hfield file=\"ground.png\"/></asset></mujoco>");
        _folder.Write("s/parts/body.xml", SceneRootFolder.GeomFragment("g"));
        _folder.Write("s/meshes/arm.stl", "m");
        _folder.Write("s/meshes/ground.png", "h");
        _folder.Write("s/textures/sky.png", "t");
        _folder.Write("s/README.md", "not loaded");

        var files = MjcfLoadedFiles.Resolve(Path.Combine(SceneFolder, "scene.xml"), SceneFolder);

        Assert.Equal(
            [("scene.xml", MjcfFileRole.Model), ("parts/assets.xml", MjcfFileRole.Include), ("parts/body.xml", MjcfFileRole.Include),
             ("meshes/arm.stl", MjcfFileRole.Mesh), ("textures/sky.png", MjcfFileRole.Texture), ("meshes/ground.png", MjcfFileRole.Heightfield)],
            files.Files.Select(f => (f.RelativePath, f.Role)));
        Assert.Equal(files.Files.Sum(f => new FileInfo(f.Path).Length), files.TotalBytes);
    }

    [Fact]
    public void A_nested_include_is_confined_where_MuJoCo_opens_it_not_where_its_includer_lies()
    {
        // s/deep/a.xml names "../x.xml": beside the includer that would be s/x.xml, inside; MuJoCo 2.2.2 opens
        // s/../x.xml, relative to the scene's MJCF, which is outside.
        _folder.Write("s/scene.xml", "<mujoco><include file=\"deep/a.xml\"/></mujoco>");
        _folder.Write("s/deep/a.xml", "<mujoco><include file=\"../x.xml\"/></mujoco>");
        _folder.Write("s/x.xml", SceneRootFolder.GeomFragment("inside"));
        _folder.Write("x.xml", SceneRootFolder.GeomFragment("outside"));

        var error = Refused("scene.xml");

        Assert.Equal(MjcfFileProblem.OutsideSceneFolder, error.Kind);
        Assert.Equal(Path.Combine(SceneFolder, "deep", "a.xml"), error.MjcfFile);
        Assert.Contains(Path.Combine(_folder.Root, "x.xml"), error.Message);
    }

    [Fact]
    public void The_last_compiler_meshdir_wins_as_in_MuJoCo()
    {
        _folder.Write("s/scene.xml", "<mujoco><compiler meshdir=\"../../outside\"/><compiler meshdir=\"good\"/><asset><mesh file=\"m.stl\"/></asset></mujoco>");
        _folder.Write("s/good/m.stl", "m");

        var files = MjcfLoadedFiles.Resolve(Path.Combine(SceneFolder, "scene.xml"), SceneFolder);

        Assert.Equal("good/m.stl", files.Files[1].RelativePath);
    }

    [Fact]
    public void All_files_together_over_the_limit_are_refused_naming_the_file_that_crossed_it()
    {
        _folder.Write("s/scene.xml", "<mujoco><asset><mesh file=\"a.stl\"/><mesh file=\"b.stl\"/></asset></mujoco>");
        _folder.WriteBytes("s/a.stl", new byte[600]);
        _folder.WriteBytes("s/b.stl", new byte[600]);

        var error = Refused("scene.xml", new MjcfLimits { MaxTotalBytes = 1000 });

        Assert.Equal(MjcfFileProblem.TooLarge, error.Kind);
        Assert.Equal("b.stl", error.Path);
        Assert.Contains("<mesh file> at line 1", error.Message);
        Assert.Contains("at most 1,000 bytes in all files", error.Message);
    }

    [Fact]
    public void Too_many_files_are_refused()
    {
        _folder.Write("s/scene.xml", "<mujoco><asset><mesh file=\"a.stl\"/><mesh file=\"b.stl\"/></asset></mujoco>");
        _folder.Write("s/a.stl", "a");
        _folder.Write("s/b.stl", "b");

        var error = Refused("scene.xml", new MjcfLimits { MaxFiles = 2 });

        Assert.Equal(MjcfFileProblem.TooLarge, error.Kind);
        Assert.Contains("at most 2 files", error.Message);
    }

    [Fact]
    public void An_oversize_included_file_is_refused_naming_the_include()
    {
        _folder.Write("s/scene.xml", "<mujoco>\n<include file=\"big.xml\"/></mujoco>");
        _folder.Write("s/big.xml", "<mujoco>" + new string(' ', 2000) + "</mujoco>");

        var error = Refused("scene.xml", new MjcfLimits { MaxXmlFileBytes = 1000 });

        Assert.Equal(MjcfFileProblem.TooLarge, error.Kind);
        Assert.Contains("<include file> at line 2", error.Message);
        Assert.Contains("'big.xml'", error.Message);
    }

    [Fact]
    public void A_DTD_is_refused_so_that_no_entity_can_name_a_file()
    {
        File.WriteAllText(Path.Combine(_folder.Outside, "secret.txt"), "secret");
        _folder.Write("s/scene.xml", $"<!DOCTYPE mujoco [<!ENTITY x SYSTEM \"file://{_folder.Outside}/secret.txt\">]><mujoco model=\"&x;\"/>");

        var error = Refused("scene.xml");

        Assert.Equal(MjcfFileProblem.Malformed, error.Kind);
        Assert.DoesNotContain("secret", error.Message.Replace("secret.txt", ""));
    }

    [Fact]
    public void A_repeated_include_and_a_missing_file_are_named()
    {
        _folder.Write("s/twice.xml", "<mujoco><include file=\"p.xml\"/><include file=\"p.xml\"/></mujoco>");
        _folder.Write("s/p.xml", SceneRootFolder.GeomFragment("p"));
        _folder.Write("s/missing.xml", "<mujoco><asset><mesh file=\"nowhere.stl\"/></asset></mujoco>");

        Assert.Contains("a second time", Refused("twice.xml").Message);
        var missing = Refused("missing.xml");
        Assert.Equal(MjcfFileProblem.Missing, missing.Kind);
        Assert.Contains(Path.Combine(SceneFolder, "nowhere.stl"), missing.Message);
    }

    [Fact]
    public void A_path_MuJoCo_would_read_differently_is_refused()
    {
        // A NUL ends MuJoCo's C string early; a byte that is not UTF-8 names another file to the kernel than the
        // replacement character would here.
        _folder.Write("s/nul.xml", "<mujoco><include file=\"p.xml&#0;/../../../outside/evil.xml\"/></mujoco>");
        _folder.WriteBytes("s/latin1.xml", [.. "<mujoco><include file=\""u8, 0xFF, .. "/../p.xml\"/></mujoco>"u8]);
        _folder.Write("s/p.xml", SceneRootFolder.GeomFragment("p"));

        var nul = Refused("nul.xml");
        var latin1 = Refused("latin1.xml");

        Assert.Equal(MjcfFileProblem.Malformed, nul.Kind);
        Assert.Contains("control character", nul.Message);
        Assert.Equal(MjcfFileProblem.Malformed, latin1.Kind);
        Assert.Contains("not valid UTF-8", latin1.Message);
    }

    [Fact]
    public void A_URDF_root_is_refused()
    {
        _folder.Write("s/robot.xml", "<robot name=\"r\"><link name=\"l\"/></robot>");

        Assert.Contains("<robot>", Refused("robot.xml").Message);
    }

    [Fact]
    public void A_scene_manifest_whose_MJCF_includes_a_file_outside_its_folder_fails_naming_the_MJCF_and_the_element()
    {
        using var scenes = new ScenesFolder();
        File.WriteAllText(Path.Combine(scenes.SceneFolder, "warehouse.xml"), "<mujoco>\n  <include file=\"../../outside.xml\"/>\n</mujoco>\n");

        var error = Assert.Throws<ScenarioInputException>(() => SceneManifestLoader.Load(scenes.Root, ScenesFolder.SceneId));

        Assert.Equal(Path.Combine(scenes.SceneFolder, "warehouse.xml"), error.Origin);
        Assert.Equal("<include file> at line 2", error.Field);
        Assert.Contains("'../../outside.xml'", error.Message);
        Assert.Contains("outside the scene folder", error.Message);
    }
}
