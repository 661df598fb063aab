using Grpc.Core;
using Testbed.Bridge;
using Testbed.Controller.Bridge;
using Testbed.Sim.V1;
using Testbed.Tests.Scenes;

namespace Testbed.Tests.Bridge;

/// <summary>A real bridge serving a throw-away scene root.</summary>
public sealed class ContainmentBridge : IAsyncLifetime
{
    private BridgeServer? _server;
    private BridgeConnection? _connection;

    public SceneRootFolder Folder { get; } = new();
    public SimBridge.SimBridgeClient Client => (_connection ?? throw new InvalidOperationException("not connected")).Client;

    public async Task InitializeAsync()
    {
        _server = await BridgeServer.StartAsync(new BridgeOptions { Port = 0, SceneRoot = Folder.Root });
        _connection = await BridgeConnection.ConnectAsync(_server.Address.ToString(), TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Folder.Dispose();
    }
}

/// <summary>Every file an MJCF loads stays inside the scene's folder, as MuJoCo 2.2.2 would resolve it, and is
/// refused with PERMISSION_DENIED before MuJoCo opens anything; values MuJoCo accepts but cannot simulate are
/// refused at load with INVALID_ARGUMENT. Against the real bridge and real MuJoCo.</summary>
public sealed class SceneContainmentTests(ContainmentBridge bridge) : IClassFixture<ContainmentBridge>
{
    private readonly SceneRootFolder _folder = bridge.Folder;

    private static string Model(string worldbody, string head = "") =>
        $"<mujoco>{head}<worldbody>{worldbody}</worldbody></mujoco>\n";

    private async Task<OpenSessionResponse> OpenAsync(string mjcfPath)
    {
        var opened = await bridge.Client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = mjcfPath });
        await bridge.Client.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });
        return opened;
    }

    private async Task<RpcException> RefusedAsync(StatusCode expected, OpenSessionRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => bridge.Client.OpenSessionAsync(request).ResponseAsync);
        Assert.True(error.StatusCode == expected, $"{error.StatusCode}: {error.Status.Detail}; expected {expected}");
        return error;
    }

    private Task<RpcException> RefusedAsync(StatusCode expected, string mjcfPath) =>
        RefusedAsync(expected, new OpenSessionRequest { MjcfPath = mjcfPath });

    [Fact]
    public async Task An_include_that_climbs_out_of_the_scene_folder_is_refused_naming_the_file_the_element_and_the_path()
    {
        File.WriteAllText(Path.Combine(_folder.Outside, "evil.xml"), SceneRootFolder.GeomFragment("evil"));
        var scene = _folder.Write("climb/scene.xml", Model("<include file=\"../../outside/evil.xml\"/>"));
        _folder.WriteSceneJson("climb", "scene.xml");

        foreach (var request in new[] { new OpenSessionRequest { MjcfPath = "climb/scene.xml" }, new OpenSessionRequest { SceneId = "climb" } })
        {
            var error = await RefusedAsync(StatusCode.PermissionDenied, request);
            Assert.Contains(scene, error.Status.Detail);
            Assert.Contains("<include file> at line 1", error.Status.Detail);
            Assert.Contains("'../../outside/evil.xml'", error.Status.Detail);
            Assert.Contains(Path.Combine(_folder.Outside, "evil.xml"), error.Status.Detail);
        }
    }

    [Fact]
    public async Task Etc_passwd_named_by_an_include_is_refused_not_parsed()
    {
        _folder.Write("passwd/scene.xml", Model("<include file=\"../../../../../../../../../../etc/passwd\"/>"));

        var error = await RefusedAsync(StatusCode.PermissionDenied, "passwd/scene.xml");

        Assert.Contains("'/etc/passwd'", error.Status.Detail);
        Assert.DoesNotContain("XML parse error", error.Status.Detail);
    }

    [Fact]
    public async Task An_include_into_a_sibling_scene_folder_is_refused()
    {
        _folder.Write("neighbour/parts.xml", SceneRootFolder.GeomFragment("neighbour"));
        _folder.Write("borrower/scene.xml", Model("<include file=\"../neighbour/parts.xml\"/>"));
        _folder.WriteSceneJson("borrower", "scene.xml");

        var error = await RefusedAsync(StatusCode.PermissionDenied, new OpenSessionRequest { SceneId = "borrower" });

        Assert.Contains(Path.Combine(_folder.Root, "borrower"), error.Status.Detail);
    }

    [Fact]
    public async Task An_escape_inside_an_included_file_is_refused_naming_that_file()
    {
        File.WriteAllText(Path.Combine(_folder.Outside, "evil.xml"), SceneRootFolder.GeomFragment("evil"));
        _folder.Write("nested/scene.xml", Model("<include file=\"parts/a.xml\"/>"));
        var included = _folder.Write("nested/parts/a.xml", "<mujoco>\n  <INCLUDE file=\"../../outside/evil.xml\"/>\n</mujoco>\n");

        var error = await RefusedAsync(StatusCode.PermissionDenied, "nested/scene.xml");

        Assert.Contains($"MJCF '{included}': <INCLUDE file> at line 2", error.Status.Detail);
    }

    [Fact]
    public async Task An_absolute_include_is_refused_even_when_it_points_inside()
    {
        var inside = _folder.Write("absolute/part.xml", SceneRootFolder.GeomFragment("part"));
        _folder.Write("absolute/scene.xml", Model($"<include file=\"{inside}\"/>"));

        var error = await RefusedAsync(StatusCode.PermissionDenied, "absolute/scene.xml");

        Assert.Contains("absolute path", error.Status.Detail);
    }

    [Fact]
    public async Task Links_that_lead_out_of_the_scene_folder_are_refused()
    {
        File.WriteAllText(Path.Combine(_folder.Outside, "evil.xml"), SceneRootFolder.GeomFragment("evil"));
        _folder.Write("links/scene-file.xml", Model("<include file=\"evil-link.xml\"/>"));
        File.CreateSymbolicLink(Path.Combine(_folder.Root, "links", "evil-link.xml"), Path.Combine(_folder.Outside, "evil.xml"));
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "links", "dir-link"), _folder.Outside);
        _folder.Write("links/scene-dir.xml", Model("<include file=\"dir-link/evil.xml\"/>"));
        // Lexically this is links/outside/evil.xml; the kernel applies ".." to the link's target: <top>/outside/evil.xml.
        Directory.CreateDirectory(Path.Combine(_folder.Root, "links", "sub"));
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "links", "sub", "up"), _folder.Outside);
        _folder.Write("links/scene-dotdot.xml", Model("<include file=\"sub/up/../outside/evil.xml\"/>"));

        foreach (var scene in new[] { "links/scene-file.xml", "links/scene-dir.xml", "links/scene-dotdot.xml" })
        {
            var error = await RefusedAsync(StatusCode.PermissionDenied, scene);
            Assert.Contains(Path.Combine(_folder.Outside, "evil.xml"), error.Status.Detail);
        }
    }

    [Fact]
    public async Task Nested_includes_resolve_against_the_scene_MJCF_folder_as_MuJoCo_does()
    {
        _folder.Write("resolve/scene.xml", Model("<include file=\"parts/a.xml\"/>"));
        _folder.Write("resolve/parts/a.xml", "<mujoco><geom name=\"a\" type=\"sphere\" size=\"0.1\"/><include file=\"b.xml\"/></mujoco>");
        _folder.Write("resolve/b.xml", SceneRootFolder.GeomFragment("b_beside_the_scene"));
        _folder.Write("resolve/parts/b.xml", SceneRootFolder.GeomFragment("b_beside_the_include"));

        var opened = await OpenAsync("resolve/scene.xml");

        var geoms = opened.Model.Geoms.Select(g => g.Name).ToArray();
        Assert.Contains("a", geoms);
        Assert.Contains("b_beside_the_scene", geoms);
        Assert.DoesNotContain("b_beside_the_include", geoms);
    }

    [Fact]
    public async Task An_included_file_inside_the_folder_loads_and_changing_it_changes_the_model_hash()
    {
        _folder.Write("hashed/scene.xml", Model("<include file=\"parts/ball.xml\"/>"));
        _folder.Write("hashed/parts/ball.xml", SceneRootFolder.GeomFragment("ball"));
        var first = await OpenAsync("hashed/scene.xml");
        var again = await OpenAsync("hashed/scene.xml");
        _folder.Write("hashed/parts/ball.xml", SceneRootFolder.GeomFragment("ball").Replace("0.1", "0.2"));
        var changed = await OpenAsync("hashed/scene.xml");

        Assert.Contains("ball", first.Model.Geoms.Select(g => g.Name));
        Assert.Equal(first.Model.ModelSha256, again.Model.ModelSha256);
        Assert.NotEqual(first.Model.ModelSha256, changed.Model.ModelSha256);
        Assert.Equal(0.2, changed.Model.Geoms.Single(g => g.Name == "ball").Size[0], 12);
    }

    [Theory]
    [InlineData("<mesh name=\"m\" file=\"../../outside/tet.stl\"/>", "", "<mesh file>")]
    [InlineData("<mesh name=\"m\" file=\"tet.stl\"/>", "<compiler meshdir=\"../../outside\"/>", "meshdir")]
    [InlineData("<skin name=\"s\" file=\"../../outside/tet.skn\"/>", "", "<skin file>")]
    [InlineData("<hfield name=\"h\" file=\"../../outside/ground.png\"/>", "", "<hfield file>")]
    [InlineData("<texture name=\"t\" type=\"2d\" file=\"../../outside/wood.png\"/>", "", "<texture file>")]
    [InlineData("<texture name=\"t\" type=\"2d\" file=\"wood.png\"/>", "<compiler texturedir=\"../../outside/\"/>", "texturedir")]
    [InlineData("<texture name=\"t\" type=\"cube\" fileright=\"../../outside/wood.png\"/>", "", "<texture fileright>")]
    [InlineData("<mesh name=\"m\" file=\"/etc/passwd\"/>", "", "absolute path")]
    public async Task An_asset_file_outside_the_scene_folder_is_refused(string asset, string compiler, string named)
    {
        foreach (var file in new[] { "tet.stl", "tet.skn", "ground.png", "wood.png" }) File.WriteAllText(Path.Combine(_folder.Outside, file), "x");
        var scene = $"assets-{Guid.NewGuid():N}/scene.xml";
        _folder.Write(scene, $"<mujoco>{compiler}<asset>{asset}</asset><worldbody/></mujoco>");

        var error = await RefusedAsync(StatusCode.PermissionDenied, scene);

        Assert.Contains(named, error.Status.Detail);
        Assert.Contains(Path.Combine(_folder.Root, scene), error.Status.Detail);
    }

    [Fact]
    public async Task A_mesh_inside_the_folder_loads_through_meshdir()
    {
        _folder.WriteBytes("mesh/assets/tet.stl", SceneRootFolder.TetrahedronStl());
        _folder.Write("mesh/scene.xml", Model("<body><freejoint/><geom name=\"tet\" type=\"mesh\" mesh=\"tet\" mass=\"1\"/></body>",
            "<compiler meshdir=\"assets\"/><asset><mesh name=\"tet\" file=\"tet.stl\"/></asset>"));

        var opened = await OpenAsync("mesh/scene.xml");

        Assert.Equal("mesh", opened.Model.Geoms.Single(g => g.Name == "tet").Type);
    }

    [Fact]
    public async Task Strippath_cuts_a_climbing_mesh_path_to_a_file_inside_the_folder_as_MuJoCo_does()
    {
        _folder.WriteBytes("strip/assets/tet.stl", SceneRootFolder.TetrahedronStl());
        File.WriteAllText(Path.Combine(_folder.Outside, "tet.stl"), "not a mesh");
        _folder.Write("strip/scene.xml", Model("<body><freejoint/><geom name=\"tet\" type=\"mesh\" mesh=\"tet\" mass=\"1\"/></body>",
            "<compiler strippath=\"true\" meshdir=\"assets\"/><asset><mesh name=\"tet\" file=\"../../outside/tet.stl\"/></asset>"));

        var opened = await OpenAsync("strip/scene.xml");

        Assert.Equal("mesh", opened.Model.Geoms.Single(g => g.Name == "tet").Type);
    }

    [Fact]
    public async Task An_MJCF_over_8_MiB_is_refused_before_MuJoCo_reads_it()
    {
        var padding = new string(' ', 8 * 1024 * 1024);
        var scene = _folder.Write("huge/scene.xml", $"<mujoco><!--{padding}--><worldbody/></mujoco>");

        var error = await RefusedAsync(StatusCode.InvalidArgument, "huge/scene.xml");

        Assert.Contains(scene, error.Status.Detail);
        Assert.Contains("at most 8 MiB", error.Status.Detail);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.001")]
    [InlineData("nan")]
    [InlineData("inf")]
    public async Task A_timestep_that_is_not_a_positive_finite_number_is_refused_at_load(string timestep)
    {
        var scene = _folder.Write($"timestep-{timestep}/scene.xml", Model("<body><freejoint/><geom size=\"0.1\"/></body>", $"<option timestep=\"{timestep}\"/>"));

        var error = await RefusedAsync(StatusCode.InvalidArgument, $"timestep-{timestep}/scene.xml");

        Assert.Contains(scene, error.Status.Detail);
        Assert.Contains("<option timestep>", error.Status.Detail);
        Assert.DoesNotContain("controlPeriodS", error.Status.Detail);
    }

    [Theory]
    [InlineData("qpos=\"0.5 nan\"", "qpos[1]")]
    [InlineData("qpos=\"0 0\" qvel=\"NaN 0\"", "qvel[0]")]
    [InlineData("time=\"nan\"", "time[0]")]
    [InlineData("ctrl=\"nan\"", "ctrl[0]")]
    public async Task A_NaN_in_a_keyframe_is_refused_at_load_naming_the_keyframe_and_the_field(string values, string field)
    {
        var folder = $"key-{Guid.NewGuid():N}";
        var scene = _folder.Write($"{folder}/scene.xml",
            "<mujoco><worldbody><body><joint name=\"a\" type=\"slide\"/><joint name=\"b\" type=\"hinge\"/><geom size=\"0.1\"/></body></worldbody>" +
            "<actuator><position joint=\"a\"/></actuator>" +
            $"<keyframe><key name=\"ok\"/><key name=\"home\" {values}/></keyframe></mujoco>");

        var error = await RefusedAsync(StatusCode.InvalidArgument, $"{folder}/scene.xml");

        Assert.Contains(scene, error.Status.Detail);
        Assert.Contains($"<key> 'home' {field} is NaN", error.Status.Detail);
    }
}
