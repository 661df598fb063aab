using System.Runtime.InteropServices;

namespace Testbed.Bridge.Engine;

// P/Invoke into native/mujoco_shim.c. The structs below mirror the shim's own structs (not MuJoCo's), so
// their layout is ours to keep in step; MuJoCo's layouts never cross this boundary.
internal static unsafe partial class MujocoShim
{
    private const string Library = "testbed_mujoco_shim";
    internal const int ErrorBufferLength = 1024;

    internal enum ObjectKind { Body = 0, Joint = 1, Geom = 2, Actuator = 3, Camera = 4, Keyframe = 5 }

    /// <summary>The arrays of a keyframe, numbered as tb_keyframe_field numbers them; in lower case they are the attributes of MJCF's &lt;key&gt;.</summary>
    internal enum KeyframeField { Time = 0, Qpos = 1, Qvel = 2, Act = 3, Mpos = 4, Mquat = 5, Ctrl = 6 }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Sizes
    {
        public int Nq, Nv, Na, Nu, Nbody, Ngeom, Njnt, Ncam, Nkey, Nmocap, Nwarning;
        public double Timestep;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct GeomInfo
    {
        public int Body, Type, Priority, Contype, Conaffinity;
        public fixed double Size[3];
        public fixed double Solref[2];
        public fixed double Solimp[5];
        public int Group;
        public fixed double Pos[3];
        public fixed double Quat[4];
        public fixed double Rgba[4];
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CameraInfo
    {
        public int Body, Mode;
        public fixed double Pos[3];
        public fixed double Quat[4];
        public double FovyDeg;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct ActuatorInfo
    {
        public int Joint, CtrlLimited;
        public double CtrlMin, CtrlMax;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BodyStateInfo
    {
        public fixed double Pos[3];
        public fixed double Quat[4];
        public fixed double LinVel[3];
        public fixed double AngVel[3];
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct ContactPoint
    {
        public int Geom1, Geom2;
        public double NormalForce;
        public double PosX, PosY, PosZ;
        public double NormalX, NormalY, NormalZ;
        public double Dist;
        public double ApproachSpeed;
        public double InverseMass1, InverseMass2, InverseMass, InverseMassSticking, InverseMassPatch, InverseMassPatchSticking, InverseMassLoaded, InverseMassLoadedSticking;
        public double FrictionX, FrictionY, FrictionZ;
        public double Stiffness;
        public int Contact;
    }

    /// <summary>Mirrors tb_compliance_t: per-geom arrays owned (and pinned) by the caller.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Compliance
    {
        public double* Stiffness;
        public double* DampingRatio;
        public byte* Impact;
        public double Impedance;
        public double* Compression;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PhysicsOptions
    {
        public int Euler, Elliptic;
        public double Impratio;
    }

    [LibraryImport(Library, EntryPoint = "tb_install_error_handlers")] internal static partial void InstallErrorHandlers();
    [LibraryImport(Library, EntryPoint = "tb_version_string")] internal static partial nint VersionString();
    [LibraryImport(Library, EntryPoint = "tb_version_number")] internal static partial int VersionNumber();
    [LibraryImport(Library, EntryPoint = "tb_header_version")] internal static partial int HeaderVersion();

    [LibraryImport(Library, EntryPoint = "tb_load_xml", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint LoadXml(string path, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_free_model")] internal static partial void FreeModel(nint model);
    [LibraryImport(Library, EntryPoint = "tb_make_data")] internal static partial nint MakeData(nint model, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_free_data")] internal static partial void FreeData(nint data);

    [LibraryImport(Library, EntryPoint = "tb_model_sizes")] internal static partial void ModelSizes(nint model, out Sizes sizes);
    [LibraryImport(Library, EntryPoint = "tb_name")] internal static partial nint Name(nint model, ObjectKind kind, int id);
    [LibraryImport(Library, EntryPoint = "tb_body_parent")] internal static partial int BodyParent(nint model, int body);
    [LibraryImport(Library, EntryPoint = "tb_body_mass")] internal static partial double BodyMass(nint model, int body);
    [LibraryImport(Library, EntryPoint = "tb_body_centre_of_mass")] internal static unsafe partial void BodyCentreOfMass(nint model, int body, double* xyz);
    [LibraryImport(Library, EntryPoint = "tb_gravity")] internal static unsafe partial void Gravity(nint model, double* xyz);
    [LibraryImport(Library, EntryPoint = "tb_body_bounding_radius")] internal static partial double BodyBoundingRadius(nint model, int body);
    [LibraryImport(Library, EntryPoint = "tb_geom_info")] internal static partial void GeomInfoOf(nint model, int geom, out GeomInfo info);
    [LibraryImport(Library, EntryPoint = "tb_camera_info")] internal static partial void CameraInfoOf(nint model, int camera, out CameraInfo info);
    [LibraryImport(Library, EntryPoint = "tb_geom_type_name")] internal static partial nint GeomTypeName(int type);
    [LibraryImport(Library, EntryPoint = "tb_actuator_info")] internal static partial void ActuatorInfoOf(nint model, int actuator, out ActuatorInfo info);
    [LibraryImport(Library, EntryPoint = "tb_joint_is_scalar")] internal static partial int JointIsScalar(nint model, int joint);
    [LibraryImport(Library, EntryPoint = "tb_body_mocapid")] internal static partial int BodyMocapId(nint model, int body);
    [LibraryImport(Library, EntryPoint = "tb_joint_qposadr")] internal static partial int JointQposAddress(nint model, int joint);
    [LibraryImport(Library, EntryPoint = "tb_joint_bodyid")] internal static partial int JointBody(nint model, int joint);
    [LibraryImport(Library, EntryPoint = "tb_joint_dofadr")] internal static partial int JointDofAddress(nint model, int joint);
    [LibraryImport(Library, EntryPoint = "tb_dof_damping")] internal static partial double DofDamping(nint model, int dof);
    [LibraryImport(Library, EntryPoint = "tb_joint_type")] internal static partial int JointType(nint model, int joint);

    [LibraryImport(Library, EntryPoint = "tb_point_jacobian")]
    internal static partial int PointJacobian(nint model, nint scratch, double* qpos, double* mocapPos, double* mocapQuat, int body,
        double* localPoint, int* dofs, int dofCount, double* position, double* rotation, double* translational, double* rotational, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_keyframe_field")] internal static partial double* KeyframeArray(nint model, KeyframeField field);

    [LibraryImport(Library, EntryPoint = "tb_qpos")] internal static partial double* Qpos(nint data);
    [LibraryImport(Library, EntryPoint = "tb_qvel")] internal static partial double* Qvel(nint data);
    [LibraryImport(Library, EntryPoint = "tb_act")] internal static partial double* Act(nint data);
    [LibraryImport(Library, EntryPoint = "tb_ctrl")] internal static partial double* Ctrl(nint data);
    [LibraryImport(Library, EntryPoint = "tb_mocap_pos")] internal static partial double* MocapPos(nint data);
    [LibraryImport(Library, EntryPoint = "tb_mocap_quat")] internal static partial double* MocapQuat(nint data);
    [LibraryImport(Library, EntryPoint = "tb_qacc_warmstart")] internal static partial double* QaccWarmstart(nint data);
    [LibraryImport(Library, EntryPoint = "tb_actuator_force")] internal static partial double* ActuatorForce(nint data);
    [LibraryImport(Library, EntryPoint = "tb_time")] internal static partial double Time(nint data);
    [LibraryImport(Library, EntryPoint = "tb_set_time")] internal static partial void SetTime(nint data, double time);
    [LibraryImport(Library, EntryPoint = "tb_warning_counts")] internal static partial void WarningCounts(nint data, int* counts);
    [LibraryImport(Library, EntryPoint = "tb_warning_name")] internal static partial nint WarningName(int warning);
    [LibraryImport(Library, EntryPoint = "tb_warning_loses_contacts")] internal static partial int WarningLosesContacts(int warning);
    [LibraryImport(Library, EntryPoint = "tb_warning_is_divergence")] internal static partial int WarningIsDivergence(int warning);

    [LibraryImport(Library, EntryPoint = "tb_reset")] internal static partial int Reset(nint model, nint data, int keyframe, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_forward")] internal static partial int Forward(nint model, nint data, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_body_state")] internal static partial void BodyStateOf(nint model, nint data, int body, out BodyStateInfo state);
    [LibraryImport(Library, EntryPoint = "tb_step_watched")]
    internal static partial int StepWatched(nint model, nint data, byte* watched, Compliance* compliance, ContactPoint* contacts, int max, out int count, byte* err, int errLength);
    /// <summary>Values tb_trace_bodies writes per body: centre of mass position (3), quaternion (4), velocity (3), acceleration (3).</summary>
    internal const int TraceValuesPerBody = 13;
    [LibraryImport(Library, EntryPoint = "tb_trace_bodies")]
    internal static partial int TraceBodies(nint model, nint data, int* bodies, int count, double* values, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_physics_options")] internal static partial void PhysicsOptionsOf(nint model, out PhysicsOptions options);
    [LibraryImport(Library, EntryPoint = "tb_set_geom_collision")] internal static partial void SetGeomCollision(nint model, int geom, int contype, int conaffinity);
    [LibraryImport(Library, EntryPoint = "tb_set_force_switches")] internal static unsafe partial void SetForceSwitches(nint model, int actuatorsOff, int passiveOff, int gravityOff, double* savedDamping);
    [LibraryImport(Library, EntryPoint = "tb_set_friction_off")] internal static unsafe partial void SetFrictionOff(nint model, int frictionOff, int* savedCondim);
    [LibraryImport(Library, EntryPoint = "tb_body_inverse_weight")] internal static partial double BodyInverseWeight(nint model, int body);
    [LibraryImport(Library, EntryPoint = "tb_inverse_effective_mass")]
    internal static partial int InverseEffectiveMass(nint model, nint data, int body, double* point, double* direction, out double inverseMass, byte* err, int errLength);

    [LibraryImport(Library, EntryPoint = "tb_gl_init")] internal static partial int GlInit(byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_gl_description")] internal static partial nint GlDescription();
    [LibraryImport(Library, EntryPoint = "tb_renderer_create")] internal static partial nint RendererCreate(nint model, int width, int height, byte* err, int errLength);
    [LibraryImport(Library, EntryPoint = "tb_renderer_width")] internal static partial int RendererWidth(nint renderer);
    [LibraryImport(Library, EntryPoint = "tb_renderer_height")] internal static partial int RendererHeight(nint renderer);
    [LibraryImport(Library, EntryPoint = "tb_renderer_free")] internal static partial void RendererFree(nint renderer);
    [LibraryImport(Library, EntryPoint = "tb_render")]
    internal static partial int Render(nint renderer, nint model, nint data, int camera, int width, int height, byte* rgb, byte* err, int errLength);

    internal static string Utf8(nint text) => Marshal.PtrToStringUTF8(text) ?? "";

    internal static string ErrorText(byte* err) => Marshal.PtrToStringUTF8((nint)err) ?? "";
}
