using Grpc.Core;
using Testbed.Controller.Episodes;
using Testbed.Domain.Harm;
using Testbed.Domain.Scenes;
using Testbed.Sim.V1;
using Xunit.Abstractions;

namespace Testbed.Tests.Bridge;

/// <summary>The bridge's contact compliance beyond the conformance checks: that MuJoCo's own contact fails the same
/// check (so the check can fail), effective masses, and the load rules with their messages.</summary>
[Collection(BridgeCollection.Name)]
public sealed class ContactComplianceTests(BridgeFixture bridge, ITestOutputHelper output) : IDisposable
{
    private const string Strike = "conformance/contact-strike.xml";
    private static readonly BodyModel Body = BodyModel.LoadIsoTs15066();
    private readonly string _scenes = Path.Combine(Path.GetTempPath(), "testbed-compliance-" + Guid.NewGuid().ToString("N"));
    private SimBridge.SimBridgeClient Client => bridge.Connection.Client;

    public void Dispose()
    {
        if (Directory.Exists(_scenes)) Directory.Delete(_scenes, recursive: true);
    }

    /// <summary>The peak of the 1 kg striker on the 40 kg chest lane at 1 m/s, with or without compliance.</summary>
    private async Task<(double Peak, double Model)> ChestLaneAsync(bool compliant)
    {
        var request = new OpenSessionRequest { MjcfPath = Strike, WatchedBodies = { "chest_1kg_target" } };
        if (compliant)
        {
            request.CompliantGeoms.Add(new CompliantGeom { Geom = "chest_1kg_target", StiffnessNPerM = 25_000 });
            request.ImpactBodies.Add("chest_1kg_striker");
        }
        var opened = await Client.OpenSessionAsync(request);
        try
        {
            var state = (await Client.ResetAsync(new ResetRequest { SessionId = opened.SessionId })).State;
            state.Qvel[opened.Model.JointNames.IndexOf("chest_1kg_striker_x")] = 1.0;
            await Client.SetStateAsync(new SetStateRequest { SessionId = opened.SessionId, State = state });
            var step = await Client.StepAsync(new StepRequest { SessionId = opened.SessionId, SubstepsPerPeriod = 600, Periods = { new ControlPeriod() } });
            var contact = Assert.Single(step.Contacts);
            return (contact.PeakNormalForceN, 1.0 * Math.Sqrt(25_000 * (1.0 * 40 / 41)));
        }
        finally
        {
            await Client.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });
        }
    }

    [Fact]
    public async Task MuJoCos_own_contact_misses_the_two_body_model_where_the_compliant_contact_meets_it()
    {
        var (own, model) = await ChestLaneAsync(compliant: false);
        var (compliant, _) = await ChestLaneAsync(compliant: true);

        Assert.True(Math.Abs(own / model - 1) > 0.3, $"MuJoCo's default contact gave {own:0.0} N against the model's {model:0.0} N");
        Assert.InRange(compliant / model, 0.95, 1.05);
    }

    private const string Patch = "conformance/contact-patch.xml";
    private static readonly string[] PatchLanes = ["face_on_box", "offset_capsule", "offset_box", "edge_on_box"];

    /// <summary>Each lane of contact-patch.xml struck at <paramref name="speed"/>: its one contact record.</summary>
    private async Task<Dictionary<string, ContactTelemetry>> PatchStrikesAsync(double speed)
    {
        var request = new OpenSessionRequest { MjcfPath = Patch };
        foreach (var lane in PatchLanes)
        {
            request.CompliantGeoms.Add(new CompliantGeom { Geom = lane + "_target", StiffnessNPerM = 25_000 });
            request.ImpactBodies.Add(lane + "_striker");
            request.WatchedBodies.Add(lane + "_target");
        }
        var opened = await Client.OpenSessionAsync(request);
        try
        {
            var state = (await Client.ResetAsync(new ResetRequest { SessionId = opened.SessionId })).State;
            // Free joints only, target then striker per lane: the striker's x velocity is the first of its six.
            for (var i = 0; i < PatchLanes.Length; i++) state.Qvel[6 * (2 * i + 1)] = speed;
            await Client.SetStateAsync(new SetStateRequest { SessionId = opened.SessionId, State = state });
            var step = await Client.StepAsync(new StepRequest { SessionId = opened.SessionId, SubstepsPerPeriod = 1200, Periods = { new ControlPeriod() } });
            return PatchLanes.ToDictionary(lane => lane, lane => Assert.Single(step.Contacts, c => c.Geom1.StartsWith(lane, StringComparison.Ordinal)));
        }
        finally
        {
            await Client.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public async Task A_face_or_edge_peaks_at_the_model_for_the_inertia_where_its_force_acts_not_at_its_first_point(double speed)
    {
        var strikes = await PatchStrikesAsync(speed);

        // Face on face, centred: nothing rotates, so the model is the bodies' reduced mass, 2·3/(2+3) kg. MuJoCo 2.2.2's
        // box-box collider reports half the penetration of a face on a face, which read 0.71 of this before the bridge
        // took the boxes' own overlap.
        var centred = strikes["face_on_box"];
        Assert.True(centred.PeakNormalForceN > 0, "face_on_box did not strike");
        Assert.InRange(centred.PeakNormalForceN / (speed * Math.Sqrt(25_000 * 1.2)), 0.98, 1.02);
        // Every lane, the off-centre faces that tilt as they are pressed included: within ±5 % of the band the bridge
        // reports for where the force acted at the peak (the points' force centroid), sliding to sticking. The strikers
        // translate, so every point closes at the approach speed.
        foreach (var (lane, c) in strikes)
        {
            var low = c.ApproachSpeedMps * Math.Sqrt(c.StiffnessNPerM / c.InverseEffectiveMassAtPeakPerKg);
            var high = c.ApproachSpeedMps * Math.Sqrt(c.StiffnessNPerM / c.InverseEffectiveMassAtPeakStickingPerKg);
            output.WriteLine($"{lane} at {speed} m/s: peak {c.PeakNormalForceN:0.0} N, model at the peak {low:0.0}–{high:0.0} N ({c.PeakNormalForceN / low:0.000} / {c.PeakNormalForceN / high:0.000}), first point {c.ModelPeakForceN:0.0} N, {c.MaxPoints} points, inertia while rising {1 / c.InverseEffectiveMassRiseMaxPerKg:0.000}–{1 / c.InverseEffectiveMassRiseMinPerKg:0.000} kg");
            // The inertia at the peak is one the force met while it rose.
            Assert.InRange(c.InverseEffectiveMassAtPeakPerKg, c.InverseEffectiveMassRiseMinPerKg, c.InverseEffectiveMassRiseMaxPerKg);
            Assert.True(c.PeakNormalForceN >= 0.95 * low && c.PeakNormalForceN <= 1.05 * high,
                $"{lane} at {speed} m/s: peak {c.PeakNormalForceN:0.0} N outside ±5 % of the model band {low:0.0}–{high:0.0} N where the force acted");
        }
        // A face pressed flat and centred meets the same inertia from first touch to the peak; in the other lanes the
        // force moves a little as the face or edge settles, too little for the strike calibration to reject them as
        // anything but two-body impacts (it rejects a range wider than a twentieth).
        var flat = strikes["face_on_box"];
        Assert.Equal(1, flat.InverseEffectiveMassRiseMaxPerKg / flat.InverseEffectiveMassRiseMinPerKg, 6);
        foreach (var (lane, c) in strikes) Assert.InRange(c.InverseEffectiveMassRiseMaxPerKg / c.InverseEffectiveMassRiseMinPerKg, 1, 1.05);
        // The point model at the first point touched is far off for a face or edge pressed flat: these lanes test what
        // a point contact cannot.
        foreach (var lane in new[] { "face_on_box", "edge_on_box" })
        {
            var c = strikes[lane];
            Assert.True(c.PeakNormalForceN > 1.25 * c.ModelPeakForceStickingN,
                $"{lane} at {speed} m/s: peak {c.PeakNormalForceN:0.0} N is near the first point's model {c.ModelPeakForceN:0.0}–{c.ModelPeakForceStickingN:0.0} N");
        }
    }

    /// <summary>The press lane of contact-strike.xml: a 100 t striker with two spheres at unequal depths pushed into a
    /// fixed target at 20 mm/s.</summary>
    private async Task<(string Session, SimState Reset)> OpenPressAsync()
    {
        var request = new OpenSessionRequest { MjcfPath = Strike, WatchedBodies = { "press_target" } };
        request.CompliantGeoms.Add(new CompliantGeom { Geom = "press_target", StiffnessNPerM = 25_000 });
        request.ImpactBodies.Add("press_striker");
        var opened = await Client.OpenSessionAsync(request);
        var state = (await Client.ResetAsync(new ResetRequest { SessionId = opened.SessionId })).State;
        state.Qvel[opened.Model.JointNames.IndexOf("press_striker_x")] = 0.02;
        return (opened.SessionId, state);
    }

    private async Task<double[]> PressForcesAsync(string session, int steps)
    {
        var step = await Client.StepAsync(new StepRequest { SessionId = session, SubstepsPerPeriod = (uint)steps, Periods = { new ControlPeriod() } });
        return step.Contacts.OrderBy(c => c.Geom1 + c.Geom2, StringComparer.Ordinal).SelectMany(c => c.ForceSamplesN).ToArray();
    }

    [Fact]
    public async Task A_state_saved_in_contact_continues_bit_for_bit_because_it_carries_the_springs_compression()
    {
        var (session, reset) = await OpenPressAsync();
        try
        {
            await Client.SetStateAsync(new SetStateRequest { SessionId = session, State = reset });
            await PressForcesAsync(session, 400); // both spheres pressing, at unequal depths
            var saved = await Client.GetStateAsync(new GetStateRequest { SessionId = session });
            Assert.Contains(saved.ContactCompression, c => c > 0);
            var continued = await PressForcesAsync(session, 100);

            await Client.SetStateAsync(new SetStateRequest { SessionId = session, State = saved });
            var replayed = await PressForcesAsync(session, 100);
            Assert.Equal(continued, replayed);

            // Without the compression the spring restarts from the penetrations: the continuation is no longer the same,
            // so the field is what makes it exact.
            var withoutCompression = saved.Clone();
            withoutCompression.ContactCompression.Clear();
            await Client.SetStateAsync(new SetStateRequest { SessionId = session, State = withoutCompression });
            Assert.NotEqual(continued, await PressForcesAsync(session, 100));

            var negative = saved.Clone();
            negative.ContactCompression[0] = -1;
            var error = await Assert.ThrowsAsync<RpcException>(() => Client.SetStateAsync(new SetStateRequest { SessionId = session, State = negative }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("contact_compression[0]", error.Status.Detail);
        }
        finally
        {
            await Client.CloseSessionAsync(new CloseSessionRequest { SessionId = session });
        }
    }

    [Fact]
    public async Task Effective_masses_of_slide_bodies_are_their_masses()
    {
        var opened = await Client.OpenSessionAsync(new OpenSessionRequest { MjcfPath = Strike });
        var response = await Client.GetEffectiveMassesAsync(new GetEffectiveMassesRequest
        {
            SessionId = opened.SessionId,
            Queries =
            {
                new EffectiveMassQuery { Body = "chest_20kg_striker", Point = new Vec3 { X = -0.15, Y = 1.0 }, Direction = new Vec3 { X = 1 } },
                new EffectiveMassQuery { Body = "hand_3kg_target", Point = new Vec3 { Y = 1.5 }, Direction = new Vec3 { X = 2 } },
                new EffectiveMassQuery { Body = "hand_3kg_target", Point = new Vec3 { Y = 1.5 }, Direction = new Vec3 { Y = 1 } },
            },
        });
        await Client.CloseSessionAsync(new CloseSessionRequest { SessionId = opened.SessionId });

        Assert.Equal(1 / 20.0, response.InverseEffectiveMassPerKg[0], 9);
        Assert.Equal(1 / 0.6, response.InverseEffectiveMassPerKg[1], 9);
        Assert.Equal(0, response.InverseEffectiveMassPerKg[2], 12); // a slide along x cannot move along y
    }

    /// <summary>Opens a copy of the warehouse, with one text replacement in its MJCF files, on a bridge of its own.</summary>
    private async Task<(string? Session, RpcException? Error, BridgeConnectionScope Scope)> OpenEditedAsync(string find, string replace)
    {
        var source = Path.Combine(BridgeFixture.ScenesRoot, "warehouse");
        var target = Path.Combine(_scenes, "warehouse");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        var mjcf = Path.Combine(target, "warehouse.xml");
        var edited = 0;
        foreach (var file in new[] { mjcf, Path.Combine(target, "worker.xml") })
        {
            var text = File.ReadAllText(file);
            if (!text.Contains(find)) continue;
            File.WriteAllText(file, text.Replace(find, replace));
            edited++;
        }
        Assert.True(edited > 0, $"'{find}' is in neither warehouse.xml nor worker.xml");

        var scope = await BridgeConnectionScope.StartAsync(_scenes);
        var scene = SceneManifestLoader.Load(BridgeFixture.ScenesRoot, "warehouse");
        try
        {
            var opened = await scope.Client.OpenSessionAsync(EpisodeRunner.OpenRequest(scene, Body));
            return (opened.SessionId, null, scope);
        }
        catch (RpcException e)
        {
            return (null, e, scope);
        }
    }

    [Fact]
    public async Task A_person_geom_with_its_own_contact_parameters_is_refused_naming_it()
    {
        var (_, error, scope) = await OpenEditedAsync("name=\"worker_chest\"", "name=\"worker_chest\" solimp=\"0.5 0.6 0.05\"");
        await using var _ = scope;

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("worker_chest", error.Status.Detail);
        Assert.Contains("solimp", error.Status.Detail);
    }

    [Fact]
    public async Task A_payload_geom_with_a_priority_that_would_govern_its_person_contacts_is_refused_naming_it()
    {
        var (_, error, scope) = await OpenEditedAsync("name=\"tote_shell\"", "name=\"tote_shell\" priority=\"2\"");
        await using var _ = scope;

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("tote_shell", error.Status.Detail);
        Assert.Contains("priority 2", error.Status.Detail);
        Assert.Contains("expected priority 0", error.Status.Detail);
    }

    [Fact]
    public async Task A_timestep_too_large_for_the_stiffest_region_is_refused_with_the_numbers()
    {
        var (_, error, scope) = await OpenEditedAsync("timestep=\"0.001\"", "timestep=\"0.004\"");
        await using var _ = scope;

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("timestep 4 ms", error.Status.Detail);
        Assert.Contains("ω·h", error.Status.Detail);
        Assert.Contains("expected a timestep of at most", error.Status.Detail);
    }

    [Fact]
    public async Task An_integrator_other_than_Euler_is_refused()
    {
        var (_, error, scope) = await OpenEditedAsync("integrator=\"Euler\"", "integrator=\"RK4\"");
        await using var _ = scope;

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Euler", error.Status.Detail);
    }

}

/// <summary>A bridge of its own on a scene root of the test's, closed with the scope.</summary>
public sealed class BridgeConnectionScope : IAsyncDisposable
{
    private Testbed.Bridge.BridgeServer? _server;
    private Testbed.Controller.Bridge.BridgeConnection? _connection;

    public SimBridge.SimBridgeClient Client => _connection!.Client;

    public static async Task<BridgeConnectionScope> StartAsync(string sceneRoot)
    {
        var scope = new BridgeConnectionScope();
        scope._server = await Testbed.Bridge.BridgeServer.StartAsync(new Testbed.Bridge.BridgeOptions { Port = 0, SceneRoot = sceneRoot });
        scope._connection = await Testbed.Controller.Bridge.BridgeConnection.ConnectAsync(scope._server.Address.ToString(), TimeSpan.FromSeconds(10));
        return scope;
    }

    public async ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
