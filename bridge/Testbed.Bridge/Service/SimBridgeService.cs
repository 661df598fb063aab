using Google.Protobuf;
using Grpc.Core;
using Testbed.Bridge.Engine;
using Testbed.Bridge.Rendering;
using Testbed.Bridge.Scenes;
using Testbed.Bridge.Sessions;
using Testbed.Sim.V1;

namespace Testbed.Bridge.Service;

/// <summary>The testbed.sim.v1 SimBridge service over MuJoCo. Translates messages and maps bridge errors to
/// gRPC statuses; the physics lives in Engine/.</summary>
public sealed class SimBridgeService(SceneRoot scenes, SessionRegistry sessions, HeadlessRenderer renderer) : SimBridge.SimBridgeBase
{
    public const string BridgeName = "testbed-mujoco-bridge";
    public static readonly string BridgeVersion = typeof(SimBridgeService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public override Task<Capabilities> GetCapabilities(GetCapabilitiesRequest request, ServerCallContext context) => Guard(() =>
    {
        var capabilities = new Capabilities
        {
            EngineName = "MuJoCo",
            EngineVersion = MujocoRuntime.Version,
            BridgeName = BridgeName,
            BridgeVersion = BridgeVersion,
            BridgeBuild = BridgeBuild.Sha256,
            RendererAvailable = renderer.Available,
            RendererDetail = renderer.Detail,
            MaxSessions = (uint)sessions.MaxSessions,
            SessionIdleTimeoutS = sessions.IdleTimeout.TotalSeconds,
        };
        capabilities.SceneIds.AddRange(scenes.SceneIds());
        return Task.FromResult(capabilities);
    });

    public override Task<OpenSessionResponse> OpenSession(OpenSessionRequest request, ServerCallContext context) => Guard(() =>
    {
        var scene = request.SourceCase switch
        {
            OpenSessionRequest.SourceOneofCase.SceneId => scenes.ResolveScene(request.SceneId),
            OpenSessionRequest.SourceOneofCase.MjcfPath => scenes.ResolveMjcf(request.MjcfPath),
            _ => throw BridgeException.InvalidArgument("OpenSessionRequest has neither scene_id nor mjcf_path; expected one of them"),
        };
        var compliant = request.CompliantGeoms.Select(g => new CompliantGeomSpec(g.Geom, g.StiffnessNPerM, g.DampingRatio)).ToArray();
        var session = sessions.Open(scene, request.WatchedBodies, compliant, request.ImpactBodies);
        return Task.FromResult(new OpenSessionResponse { SessionId = session.Id, Model = Describe(session.Simulation.Model) });
    });

    public override Task<CloseSessionResponse> CloseSession(CloseSessionRequest request, ServerCallContext context) => Guard(() =>
    {
        sessions.Close(request.SessionId);
        return Task.FromResult(new CloseSessionResponse());
    });

    public override Task<ResetResponse> Reset(ResetRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            var simulation = session.Simulation;
            if (!double.IsFinite(request.InitialQposNoise) || request.InitialQposNoise < 0)
            {
                throw BridgeException.InvalidArgument($"initial_qpos_noise is {request.InitialQposNoise}; expected a finite number >= 0");
            }
            var keyframe = request.Keyframe.Length == 0 ? -1 : simulation.Model.KeyframeId(request.Keyframe);
            simulation.Reset(keyframe, request.Seed, request.InitialQposNoise);
            return Task.FromResult(new ResetResponse { State = ToMessage(simulation.GetState()) });
        });

    public override Task<StepResponse> Step(StepRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            var simulation = session.Simulation;
            var model = simulation.Model;
            var actuators = request.ActuatorNames.Select(model.ActuatorId).ToArray();
            if (actuators.Distinct().Count() != actuators.Length)
            {
                throw BridgeException.InvalidArgument($"actuator_names lists an actuator twice: {string.Join(", ", request.ActuatorNames)}");
            }
            // Checked before stepping, so a misspelt body name does not advance the simulation.
            foreach (var name in request.BodyStateNames) model.BodyId(name);
            var traced = request.TracedBodies.Select(model.BodyId).ToArray();
            var periods = request.Periods.Select(p => (IReadOnlyList<double>)p.Targets).ToArray();
            var outcome = simulation.Step(actuators, periods, (int)Math.Min(request.SubstepsPerPeriod, int.MaxValue), traced, request.ReturnPeriodStates);
            var response = new StepResponse { TimeS = outcome.Time, SubstepsTaken = (ulong)outcome.Substeps, ContactsLost = outcome.ContactsLost };
            response.ActuatorForces.AddRange(outcome.ActuatorForces);
            foreach (var c in outcome.Contacts) response.Contacts.Add(ToMessage(model, c));
            foreach (var name in request.BodyStateNames) response.BodyStates.Add(ToMessage(simulation.BodyState(name)));
            if (request.ReturnState) response.State = ToMessage(simulation.GetState());
            foreach (var state in outcome.PeriodStates) response.PeriodStates.Add(ToMessage(state));
            response.Warnings.AddRange(outcome.Warnings);
            foreach (var trace in outcome.BodyTraces) response.BodyTraces.Add(ToMessage(trace));
            return Task.FromResult(response);
        });

    public override async Task StepStream(IAsyncStreamReader<StepRequest> requests, IServerStreamWriter<StepResponse> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(await Step(requests.Current, context), context.CancellationToken);
        }
    }

    public override Task<SimState> GetState(GetStateRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session => Task.FromResult(ToMessage(session.Simulation.GetState())));

    public override Task<SetStateResponse> SetState(SetStateRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            if (request.State is null) throw BridgeException.InvalidArgument("SetStateRequest.state is missing; expected the state to set");
            var s = request.State;
            session.Simulation.SetState(new SimulationState(s.TimeS, [.. s.Qpos], [.. s.Qvel], [.. s.Act], [.. s.Ctrl],
                [.. s.MocapPos], [.. s.MocapQuat], [.. s.QaccWarmstart], [.. s.ContactCompression]));
            return Task.FromResult(new SetStateResponse());
        });

    public override Task<RenderResponse> Render(RenderRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, async session =>
        {
            var camera = session.Simulation.Model.CameraId(request.Camera);
            var width = (int)Math.Min(request.Width, int.MaxValue);
            var height = (int)Math.Min(request.Height, int.MaxValue);
            var rgb = await renderer.RenderAsync(session.CameraView, session.Simulation, camera, width, height);
            return new RenderResponse { Width = (uint)width, Height = (uint)height, Rgb = UnsafeByteOperations.UnsafeWrap(rgb) };
        });

    public override Task<GetBodyStatesResponse> GetBodyStates(GetBodyStatesRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            var response = new GetBodyStatesResponse();
            foreach (var name in request.BodyNames) response.Bodies.Add(ToMessage(session.Simulation.BodyState(name)));
            return Task.FromResult(response);
        });

    public override Task<GetEffectiveMassesResponse> GetEffectiveMasses(GetEffectiveMassesRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            var response = new GetEffectiveMassesResponse();
            for (var i = 0; i < request.Queries.Count; i++)
            {
                var q = request.Queries[i];
                if (q.Point is null || q.Direction is null)
                {
                    throw BridgeException.InvalidArgument($"queries[{i}] (body '{q.Body}') lacks a point or a direction; expected both");
                }
                response.InverseEffectiveMassPerKg.Add(session.Simulation.InverseEffectiveMass(
                    q.Body, [q.Point.X, q.Point.Y, q.Point.Z], [q.Direction.X, q.Direction.Y, q.Direction.Z]));
            }
            return Task.FromResult(response);
        });

    public override Task<GetPointJacobianResponse> GetPointJacobian(GetPointJacobianRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            var point = request.Point is { } p ? new[] { p.X, p.Y, p.Z } : [0.0, 0.0, 0.0];
            var k = session.Simulation.PointJacobianAt(request.Body, point, request.JointNames, request.Qpos);
            var response = new GetPointJacobianResponse { Position = new Vec3 { X = k.Position[0], Y = k.Position[1], Z = k.Position[2] } };
            response.Rotation.AddRange(k.Rotation);
            response.Translational.AddRange(k.Translational);
            response.Rotational.AddRange(k.Rotational);
            return Task.FromResult(response);
        });

    public override Task<SetForceSwitchesResponse> SetForceSwitches(SetForceSwitchesRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            session.Simulation.SetForceSwitches(request.ActuatorsOff, request.PassiveOff, request.GravityOff, request.FrictionOff);
            return Task.FromResult(new SetForceSwitchesResponse());
        });

    public override Task<SetCollisionsOffResponse> SetCollisionsOff(SetCollisionsOffRequest request, ServerCallContext context) =>
        WithSession(request.SessionId, session =>
        {
            session.Simulation.SetCollisionsOff(request.Geoms);
            return Task.FromResult(new SetCollisionsOffResponse());
        });

    private async Task<T> WithSession<T>(string sessionId, Func<SimulationSession, Task<T>> work)
    {
        return await Guard(async () =>
        {
            var session = sessions.Get(sessionId);
            await session.Gate.WaitAsync();
            try
            {
                if (session.Closed) throw BridgeException.NotFound($"session '{sessionId}' was closed");
                return await work(session);
            }
            finally
            {
                session.Touch();
                session.Gate.Release();
            }
        });
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (BridgeException e)
        {
            throw new RpcException(new Status(ToStatusCode(e.Kind), e.Message));
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"bridge failure: {e.GetType().Name}: {e.Message}"));
        }
    }

    private static StatusCode ToStatusCode(BridgeErrorKind kind) => kind switch
    {
        BridgeErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        BridgeErrorKind.NotFound => StatusCode.NotFound,
        BridgeErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        BridgeErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        BridgeErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    private static BodyTrace ToMessage(TracedMotion trace) => new()
    {
        Body = trace.Body, SamplesStartTimeS = trace.StartTime, TimestepS = trace.Timestep, SampleCount = (uint)trace.Count,
        PositionsM = { trace.Positions }, Orientations = { trace.Orientations },
        LinearVelocitiesMps = { trace.LinearVelocities }, LinearAccelerationsMps2 = { trace.LinearAccelerations },
    };

    private static ModelDescription Describe(MujocoModel model)
    {
        var s = model.Sizes;
        var description = new ModelDescription
        {
            TimestepS = model.Timestep, Nq = (uint)s.Nq, Nv = (uint)s.Nv, Na = (uint)s.Na, Nu = (uint)s.Nu,
            Nmocap = (uint)s.Nmocap, ModelSha256 = model.Sha256,
        };
        foreach (var a in model.Actuators)
        {
            description.Actuators.Add(new ActuatorDescription
            {
                Name = a.Name, Joint = a.Joint, JointQposAddress = a.JointQposAddress, CtrlLimited = a.CtrlLimited,
                CtrlMin = a.CtrlLimited ? a.CtrlMin : 0, CtrlMax = a.CtrlLimited ? a.CtrlMax : 0,
                JointQvelAddress = a.JointQvelAddress, JointDamping = a.JointDamping,
            });
        }
        description.JointNames.AddRange(model.JointNames);
        description.JointQposAddresses.AddRange(model.JointQposAddresses);
        description.JointBodyNames.AddRange(model.JointBodyNames);
        description.BodyNames.AddRange(model.BodyNames);
        description.BodyParentNames.AddRange(model.BodyParentNames);
        description.BodyBoundingRadiusM.AddRange(model.BodyBoundingRadiiM);
        description.BodyMassKg.AddRange(model.BodyMassesKg);
        description.BodyCentreOfMassM.AddRange(model.BodyCentresOfMassM.Select(c => new Vec3 { X = c.X, Y = c.Y, Z = c.Z }));
        description.GravityMps2 = new Vec3 { X = model.GravityMps2.X, Y = model.GravityMps2.Y, Z = model.GravityMps2.Z };
        description.CameraNames.AddRange(model.CameraNames);
        description.KeyframeNames.AddRange(model.KeyframeNames);
        description.MocapBodyNames.AddRange(model.MocapBodyNames);
        foreach (var g in model.Geoms)
        {
            var geom = new GeomDescription
            {
                Name = g.Name, Body = g.Body, Type = g.Type, Priority = g.Priority, Contype = g.Contype, Conaffinity = g.Conaffinity,
            };
            geom.Size.AddRange(g.Size);
            geom.Solref.AddRange(g.Solref);
            geom.Solimp.AddRange(g.Solimp);
            geom.Group = g.Group;
            geom.LocalPosition = new Vec3 { X = g.LocalPosition[0], Y = g.LocalPosition[1], Z = g.LocalPosition[2] };
            geom.LocalOrientation = new Quat { W = g.LocalOrientation[0], X = g.LocalOrientation[1], Y = g.LocalOrientation[2], Z = g.LocalOrientation[3] };
            geom.Rgba.AddRange(g.Rgba);
            description.Geoms.Add(geom);
        }
        foreach (var c in model.Cameras)
        {
            description.Cameras.Add(new CameraDescription
            {
                Name = c.Name, Body = c.Body, FixedToBody = c.FixedToBody, FovyDeg = c.FovyDeg,
                LocalPosition = new Vec3 { X = c.LocalPosition[0], Y = c.LocalPosition[1], Z = c.LocalPosition[2] },
                LocalOrientation = new Quat { W = c.LocalOrientation[0], X = c.LocalOrientation[1], Y = c.LocalOrientation[2], Z = c.LocalOrientation[3] },
            });
        }
        return description;
    }

    private static ContactTelemetry ToMessage(MujocoModel model, TrackedContact c)
    {
        var g1 = model.Geoms[c.Geom1];
        var g2 = model.Geoms[c.Geom2];
        var message = new ContactTelemetry
        {
            Geom1 = g1.Name.Length > 0 ? g1.Name : $"geom#{g1.Id}",
            Geom2 = g2.Name.Length > 0 ? g2.Name : $"geom#{g2.Id}",
            Body1 = g1.Body,
            Body2 = g2.Body,
            OnsetTimeS = c.OnsetTime,
            DurationS = c.Duration,
            Ongoing = c.Ongoing,
            ApproachSpeedMps = c.ApproachSpeed,
            PeakNormalForceN = Math.Max(0, c.PeakForce),
            PeakTimeS = c.PeakTime,
            PeakPosition = new Vec3 { X = c.PeakX, Y = c.PeakY, Z = c.PeakZ },
            NormalImpulseNs = c.Impulse,
            MaxPenetrationM = c.MaxPenetration,
            MaxPoints = (uint)c.MaxPoints,
            SamplesStartTimeS = c.SamplesStartTime,
            PeakNormal = new Vec3 { X = c.PeakNormalX, Y = c.PeakNormalY, Z = c.PeakNormalZ },
            StiffnessNPerM = c.Stiffness,
            InverseEffectiveMass1PerKg = c.InverseMass1,
            InverseEffectiveMass2PerKg = c.InverseMass2,
            InverseEffectiveMassPerKg = c.InverseMass,
            ModelPeakForceN = c.ModelPeakForce,
            InverseEffectiveMassStickingPerKg = c.InverseMassSticking,
            ModelPeakForceStickingN = c.ModelPeakForceSticking,
            InverseEffectiveMassPatchPerKg = c.InverseMassPatch,
            ModelPeakForcePatchN = c.ModelPeakForcePatch,
            InverseEffectiveMassPatchStickingPerKg = c.InverseMassPatchSticking,
            ModelPeakForcePatchStickingN = c.ModelPeakForcePatchSticking,
            InverseEffectiveMassAtPeakPerKg = c.PeakInverseMassLoaded,
            InverseEffectiveMassAtPeakStickingPerKg = c.PeakInverseMassLoadedSticking,
            InverseEffectiveMassRiseMinPerKg = c.RiseMinInverseMassLoaded,
            InverseEffectiveMassRiseMaxPerKg = c.RiseMaxInverseMassLoaded,
            PeakFrictionForce = new Vec3 { X = c.PeakFrictionX, Y = c.PeakFrictionY, Z = c.PeakFrictionZ },
        };
        message.ForceSamplesN.AddRange(c.ForceSamples);
        return message;
    }

    private static BodyState ToMessage(BodyKinematics b) => new()
    {
        Name = b.Name,
        Position = new Vec3 { X = b.Position[0], Y = b.Position[1], Z = b.Position[2] },
        Orientation = new Quat { W = b.Quaternion[0], X = b.Quaternion[1], Y = b.Quaternion[2], Z = b.Quaternion[3] },
        LinearVelocity = new Vec3 { X = b.LinearVelocity[0], Y = b.LinearVelocity[1], Z = b.LinearVelocity[2] },
        AngularVelocity = new Vec3 { X = b.AngularVelocity[0], Y = b.AngularVelocity[1], Z = b.AngularVelocity[2] },
    };

    private static SimState ToMessage(SimulationState s)
    {
        var state = new SimState { TimeS = s.Time };
        state.Qpos.AddRange(s.Qpos);
        state.Qvel.AddRange(s.Qvel);
        state.Act.AddRange(s.Act);
        state.Ctrl.AddRange(s.Ctrl);
        state.MocapPos.AddRange(s.MocapPos);
        state.MocapQuat.AddRange(s.MocapQuat);
        state.QaccWarmstart.AddRange(s.QaccWarmstart);
        state.ContactCompression.AddRange(s.ContactCompression);
        return state;
    }
}
