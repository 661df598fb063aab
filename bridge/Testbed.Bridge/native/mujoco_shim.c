// The only code that reads MuJoCo struct fields or enum values. It is compiled at build time against the
// installed headers, so the C# side never hard-codes an offset or an enum number: those change between
// MuJoCo versions. The structs declared here are
// our own and are mirrored in Engine/MujocoShim.cs.
//
// MuJoCo reports fatal errors through mju_error, which by default exits the process. Every entry point
// that can reach mju_error runs under a guard that turns it into an error string instead.

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <mujoco/mujoco.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TB_EXPORT __attribute__((visibility("default")))

// ---------------------------------------------------------------- fatal-error guard

static _Thread_local jmp_buf* tl_guard = NULL;
static _Thread_local char tl_error[512];

static void on_mujoco_error(const char* msg) {
  snprintf(tl_error, sizeof tl_error, "%s", msg ? msg : "unknown MuJoCo error");
  if (tl_guard) {
    longjmp(*tl_guard, 1);
  }
  // No guard: an error outside any shim call. Nothing safe can continue.
  fprintf(stderr, "testbed bridge: unguarded MuJoCo error: %s\n", tl_error);
  abort();
}

static void on_mujoco_warning(const char* msg) {
  // Warnings are counted in mjData.warning and reported per step; the text is kept for diagnostics.
  snprintf(tl_error, sizeof tl_error, "%s", msg ? msg : "");
}

static void copy_error(char* err, int errlen) {
  if (err && errlen > 0) {
    snprintf(err, (size_t)errlen, "%s", tl_error);
  }
}

#define GUARDED(err, errlen, ...)            \
  do {                                        \
    jmp_buf guard__;                          \
    jmp_buf* outer__ = tl_guard;              \
    if (setjmp(guard__) != 0) {               \
      tl_guard = outer__;                     \
      copy_error(err, errlen);                \
      return 0;                               \
    }                                         \
    tl_guard = &guard__;                      \
    __VA_ARGS__;                              \
    tl_guard = outer__;                       \
  } while (0)

TB_EXPORT void tb_install_error_handlers(void) {
  mju_user_error = on_mujoco_error;
  mju_user_warning = on_mujoco_warning;
}

TB_EXPORT const char* tb_version_string(void) { return mj_versionString(); }
TB_EXPORT int tb_version_number(void) { return mj_version(); }
TB_EXPORT int tb_header_version(void) { return mjVERSION_HEADER; }

// ---------------------------------------------------------------- models and data

TB_EXPORT mjModel* tb_load_xml(const char* path, char* err, int errlen) {
  mjModel* m = NULL;
  if (err && errlen > 0) err[0] = '\0';
  GUARDED(err, errlen, { m = mj_loadXML(path, NULL, err, errlen); });
  return m;
}

TB_EXPORT void tb_free_model(mjModel* m) { mj_deleteModel(m); }

TB_EXPORT mjData* tb_make_data(const mjModel* m, char* err, int errlen) {
  mjData* d = NULL;
  GUARDED(err, errlen, { d = mj_makeData(m); });
  return d;
}

TB_EXPORT void tb_free_data(mjData* d) { mj_deleteData(d); }

typedef struct {
  int nq, nv, na, nu, nbody, ngeom, njnt, ncam, nkey, nmocap, nwarning;
  double timestep;
} tb_sizes_t;

TB_EXPORT void tb_model_sizes(const mjModel* m, tb_sizes_t* out) {
  out->nq = m->nq;
  out->nv = m->nv;
  out->na = m->na;
  out->nu = m->nu;
  out->nbody = m->nbody;
  out->ngeom = m->ngeom;
  out->njnt = m->njnt;
  out->ncam = m->ncam;
  out->nkey = m->nkey;
  out->nmocap = m->nmocap;
  out->nwarning = mjNWARNING;
  out->timestep = m->opt.timestep;
}

// Object kinds as the C# side names them, mapped here to mjtObj so no enum number crosses the boundary.
enum { TB_BODY = 0, TB_JOINT = 1, TB_GEOM = 2, TB_ACTUATOR = 3, TB_CAMERA = 4, TB_KEY = 5 };

static int to_mjobj(int kind) {
  switch (kind) {
    case TB_BODY: return mjOBJ_BODY;
    case TB_JOINT: return mjOBJ_JOINT;
    case TB_GEOM: return mjOBJ_GEOM;
    case TB_ACTUATOR: return mjOBJ_ACTUATOR;
    case TB_CAMERA: return mjOBJ_CAMERA;
    case TB_KEY: return mjOBJ_KEY;
    default: return mjOBJ_UNKNOWN;
  }
}

TB_EXPORT const char* tb_name(const mjModel* m, int kind, int id) {
  const char* name = mj_id2name(m, to_mjobj(kind), id);
  return name ? name : "";
}

TB_EXPORT int tb_name_to_id(const mjModel* m, int kind, const char* name) {
  return mj_name2id(m, to_mjobj(kind), name);
}

// The parent of body b (0, the world body, is its own parent), its mass (kg) and its centre of mass in its own frame (m);
// the model's gravity (m/s², world frame).
TB_EXPORT int tb_body_parent(const mjModel* m, int b) { return m->body_parentid[b]; }
TB_EXPORT double tb_body_mass(const mjModel* m, int b) { return m->body_mass[b]; }
TB_EXPORT void tb_body_centre_of_mass(const mjModel* m, int b, double* out) { mju_copy3(out, m->body_ipos + 3 * b); }
TB_EXPORT void tb_gravity(const mjModel* m, double* out) { mju_copy3(out, m->opt.gravity); }

typedef struct {
  int body;
  int type;
  int priority;
  int contype;
  int conaffinity;
  double size[3];
  double solref[2];
  double solimp[5];
  int group;           // visualisation group (MuJoCo's viewers hide 3 and above by default)
  double pos[3];       // in the body frame
  double quat[4];      // in the body frame, w x y z
  double rgba[4];      // the colour MuJoCo draws: the material's where the geom keeps the default rgba
} tb_geom_info_t;

TB_EXPORT void tb_geom_info(const mjModel* m, int g, tb_geom_info_t* out) {
  out->body = m->geom_bodyid[g];
  out->type = m->geom_type[g];
  out->priority = m->geom_priority[g];
  out->contype = m->geom_contype[g];
  out->conaffinity = m->geom_conaffinity[g];
  for (int i = 0; i < 3; i++) out->size[i] = m->geom_size[3 * g + i];
  for (int i = 0; i < 2; i++) out->solref[i] = m->geom_solref[mjNREF * g + i];
  for (int i = 0; i < 5; i++) out->solimp[i] = m->geom_solimp[mjNIMP * g + i];
  out->group = m->geom_group[g];
  for (int i = 0; i < 3; i++) out->pos[i] = m->geom_pos[3 * g + i];
  for (int i = 0; i < 4; i++) out->quat[i] = m->geom_quat[4 * g + i];
  // MuJoCo's renderer takes a material's colour when the geom's own rgba is left at its default (0.5 0.5 0.5 1).
  const float* rgba = m->geom_rgba + 4 * g;
  int matid = m->geom_matid[g];
  int default_rgba = rgba[0] == 0.5f && rgba[1] == 0.5f && rgba[2] == 0.5f && rgba[3] == 1.0f;
  if (matid >= 0 && default_rgba) rgba = m->mat_rgba + 4 * matid;
  for (int i = 0; i < 4; i++) out->rgba[i] = rgba[i];
}

typedef struct {
  int body;
  int mode;            // 0 fixed to its body; other values track a body or the centre of mass (pose then varies)
  double pos[3];       // in the body frame
  double quat[4];      // in the body frame, w x y z; the camera looks along its -z axis with +y up
  double fovy_deg;
} tb_camera_info_t;

TB_EXPORT void tb_camera_info(const mjModel* m, int c, tb_camera_info_t* out) {
  out->body = m->cam_bodyid[c];
  out->mode = m->cam_mode[c] == mjCAMLIGHT_FIXED ? 0 : 1;
  for (int i = 0; i < 3; i++) out->pos[i] = m->cam_pos[3 * c + i];
  for (int i = 0; i < 4; i++) out->quat[i] = m->cam_quat[4 * c + i];
  out->fovy_deg = m->cam_fovy[c];
}

TB_EXPORT const char* tb_geom_type_name(int type) {
  switch (type) {
    case mjGEOM_PLANE: return "plane";
    case mjGEOM_HFIELD: return "hfield";
    case mjGEOM_SPHERE: return "sphere";
    case mjGEOM_CAPSULE: return "capsule";
    case mjGEOM_ELLIPSOID: return "ellipsoid";
    case mjGEOM_CYLINDER: return "cylinder";
    case mjGEOM_BOX: return "box";
    case mjGEOM_MESH: return "mesh";
    default: return "other";
  }
}

typedef struct {
  int joint;        // -1 when the transmission is not a joint
  int ctrllimited;
  double ctrlmin;
  double ctrlmax;
} tb_actuator_info_t;

TB_EXPORT void tb_actuator_info(const mjModel* m, int a, tb_actuator_info_t* out) {
  int trn = m->actuator_trntype[a];
  out->joint = (trn == mjTRN_JOINT || trn == mjTRN_JOINTINPARENT) ? m->actuator_trnid[2 * a] : -1;
  out->ctrllimited = m->actuator_ctrllimited[a];
  out->ctrlmin = m->actuator_ctrlrange[2 * a];
  out->ctrlmax = m->actuator_ctrlrange[2 * a + 1];
}

// 1 for hinge and slide joints (one qpos each), 0 otherwise.
TB_EXPORT int tb_joint_is_scalar(const mjModel* m, int j) {
  int t = m->jnt_type[j];
  return t == mjJNT_HINGE || t == mjJNT_SLIDE;
}

// Mocap index of body b, -1 when it is not a mocap body.
TB_EXPORT int tb_body_mocapid(const mjModel* m, int b) { return m->body_mocapid[b]; }

TB_EXPORT int tb_joint_qposadr(const mjModel* m, int j) { return m->jnt_qposadr[j]; }
TB_EXPORT int tb_joint_bodyid(const mjModel* m, int j) { return m->jnt_bodyid[j]; }

// Keyframe arrays, nkey rows each, by the C# side's field number: 0 time (1 per row), 1 qpos (nq), 2 qvel (nv),
// 3 act (na), 4 mpos (3 nmocap), 5 mquat (4 nmocap), 6 ctrl (nu). MuJoCo 2.2.2 compiles "nan" in a <key>
// without complaint; the bridge reads these to refuse such a model at load.
TB_EXPORT const mjtNum* tb_keyframe_field(const mjModel* m, int field) {
  switch (field) {
    case 0: return m->key_time;
    case 1: return m->key_qpos;
    case 2: return m->key_qvel;
    case 3: return m->key_act;
    case 4: return m->key_mpos;
    case 5: return m->key_mquat;
    case 6: return m->key_ctrl;
    default: return NULL;
  }
}

// ---------------------------------------------------------------- state

TB_EXPORT double* tb_qpos(mjData* d) { return d->qpos; }
TB_EXPORT double* tb_qvel(mjData* d) { return d->qvel; }
TB_EXPORT double* tb_act(mjData* d) { return d->act; }
TB_EXPORT double* tb_ctrl(mjData* d) { return d->ctrl; }
TB_EXPORT double* tb_mocap_pos(mjData* d) { return d->mocap_pos; }
TB_EXPORT double* tb_mocap_quat(mjData* d) { return d->mocap_quat; }
TB_EXPORT double* tb_qacc_warmstart(mjData* d) { return d->qacc_warmstart; }
TB_EXPORT double tb_time(const mjData* d) { return d->time; }
TB_EXPORT const double* tb_actuator_force(const mjData* d) { return d->actuator_force; }
TB_EXPORT void tb_set_time(mjData* d, double t) { d->time = t; }

TB_EXPORT void tb_warning_counts(const mjData* d, int* out) {
  for (int i = 0; i < mjNWARNING; i++) out[i] = d->warning[i].number;
}

TB_EXPORT const char* tb_warning_name(int i) {
  switch (i) {
    case mjWARN_INERTIA: return "singular inertia";
    case mjWARN_CONTACTFULL: return "contact buffer full";
    case mjWARN_CNSTRFULL: return "constraint buffer full";
    case mjWARN_VGEOMFULL: return "visual geom buffer full";
    case mjWARN_BADQPOS: return "bad number in qpos (simulation diverged and was reset by MuJoCo)";
    case mjWARN_BADQVEL: return "bad number in qvel (simulation diverged and was reset by MuJoCo)";
    case mjWARN_BADQACC: return "bad number in qacc (simulation diverged and was reset by MuJoCo)";
    case mjWARN_BADCTRL: return "bad number in ctrl";
    default: return "unknown warning";
  }
}

// 1 when the warning means contacts were dropped, so contact telemetry may be incomplete.
TB_EXPORT int tb_warning_loses_contacts(int i) { return i == mjWARN_CONTACTFULL || i == mjWARN_CNSTRFULL; }

// 1 when the warning means the simulated state can no longer be trusted.
TB_EXPORT int tb_warning_is_divergence(int i) {
  return i == mjWARN_BADQPOS || i == mjWARN_BADQVEL || i == mjWARN_BADQACC;
}

TB_EXPORT int tb_reset(const mjModel* m, mjData* d, int key, char* err, int errlen) {
  GUARDED(err, errlen, {
    if (key >= 0) {
      mj_resetDataKeyframe(m, d, key);
    } else {
      mj_resetData(m, d);
    }
    mj_forward(m, d);
  });
  return 1;
}

TB_EXPORT int tb_forward(const mjModel* m, mjData* d, char* err, int errlen) {
  GUARDED(err, errlen, { mj_forward(m, d); });
  return 1;
}

typedef struct {
  double pos[3];
  double quat[4];
  double linvel[3];
  double angvel[3];
} tb_body_state_t;

TB_EXPORT void tb_body_state(const mjModel* m, mjData* d, int b, tb_body_state_t* out) {
  double vel[6];
  for (int i = 0; i < 3; i++) out->pos[i] = d->xpos[3 * b + i];
  for (int i = 0; i < 4; i++) out->quat[i] = d->xquat[4 * b + i];
  mj_objectVelocity(m, d, mjOBJ_XBODY, b, vel, 0);
  for (int i = 0; i < 3; i++) {
    out->angvel[i] = vel[i];
    out->linvel[i] = vel[3 + i];
  }
}

// ---------------------------------------------------------------- body traces (motion at every physics step)

// Radius of a sphere about body b's centre of mass that encloses every geom of the body (from each geom's bounding
// radius about its own centre); planes and height fields, which have no finite bound, are left out.
TB_EXPORT double tb_body_bounding_radius(const mjModel* m, int b) {
  double radius = 0;
  for (int g = 0; g < m->ngeom; g++) {
    if (m->geom_bodyid[g] != b || m->geom_type[g] == mjGEOM_PLANE || m->geom_type[g] == mjGEOM_HFIELD) continue;
    double offset[3];
    mju_sub3(offset, m->geom_pos + 3 * g, m->body_ipos + 3 * b);
    double r = mju_norm3(offset) + m->geom_rbound[g];
    if (r > radius) radius = r;
  }
  return radius;
}

// Linear velocity of body b's centre of mass from the velocity stage mjData holds now (cvel, xipos).
static void com_velocity(const mjModel* m, mjData* d, int b, double* out) {
  double vel[6];
  mj_objectVelocity(m, d, mjOBJ_BODY, b, vel, 0);
  mju_copy3(out, vel + 3);
}

// Called after each physics step with the bodies to trace. mj_step leaves the position and velocity stages of
// mjData at the state before its integration, so this first reads each body's centre of mass velocity there
// (v before), then brings those stages to the new state (kinematics, centre of mass frames and velocities: the
// next step recomputes them anyway, so the trajectory is unchanged), and writes per body 13 values: centre of mass
// position (3), body frame quaternion w x y z (4), centre of mass velocity (3), and (v after - v before) / timestep (3),
// the acceleration the integrator applied over the step. Returns 1 on success, 0 on a MuJoCo error.
TB_EXPORT int tb_trace_bodies(const mjModel* m, mjData* d, const int* bodies, int count, double* out, char* err, int errlen) {
  GUARDED(err, errlen, {
    for (int i = 0; i < count; i++) com_velocity(m, d, bodies[i], out + 13 * i + 10);
    mj_kinematics(m, d);
    mj_comPos(m, d);
    mj_comVel(m, d);
    double h = m->opt.timestep;
    for (int i = 0; i < count; i++) {
      int b = bodies[i];
      double* o = out + 13 * i;
      double after[3];
      com_velocity(m, d, b, after);
      mju_copy3(o, d->xipos + 3 * b);
      mju_copy4(o + 3, d->xquat + 4 * b);
      for (int k = 0; k < 3; k++) {
        double before = o[10 + k];
        o[7 + k] = after[k];
        o[10 + k] = (after[k] - before) / h;
      }
    }
  });
  return 1;
}

// ---------------------------------------------------------------- options the contact recipe depends on

typedef struct {
  int euler;        // 1 when the integrator is semi-implicit Euler
  int elliptic;     // 1 when friction cones are elliptic
  double impratio;
} tb_physics_options_t;

TB_EXPORT void tb_physics_options(const mjModel* m, tb_physics_options_t* out) {
  out->euler = m->opt.integrator == mjINT_EULER;
  out->elliptic = m->opt.cone == mjCONE_ELLIPTIC;
  out->impratio = m->opt.impratio;
}

// Switches actuator forces, passive joint forces (springs, damping) and gravity off or on for this model. Each session
// owns its model, so this affects no other session. MuJoCo 2.2.2's Euler integrator treats joint damping implicitly
// (it solves with M + h·diag(damping)) whether or not passive forces are disabled, so with passive forces off every
// damped joint would still seem heavier by h·damping (measured: a struck pelvis read 4.5 % above the undamped two-body
// model at h = 1 ms, 2.5 % at 0.5 ms). Passive off therefore also parks the joints' damping in saved_damping (nv
// entries, owned by the session) and passive on puts it back.
TB_EXPORT void tb_set_force_switches(mjModel* m, int actuators_off, int passive_off, int gravity_off, double* saved_damping) {
  int was_off = (m->opt.disableflags & mjDSBL_PASSIVE) != 0;
  if (passive_off && !was_off) {
    mju_copy(saved_damping, m->dof_damping, m->nv);
    mju_zero(m->dof_damping, m->nv);
  } else if (!passive_off && was_off) {
    mju_copy(m->dof_damping, saved_damping, m->nv);
  }
  if (actuators_off) m->opt.disableflags |= mjDSBL_ACTUATION; else m->opt.disableflags &= ~mjDSBL_ACTUATION;
  if (passive_off) m->opt.disableflags |= mjDSBL_PASSIVE; else m->opt.disableflags &= ~mjDSBL_PASSIVE;
  if (gravity_off) m->opt.disableflags |= mjDSBL_GRAVITY; else m->opt.disableflags &= ~mjDSBL_GRAVITY;
}

// Makes every contact frictionless (condim 1) or puts each geom's contact dimensionality back from saved_condim (ngeom
// entries, owned by the session, all 0 while friction is on). The standard's two-body model has no friction: with it,
// an impact peaks anywhere between the frictionless model and one with every contact point stuck, and against a heavy
// striker that upper bound lies several times higher (docs/contact-physics.md), too far away to test the spring.
TB_EXPORT void tb_set_friction_off(mjModel* m, int friction_off, int* saved_condim) {
  int was_off = saved_condim[0] > 0;
  if (friction_off && !was_off) {
    for (int g = 0; g < m->ngeom; g++) {
      saved_condim[g] = m->geom_condim[g];
      m->geom_condim[g] = 1;
    }
  } else if (!friction_off && was_off) {
    for (int g = 0; g < m->ngeom; g++) {
      m->geom_condim[g] = saved_condim[g];
      saved_condim[g] = 0;
    }
  }
}

// Sets geom g's collision bits; (0, 0) makes it collide with nothing.
TB_EXPORT void tb_set_geom_collision(mjModel* m, int g, int contype, int conaffinity) {
  m->geom_contype[g] = contype;
  m->geom_conaffinity[g] = conaffinity;
}

// MuJoCo's mean translational inverse weight of a body at qpos0 (1/kg): its own estimate of 1/effective mass.
TB_EXPORT double tb_body_inverse_weight(const mjModel* m, int b) { return m->body_invweight0[2 * b]; }

// ---------------------------------------------------------------- effective mass along a direction

// Inverse effective mass of the point p attached to body b along the unit direction n, at the current
// configuration: n^T J M^-1 J^T n (1/kg). 0 for a body with no degrees of freedom. Needs mj_factorM done
// (any mj_forward or step has done it). Also returns the row vector n^T J in jrow (nv) if jrow is not NULL.
static double inverse_mass_along(const mjModel* m, mjData* d, int b, const double* p, const double* n,
                                 mjtNum* jacp, mjtNum* row, mjtNum* x) {
  int nv = m->nv;
  mj_jac(m, d, jacp, NULL, p, b);
  for (int k = 0; k < nv; k++) row[k] = n[0] * jacp[k] + n[1] * jacp[nv + k] + n[2] * jacp[2 * nv + k];
  mj_solveM(m, d, x, row, 1);
  double a = 0;
  for (int k = 0; k < nv; k++) a += row[k] * x[k];
  return a;
}

// Inverse effective masses of two bodies touching at p, in the contact frame (row 0 the normal n, rows 1-2 the
// tangents): each side alone along the normal, the pair along the normal (which includes any coupling through
// shared joints), and the pair along the normal with both tangential directions held, as when friction makes the
// contact stick (the Schur complement of the 3x3 contact-frame inverse mass). Scratch comes from MuJoCo's stack.
// patch, patch_sticking: the pair along the normal when every point the compliant geom shares with that impact body
// moves with the others (a face or edge pressed flat: the relative tilt held), see patch_inverse_masses; NAN for a
// point contact (reported as the point's values). loaded, loaded_sticking: what the region's spring meets where its
// force acts, over all the region's points (see region_spring); NAN when none penetrates. depth_scale: true /
// reported penetration of the contact's pair.
typedef struct {
  double side1, side2, pair, sticking, patch, patch_sticking, loaded, loaded_sticking, depth_scale;
} tb_inverse_masses_t;
#define TB_MASSES_NUMS 9
_Static_assert(sizeof(tb_inverse_masses_t) == TB_MASSES_NUMS * sizeof(mjtNum), "contact masses are allocated as mjtNum on MuJoCo's stack");

// From three rows of a pair's relative Jacobian (rows: the normal, then two tangential directions; x: M^-1 applied to
// each), the inverse effective mass along the normal, and along it with both tangential directions held, as when
// friction makes the contact stick (the Schur complement of the 3x3 inverse mass).
static void frame_inverse_masses(int nv, const mjtNum* rows, const mjtNum* x, int frictional, double* pair, double* sticking) {
  double a[3][3];
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) a[i][j] = mju_dot(rows + i * nv, x + j * nv, nv);
  }
  *pair = *sticking = a[0][0];
  double det = a[1][1] * a[2][2] - a[1][2] * a[2][1];
  if (frictional && det > 1e-12 * (a[1][1] * a[2][2] + 1e-300)) {
    // a_nn - a_nt T^-1 a_tn with T the tangential 2x2 block
    double i11 = a[2][2] / det, i12 = -a[1][2] / det, i21 = -a[2][1] / det, i22 = a[1][1] / det;
    double w1 = a[1][0], w2 = a[2][0];
    *sticking = a[0][0] - (a[0][1] * (i11 * w1 + i12 * w2) + a[0][2] * (i21 * w1 + i22 * w2));
  }
}

// The inverse effective masses along frame's normal for a force applied where jac1 and jac2 (3 x nv translational
// Jacobians of the two bodies, world frame) are taken: each side, the pair, and the pair with frame's two tangential
// directions held.
static tb_inverse_masses_t inverse_masses_of(const mjModel* m, mjData* d, const mjtNum* jac1, const mjtNum* jac2,
                                             const double* frame, int frictional) {
  int nv = m->nv;
  int mark = d->pstack;
  mjtNum* rows = mj_stackAlloc(d, 5 * nv);  // 3 frame rows of the pair, then the normal row of each side
  mjtNum* x = mj_stackAlloc(d, 5 * nv);
  for (int r = 0; r < 3; r++) {
    const double* n = frame + 3 * r;
    for (int k = 0; k < nv; k++) {
      double j1 = n[0] * jac1[k] + n[1] * jac1[nv + k] + n[2] * jac1[2 * nv + k];
      double j2 = n[0] * jac2[k] + n[1] * jac2[nv + k] + n[2] * jac2[2 * nv + k];
      rows[r * nv + k] = j1 - j2;
      if (r == 0) {
        rows[3 * nv + k] = j1;
        rows[4 * nv + k] = j2;
      }
    }
  }
  mj_solveM(m, d, x, rows, 5);
  tb_inverse_masses_t out;
  out.side1 = mju_dot(rows + 3 * nv, x + 3 * nv, nv);
  out.side2 = mju_dot(rows + 4 * nv, x + 4 * nv, nv);
  frame_inverse_masses(nv, rows, x, frictional, &out.pair, &out.sticking);
  d->pstack = mark;
  return out;
}

static tb_inverse_masses_t contact_inverse_masses(const mjModel* m, mjData* d, int b1, int b2, const double* p,
                                                  const double* frame, int frictional) {
  int mark = d->pstack;
  mjtNum* jac1 = mj_stackAlloc(d, 3 * m->nv);
  mjtNum* jac2 = mj_stackAlloc(d, 3 * m->nv);
  mj_jac(m, d, jac1, NULL, p, b1);
  mj_jac(m, d, jac2, NULL, p, b2);
  tb_inverse_masses_t out = inverse_masses_of(m, d, jac1, jac2, frame, frictional);
  d->pstack = mark;
  return out;
}

TB_EXPORT int tb_inverse_effective_mass(const mjModel* m, mjData* d, int b, const double* p, const double* n,
                                        double* out, char* err, int errlen) {
  GUARDED(err, errlen, {
    int mark = d->pstack;
    mjtNum* jacp = mj_stackAlloc(d, 3 * m->nv);
    mjtNum* row = mj_stackAlloc(d, m->nv);
    mjtNum* x = mj_stackAlloc(d, m->nv);
    *out = inverse_mass_along(m, d, b, p, n, jacp, row, x);
    d->pstack = mark;
  });
  return 1;
}

// ---------------------------------------------------------------- point kinematics for inverse kinematics

TB_EXPORT int tb_joint_dofadr(const mjModel* m, int j) { return m->jnt_dofadr[j]; }
TB_EXPORT double tb_dof_damping(const mjModel* m, int v) { return m->dof_damping[v]; }
TB_EXPORT int tb_joint_type(const mjModel* m, int j) { return m->jnt_type[j]; }

// Kinematics of a point (body frame) on body b with the positions qpos and mocap poses given, computed in the scratch
// data so the simulation's own state is untouched. Out: world position (3), body rotation (9, row-major), and the
// Jacobian columns of the dofs listed (3 x ndofs each, row-major).
TB_EXPORT int tb_point_jacobian(const mjModel* m, mjData* scratch, const double* qpos, const double* mocap_pos,
                                const double* mocap_quat, int b, const double* local_point, const int* dofs, int ndofs,
                                double* out_pos, double* out_rot, double* out_jacp, double* out_jacr, char* err, int errlen) {
  GUARDED(err, errlen, {
    mju_copy(scratch->qpos, qpos, m->nq);
    if (m->nmocap > 0) {
      mju_copy(scratch->mocap_pos, mocap_pos, 3 * m->nmocap);
      mju_copy(scratch->mocap_quat, mocap_quat, 4 * m->nmocap);
    }
    mj_kinematics(m, scratch);
    mj_comPos(m, scratch);
    double p[3];
    mju_rotVecMat(p, local_point, scratch->xmat + 9 * b);
    mju_addTo3(p, scratch->xpos + 3 * b);
    mju_copy3(out_pos, p);
    mju_copy(out_rot, scratch->xmat + 9 * b, 9);
    int nv = m->nv;
    int mark = scratch->pstack;
    mjtNum* jp = mj_stackAlloc(scratch, 3 * nv);
    mjtNum* jr = mj_stackAlloc(scratch, 3 * nv);
    mj_jac(m, scratch, jp, jr, p, b);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < ndofs; c++) {
        out_jacp[r * ndofs + c] = jp[r * nv + dofs[c]];
        out_jacr[r * ndofs + c] = jr[r * nv + dofs[c]];
      }
    }
    scratch->pstack = mark;
  });
  return 1;
}

// ---------------------------------------------------------------- stepping with contact telemetry

// Which contacts the bridge makes compliant. A contact between a geom with stiffness[g] > 0 and a geom of an
// impact body (impact[g] != 0) is given the normal force of a linear spring of that stiffness between the two
// bodies' true effective masses at this configuration; every other contact keeps the MJCF's parameters.
typedef struct {
  const double* stiffness;      // N/m per geom; 0 = not compliant
  const double* damping_ratio;  // per geom
  const unsigned char* impact;  // per geom
  double impedance;             // the contact impedance d of compliant contacts, small (e.g. 0.001)
  double* compression;          // per geom, m: each region's spring compression D, carried from step to step
} tb_compliance_t;

typedef struct {
  int geom1;
  int geom2;
  double normal_force;      // N, from mj_contactForce after the constraint solve
  double pos[3];
  double normal[3];         // unit, from geom1 towards geom2
  double dist;              // negative: penetration
  double approach_speed;    // m/s along the normal, positive = closing, before the contact force acts
  double inv_mass1;         // 1/kg: geom1's body alone along the normal (compliant contacts only, else 0)
  double inv_mass2;         // 1/kg: geom2's body alone
  double inv_mass;          // 1/kg: the pair, J M^-1 J^T along the normal
  double inv_mass_sticking; // 1/kg: the pair along the normal with the tangential directions held
  double inv_mass_patch;    // 1/kg: the pair along the normal with every point of the patch moving together
  double inv_mass_patch_sticking; // 1/kg: the same with every point's tangential directions held
  double inv_mass_loaded;   // 1/kg: the pair along the normal at the force centroid of the patch's points
  double inv_mass_loaded_sticking;  // 1/kg: the same with the tangential directions held
  double friction[3];       // N, world frame: the contact's tangential (friction) force on geom2, from mj_contactForce
  double stiffness;         // N/m applied to this contact, 0 when the contact is not compliant
  int contact;              // index in mjData.contact
} tb_contact_t;

static double point_velocity_along(const mjModel* m, mjData* d, int g, const double* p, const double* n) {
  double vel[6];
  mj_objectVelocity(m, d, mjOBJ_GEOM, g, vel, 0);
  const double* c = d->geom_xpos + 3 * g;
  double r[3] = {p[0] - c[0], p[1] - c[1], p[2] - c[2]};
  double v[3] = {
      vel[3] + vel[1] * r[2] - vel[2] * r[1],
      vel[4] + vel[2] * r[0] - vel[0] * r[2],
      vel[5] + vel[0] * r[1] - vel[1] * r[0],
  };
  return v[0] * n[0] + v[1] * n[1] + v[2] * n[2];
}

// Half-extent of box geom g along the unit direction n (its support function).
static double box_extent_along(const mjModel* m, const mjData* d, int g, const double* n) {
  const double* r = d->geom_xmat + 9 * g;
  const double* s = m->geom_size + 3 * g;
  double h = 0;
  for (int k = 0; k < 3; k++) h += s[k] * fabs(r[k] * n[0] + r[3 + k] * n[1] + r[6 + k] * n[2]);
  return h;
}

// Deepest penetration of contact c's geom pair along its normal, and how it compares with what the collision detector
// reported. MuJoCo 2.2.2's box-box collider reports half the penetration for a face against a face (it stores the
// contact's depth after moving the point half-way, measured: 1.34 mm reported for 2.57 mm of closing), so for two boxes
// the depth is the separating-axis overlap along the normal, which is what that collider itself minimises; every other
// pair keeps the detector's depth. Returns true / reported for the pair (1 when nothing needs correcting).
static double depth_scale_of(const mjModel* m, const mjData* d, const mjContact* c) {
  if (m->geom_type[c->geom1] != mjGEOM_BOX || m->geom_type[c->geom2] != mjGEOM_BOX) return 1;
  const double* n = c->frame;
  const double* p1 = d->geom_xpos + 3 * c->geom1;
  const double* p2 = d->geom_xpos + 3 * c->geom2;
  double gap = fabs((p2[0] - p1[0]) * n[0] + (p2[1] - p1[1]) * n[1] + (p2[2] - p1[2]) * n[2]);
  double overlap = box_extent_along(m, d, c->geom1, n) + box_extent_along(m, d, c->geom2, n) - gap;
  double reported = 0;
  for (int j = 0; j < d->ncon; j++) {
    const mjContact* o = d->contact + j;
    if (o->geom1 == c->geom1 && o->geom2 == c->geom2 && -o->dist > reported) reported = -o->dist;
  }
  return reported > 0 && overlap > 0 ? overlap / reported : 1;
}

// How much of a region's spring force a contact point of depth d carries, relative to the others: d^4, so the force
// sits at the deepest points (the penetration of two curved shapes is their deepest point's; a second point of two
// capsules side by side is shallower and carries little), spreads evenly over a face pressed flat, and a point that
// appears with no depth takes nothing. How far the region's spring is compressed is region_compressions'.
static double force_weight(double depth) {
  double d2 = depth * depth;
  return d2 * d2;
}

// A contact point's penetration (m, >= 0), its collider's depth corrected by the pair's depth_scale.
static double penetration_of(const mjContact* c, double depth_scale) { return c->dist < 0 ? -c->dist * depth_scale : 0; }

static int compliant_geom_of(const tb_compliance_t* cmp, const mjContact* c) {
  int k1 = cmp->stiffness[c->geom1] > 0, k2 = cmp->stiffness[c->geom2] > 0;
  if (k1 && !k2 && cmp->impact[c->geom2]) return c->geom1;
  if (k2 && !k1 && cmp->impact[c->geom1]) return c->geom2;
  return -1;
}

// Whether contact b presses compliant geom g from the same impact body as contact a does: a point of a's patch.
static int same_patch(const mjModel* m, const tb_compliance_t* cmp, int g, const mjContact* a, const mjContact* b) {
  if (b->efc_address < 0 || compliant_geom_of(cmp, b) != g) return 0;
  int ia = a->geom1 == g ? a->geom2 : a->geom1;
  int ib = b->geom1 == g ? b->geom2 : b->geom1;
  return m->geom_bodyid[ia] == m->geom_bodyid[ib];
}

// The inverse effective masses of the points compliant geom g shares with the body of contact c's impact geom, moving
// together along the normal (a flat face or edge pressed against the region: their relative tilt held):
// 1 / (e^T A^-1 e), A the inverse mass matrix between the points' rows and e selecting the normal rows. sliding uses
// the normal rows alone; sticking, when the contact is frictional, also holds each point's two tangential rows (e is 0
// there). A is positive semi-definite and singular for coplanar points of a rigid pair, so a small ridge keeps each
// solve defined (e lies in its range). Each is NAN when the patch is a single point or its solve fails: the caller
// then reports the point's own value.
#define TB_PATCH_MAX 8
static void patch_inverse_masses(const mjModel* m, mjData* d, const tb_compliance_t* cmp, int g, const mjContact* c,
                                 double* sliding, double* sticking) {
  *sliding = *sticking = NAN;
  int idx[TB_PATCH_MAX], n = 0;
  for (int j = 0; j < d->ncon && n < TB_PATCH_MAX; j++) {
    if (same_patch(m, cmp, g, c, d->contact + j)) idx[n++] = j;
  }
  if (n < 2) return;
  int per = c->dim > 1 ? 3 : 1;
  int rowsn = n * per;
  int nv = m->nv;
  int mark = d->pstack;
  mjtNum* jac1 = mj_stackAlloc(d, 3 * nv);
  mjtNum* jac2 = mj_stackAlloc(d, 3 * nv);
  mjtNum* rows = mj_stackAlloc(d, rowsn * nv);
  mjtNum* x = mj_stackAlloc(d, rowsn * nv);
  mjtNum a[3 * TB_PATCH_MAX * 3 * TB_PATCH_MAX], e[3 * TB_PATCH_MAX], f[3 * TB_PATCH_MAX];
  int gb = m->geom_bodyid[g];
  for (int i = 0; i < n; i++) {
    const mjContact* o = d->contact + idx[i];
    mj_jac(m, d, jac1, NULL, o->pos, m->geom_bodyid[o->geom1]);
    mj_jac(m, d, jac2, NULL, o->pos, m->geom_bodyid[o->geom2]);
    // Rows point the same way for every point: from the region's body towards the impact body.
    double sign = m->geom_bodyid[o->geom1] == gb ? 1 : -1;
    for (int r = 0; r < per; r++) {
      const double* nn = o->frame + 3 * r;
      mjtNum* row = rows + (i * per + r) * nv;
      for (int k = 0; k < nv; k++) {
        double j1 = nn[0] * jac1[k] + nn[1] * jac1[nv + k] + nn[2] * jac1[2 * nv + k];
        double j2 = nn[0] * jac2[k] + nn[1] * jac2[nv + k] + nn[2] * jac2[2 * nv + k];
        row[k] = sign * (j1 - j2);
      }
    }
  }
  mj_solveM(m, d, x, rows, rowsn);
  // 1 / (e^T (A + ridge)^-1 e) over the rows that step through A by stride, e = 1 on every first row of a point.
  for (int pass = 0; pass < (per > 1 ? 2 : 1); pass++) {
    int stride = pass == 0 ? per : 1;
    int size = rowsn / stride;
    double trace = 0;
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) a[i * size + j] = mju_dot(rows + i * stride * nv, x + j * stride * nv, nv);
      trace += a[i * size + i];
      e[i] = (i * stride) % per == 0 ? 1 : 0;
    }
    for (int i = 0; i < size; i++) a[i * size + i] += 1e-9 * trace;
    if (mju_cholFactor(a, size, 0) < size) continue;
    mju_cholSolve(f, a, e, size);
    double mass = 0;
    for (int i = 0; i < size; i++) mass += e[i] * f[i];
    if (mass > 0) *(pass == 0 ? sliding : sticking) = 1 / mass;
  }
  if (per == 1) *sticking = *sliding;

  d->pstack = mark;
}

// One region's spring at this step, from all its penetrating points (whatever impact bodies press there): the sum of
// their force weights w = force_weight(depth), the force-weighted depth sum(w d) / sum(w), the deepest depth, and the
// spring's own row sum(w n^T (J1 - J2)) / sum(w) of the points' relative Jacobians. The row times qvel is the rate at
// which the spring is compressed (each point's closing speed, force-weighted); its M^-1 quadratic form is the inverse
// effective mass the spring meets (sliding). sticking also holds the relative motion of the force centroid along the
// deepest point's two tangential directions, as friction does where the force acts. (Holding every point's tangential
// directions instead would lock a limb's turn to the robot's and, against a heavy robot, give a bound too far away to
// test anything.) For one point these are the point's own values. weights is 0 when no point penetrates.
typedef struct {
  double weights, depth, deepest, rate, sliding, sticking;
} tb_region_spring_t;
#define TB_REGION_SPRING_NUMS 6
_Static_assert(sizeof(tb_region_spring_t) == TB_REGION_SPRING_NUMS * sizeof(mjtNum), "region springs are allocated as mjtNum on MuJoCo's stack");

static tb_region_spring_t region_spring(const mjModel* m, mjData* d, const tb_compliance_t* cmp, int g,
                                        const tb_inverse_masses_t* masses) {
  tb_region_spring_t out = {0, 0, 0, 0, NAN, NAN};
  int nv = m->nv;
  int mark = d->pstack;
  mjtNum* jac1 = mj_stackAlloc(d, 3 * nv);
  mjtNum* jac2 = mj_stackAlloc(d, 3 * nv);
  mjtNum* relative = mj_stackAlloc(d, 3 * nv);  // sum of w (J_impact - J_region) over the points
  mjtNum* rows = mj_stackAlloc(d, 3 * nv);
  mjtNum* x = mj_stackAlloc(d, 3 * nv);
  mju_zero(relative, 3 * nv);
  mju_zero(rows, nv);
  const mjContact* deepest_point = NULL;
  int frictional = 0;
  for (int j = 0; j < d->ncon; j++) {
    const mjContact* o = d->contact + j;
    if (o->efc_address < 0 || compliant_geom_of(cmp, o) != g) continue;
    double depth = penetration_of(o, masses[j].depth_scale);
    if (!(depth > 0)) continue;
    double w = force_weight(depth);
    out.weights += w;
    out.depth += w * depth;
    mj_jac(m, d, jac1, NULL, o->pos, m->geom_bodyid[o->geom1]);
    mj_jac(m, d, jac2, NULL, o->pos, m->geom_bodyid[o->geom2]);
    // The normal points from geom1 to geom2, so n^T (J1 - J2) is the point's closing rate whichever geom is the region.
    const double* n = o->frame;
    double sign = o->geom1 == g ? -1 : 1;  // J_impact - J_region
    for (int k = 0; k < nv; k++) {
      for (int r = 0; r < 3; r++) {
        double diff = jac1[r * nv + k] - jac2[r * nv + k];
        rows[k] += w * n[r] * diff;
        relative[r * nv + k] += w * sign * diff;
      }
    }
    if (depth > out.deepest) {
      out.deepest = depth;
      deepest_point = o;
    }
    frictional |= o->dim > 1;
  }
  if (deepest_point) {
    out.depth /= out.weights;
    for (int k = 0; k < nv; k++) rows[k] /= out.weights;
    out.rate = mju_dot(rows, d->qvel, nv);
    for (int r = 1; r < 3; r++) {
      const double* t = deepest_point->frame + 3 * r;
      for (int k = 0; k < nv; k++) {
        rows[r * nv + k] = (t[0] * relative[k] + t[1] * relative[nv + k] + t[2] * relative[2 * nv + k]) / out.weights;
      }
    }
    mj_solveM(m, d, x, rows, 3);
    frame_inverse_masses(nv, rows, x, frictional, &out.sliding, &out.sticking);
  }
  d->pstack = mark;
  return out;
}

// Each compliant geom's spring at this step into springs (ngeom entries), and its compression D into cmp->compression.
// A region touched at several points (capsules side by side, a box face or edge, two robot parts) must act as one
// spring of stiffness k whose force k * D is shared over its points in proportion to w = force_weight(depth). D
// follows the force centroid: it grows by h * rate each step, the spring's rate of compression from this step's qvel.
// So a striker pushed straight in compresses the spring exactly as far as it moves, whatever the points' depths, and
// the work the bodies do on the points, sum(f v), is what the spring stores, k D dD/dt, however they turn. No rule on
// the depths alone can do both: the force-weighted depth grows more slowly than the push when unequal points are
// pushed straight in (0.89 k at depths 2 : 1), and the deepest depth adds energy when a face tilts. A point that
// appears with no depth or vanishes changes nothing. When a region is first touched D is the force-weighted depth; it
// never falls below it (when shallow points recede and leave, the centroid's path would otherwise lag behind the depth
// that remains, and a sustained press would read softer than the depth rule) nor rises above the deepest point, and is
// 0 with no point.
static void region_compressions(const mjModel* m, mjData* d, const tb_compliance_t* cmp, const tb_inverse_masses_t* masses,
                                tb_region_spring_t* springs) {
  double h = m->opt.timestep;
  for (int g = 0; g < m->ngeom; g++) {
    if (!(cmp->stiffness[g] > 0)) continue;
    tb_region_spring_t spring = springs[g] = region_spring(m, d, cmp, g, masses);
    double* compression = cmp->compression + g;
    if (!(spring.weights > 0)) {
      *compression = 0;
      continue;
    }
    double next = *compression > 0 ? *compression + h * spring.rate : spring.depth;
    *compression = next > spring.deepest ? spring.deepest : next < spring.depth ? spring.depth : next;
  }
}

// Overwrites the normal row of each compliant contact after mj_makeConstraint, so that its force is
// f = k * penetration + c * closing speed, whatever pushes the bodies (contact physics notes in
// docs/contact-physics.md). With impedance d, MuJoCo's force on a row is
//   f = -(k_s r + b_s v + d a0) / (d A + (1 - d) Dp),  K = k_s / d^2, B = b_s / d, R = (1 - d) / d * Dp,
// A the true inverse effective mass, Dp MuJoCo's approximation of it (efc_diagApprox). Choosing
// k_s = k (d A + (1 - d) Dp) s gives f = k r s at each point (s shares the spring among the pair's points), and a
// small d passes almost none of the
// external push a0 through instantly. The friction rows keep MuJoCo's values; the elliptic cone's
// regularised coefficient mu = f0 sqrt(R_t / R_n) is rescaled to the new R_n.
// masses[i] receives contact i's inverse effective masses, for record_watched to report without solving again.
static void apply_compliance(const mjModel* m, mjData* d, const tb_compliance_t* cmp, tb_inverse_masses_t* masses) {
  double dimp = cmp->impedance;
  // Each compliant contact's depth correction first: the one-spring rule below reads it for every point of a region.
  for (int j = 0; j < d->ncon; j++) {
    const mjContact* o = d->contact + j;
    if (o->efc_address >= 0 && compliant_geom_of(cmp, o) >= 0) masses[j].depth_scale = depth_scale_of(m, d, o);
  }
  int mark = d->pstack;
  tb_region_spring_t* springs = (tb_region_spring_t*)mj_stackAlloc(d, TB_REGION_SPRING_NUMS * m->ngeom);
  region_compressions(m, d, cmp, masses, springs);
  for (int i = 0; i < d->ncon; i++) {
    mjContact* c = d->contact + i;
    if (c->efc_address < 0) continue;
    int g = compliant_geom_of(cmp, c);
    if (g < 0) continue;
    // Point i carries the share w_i / sum(w) of the region's total k * D: its stiffness on its own depth is
    // k * D * w_i / (d_i * sum(w)).
    double own = penetration_of(c, masses[i].depth_scale);
    double weights = springs[g].weights;
    double share = weights > 0 && own > 0 ? cmp->compression[g] * force_weight(own) / (own * weights) : 0;
    double depth_scale = masses[i].depth_scale;
    masses[i] = contact_inverse_masses(m, d, m->geom_bodyid[c->geom1], m->geom_bodyid[c->geom2], c->pos, c->frame,
                                       c->dim > 1);
    masses[i].depth_scale = depth_scale;
    masses[i].loaded = springs[g].sliding;
    masses[i].loaded_sticking = springs[g].sticking;
    // The points of one patch share its masses: computed at its first point, copied to the others.
    int first = i;
    for (int j = 0; j < i && first == i; j++) {
      if (d->contact[j].dim == c->dim && same_patch(m, cmp, g, c, d->contact + j)) first = j;
    }
    if (first == i) {
      patch_inverse_masses(m, d, cmp, g, c, &masses[i].patch, &masses[i].patch_sticking);
    } else {
      masses[i].patch = masses[first].patch;
      masses[i].patch_sticking = masses[first].patch_sticking;
    }
    double a = masses[i].pair;
    if (!(a > 0)) continue;  // both sides immovable: nothing can be compressed
    int row = c->efc_address;
    double k = cmp->stiffness[g];
    double damping = 2 * cmp->damping_ratio[g] * sqrt(k / a);
    double dp = d->efc_diagApprox[row];
    double scale = (dimp * a + (1 - dimp) * dp) * share * masses[i].depth_scale;
    double r_old = d->efc_R[row];
    double r_new = (1 - dimp) / dimp * dp;
    d->efc_R[row] = r_new;
    d->efc_D[row] = 1 / r_new;
    d->efc_KBIP[4 * row + 0] = k * scale / (dimp * dimp);
    d->efc_KBIP[4 * row + 1] = damping * scale / dimp;
    d->efc_KBIP[4 * row + 2] = dimp;
    d->efc_KBIP[4 * row + 3] = 0;
    // The spring acts on the geometric penetration, not on a contact margin (a margin would start it compressed).
    d->efc_margin[row] = 0;
    if (m->opt.cone == mjCONE_ELLIPTIC && c->dim > 1 && r_old > 0) c->mu *= sqrt(r_old / r_new);
  }
  d->pstack = mark;
}

// masses: what apply_compliance computed for each compliant contact (NULL when nothing is compliant).
static void record_watched(const mjModel* m, mjData* d, const unsigned char* watched, const tb_compliance_t* cmp,
                           const tb_inverse_masses_t* masses, tb_contact_t* out, int max, volatile int* n) {
  for (int i = 0; i < d->ncon; i++) {
    const mjContact* c = d->contact + i;
    if (c->efc_address < 0 || !(watched[c->geom1] || watched[c->geom2])) continue;
    if (*n < max) {
      tb_contact_t* o = out + *n;
      memset(o, 0, sizeof *o);
      o->geom1 = c->geom1;
      o->geom2 = c->geom2;
      o->dist = c->dist;
      o->contact = i;
      for (int k = 0; k < 3; k++) {
        o->pos[k] = c->pos[k];
        o->normal[k] = c->frame[k];
      }
      // Velocities here are those before this step's constraint impulse: the approach speed at onset.
      // The normal points from geom1 to geom2; geom1 closing on geom2 moves along +normal.
      o->approach_speed = point_velocity_along(m, d, c->geom1, c->pos, c->frame) -
                          point_velocity_along(m, d, c->geom2, c->pos, c->frame);
      int g = cmp ? compliant_geom_of(cmp, c) : -1;
      if (g >= 0) {
        o->inv_mass1 = masses[i].side1;
        o->inv_mass2 = masses[i].side2;
        o->inv_mass = masses[i].pair;
        o->inv_mass_sticking = masses[i].sticking;
        o->inv_mass_patch = isnan(masses[i].patch) ? masses[i].pair : masses[i].patch;
        o->inv_mass_patch_sticking = isnan(masses[i].patch_sticking) ? masses[i].sticking : masses[i].patch_sticking;
        o->inv_mass_loaded = isnan(masses[i].loaded) ? masses[i].pair : masses[i].loaded;
        o->inv_mass_loaded_sticking = isnan(masses[i].loaded_sticking) ? masses[i].sticking : masses[i].loaded_sticking;
        o->dist = c->dist * masses[i].depth_scale;
        o->stiffness = cmp->stiffness[g];
      }
    }
    (*n)++;
  }
}

static void record_forces(const mjModel* m, mjData* d, tb_contact_t* out, int count) {
  for (int k = 0; k < count; k++) {
    double f[6];
    mj_contactForce(m, d, out[k].contact, f);
    out[k].normal_force = f[0];
    // The friction force in world coordinates: the frame's tangent rows weighted by the two tangential forces.
    const double* frame = d->contact[out[k].contact].frame;
    int dim = d->contact[out[k].contact].dim;
    for (int i = 0; i < 3; i++) out[k].friction[i] = dim > 1 ? f[1] * frame[3 + i] + f[2] * frame[6 + i] : 0;
  }
}

// mj_step for the Euler integrator, assembled from its exported stages so that compliant contacts can be
// adjusted between constraint construction and the solve (mj_step has no hook there). With no compliant
// contact it computes exactly what mj_step computes.
static void step_euler_with_compliance(const mjModel* m, mjData* d, const unsigned char* watched,
                                       const tb_compliance_t* cmp, tb_contact_t* out, int max, volatile int* n) {
  mj_checkPos(m, d);
  mj_checkVel(m, d);
  mj_kinematics(m, d);
  mj_comPos(m, d);
  mj_camlight(m, d);
  mj_tendon(m, d);
  mj_crb(m, d);
  mj_factorM(m, d);
  mj_collision(m, d);
  mj_makeConstraint(m, d);
  // Per-contact masses live on MuJoCo's stack from the adjustment until they are recorded (the stages between
  // release what they take).
  int mark = d->pstack;
  tb_inverse_masses_t* masses = (tb_inverse_masses_t*)mj_stackAlloc(d, TB_MASSES_NUMS * (d->ncon > 0 ? d->ncon : 1));
  apply_compliance(m, d, cmp, masses);
  mj_transmission(m, d);
  mj_projectConstraint(m, d);
  mj_sensorPos(m, d);
  if (m->opt.enableflags & mjENBL_ENERGY) mj_energyPos(m, d);
  record_watched(m, d, watched, cmp, masses, out, max, n);
  d->pstack = mark;
  mj_forwardSkip(m, d, mjSTAGE_POS, 0);
  mj_checkAcc(m, d);
  if (m->opt.enableflags & mjENBL_FWDINV) mj_compareFwdInv(m, d);
  mj_Euler(m, d);
}

// One physics step. Contacts that involve a geom whose watched[geom] is nonzero are written to out (up to
// max); *count receives how many there were (may exceed max). With cmp not NULL (Euler integrator only, checked
// when the session opens) compliant contacts are adjusted. Returns 1 on success, 0 on a MuJoCo error.
TB_EXPORT int tb_step_watched(const mjModel* m, mjData* d, const unsigned char* watched, const tb_compliance_t* cmp,
                              tb_contact_t* out, int max, int* count, char* err, int errlen) {
  volatile int n = 0;
  GUARDED(err, errlen, {
    if (cmp) {
      step_euler_with_compliance(m, d, watched, cmp, out, max, &n);
    } else {
      mj_step1(m, d);
      record_watched(m, d, watched, NULL, NULL, out, max, &n);
      mj_step2(m, d);
    }
    record_forces(m, d, out, n < max ? n : max);
  });
  *count = n;
  return 1;
}

// ---------------------------------------------------------------- headless rendering (EGL, Mesa on the CPU)

static EGLDisplay g_display = EGL_NO_DISPLAY;
static EGLContext g_context = EGL_NO_CONTEXT;
static char g_gl_description[256];

// Creates a surfaceless OpenGL context and makes it current on the calling thread. All rendering calls
// must then come from that same thread.
TB_EXPORT int tb_gl_init(char* err, int errlen) {
  PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display =
      (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
  if (get_platform_display) {
    g_display = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
  }
  if (g_display == EGL_NO_DISPLAY) {
    g_display = eglGetDisplay(EGL_DEFAULT_DISPLAY);
  }
  EGLint major = 0, minor = 0;
  if (g_display == EGL_NO_DISPLAY || !eglInitialize(g_display, &major, &minor)) {
    snprintf(err, (size_t)errlen, "EGL: no display could be initialised (error 0x%x); install libegl1 and libegl-mesa0",
             eglGetError());
    return 0;
  }
  // EGL_SURFACE_TYPE defaults to EGL_WINDOW_BIT, which a surfaceless display never offers.
  const EGLint attributes[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_DEPTH_SIZE, 24,
                               EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
  EGLConfig config;
  EGLint nconfig = 0;
  if (!eglChooseConfig(g_display, attributes, &config, 1, &nconfig) || nconfig < 1) {
    snprintf(err, (size_t)errlen, "EGL: no RGB8/depth24 OpenGL config (error 0x%x)", eglGetError());
    return 0;
  }
  if (!eglBindAPI(EGL_OPENGL_API)) {
    snprintf(err, (size_t)errlen, "EGL: desktop OpenGL API not available (error 0x%x)", eglGetError());
    return 0;
  }
  g_context = eglCreateContext(g_display, config, EGL_NO_CONTEXT, NULL);
  if (g_context == EGL_NO_CONTEXT) {
    snprintf(err, (size_t)errlen, "EGL: context creation failed (error 0x%x)", eglGetError());
    return 0;
  }
  if (!eglMakeCurrent(g_display, EGL_NO_SURFACE, EGL_NO_SURFACE, g_context)) {
    snprintf(err, (size_t)errlen, "EGL: surfaceless make-current failed (error 0x%x)", eglGetError());
    return 0;
  }
  typedef const unsigned char* (*get_string_fn)(unsigned int);
  get_string_fn get_string = (get_string_fn)eglGetProcAddress("glGetString");
  const char* vendor = eglQueryString(g_display, EGL_VENDOR);
  const unsigned char* renderer = get_string ? get_string(0x1F01 /* GL_RENDERER */) : NULL;
  snprintf(g_gl_description, sizeof g_gl_description, "EGL %d.%d (%s), OpenGL renderer: %s", major, minor,
           vendor ? vendor : "?", renderer ? (const char*)renderer : "?");
  return 1;
}

TB_EXPORT const char* tb_gl_description(void) { return g_gl_description; }

typedef struct {
  mjvScene scene;
  mjvCamera camera;
  mjvOption option;
  mjvPerturb perturb;
  mjrContext context;
  int width;
  int height;
} tb_renderer_t;

// Offscreen buffer of at least width x height. The model's offwidth/offheight are raised when needed
// (each session owns its model, so this affects no other session).
TB_EXPORT tb_renderer_t* tb_renderer_create(mjModel* m, int width, int height, char* err, int errlen) {
  tb_renderer_t* volatile r = (tb_renderer_t*)calloc(1, sizeof(tb_renderer_t));
  if (!r) {
    snprintf(err, (size_t)errlen, "out of memory");
    return NULL;
  }
  if (m->vis.global.offwidth < width) m->vis.global.offwidth = width;
  if (m->vis.global.offheight < height) m->vis.global.offheight = height;
  r->width = m->vis.global.offwidth;
  r->height = m->vis.global.offheight;
  mjv_defaultScene(&r->scene);
  mjv_defaultCamera(&r->camera);
  mjv_defaultOption(&r->option);
  mjv_defaultPerturb(&r->perturb);
  mjr_defaultContext(&r->context);
  jmp_buf guard;
  jmp_buf* outer = tl_guard;
  if (setjmp(guard) != 0) {
    tl_guard = outer;
    copy_error(err, errlen);
    free(r);
    return NULL;
  }
  tl_guard = &guard;
  mjv_makeScene(m, &r->scene, 2000);
  mjr_makeContext(m, &r->context, mjFONTSCALE_100);
  tl_guard = outer;
  if (!r->context.offFBO) {
    snprintf(err, (size_t)errlen, "MuJoCo could not create an offscreen framebuffer");
    mjr_freeContext(&r->context);
    mjv_freeScene(&r->scene);
    free(r);
    return NULL;
  }
  return r;
}

TB_EXPORT int tb_renderer_width(const tb_renderer_t* r) { return r->width; }
TB_EXPORT int tb_renderer_height(const tb_renderer_t* r) { return r->height; }

TB_EXPORT void tb_renderer_free(tb_renderer_t* r) {
  if (!r) return;
  mjr_freeContext(&r->context);
  mjv_freeScene(&r->scene);
  free(r);
}

// Renders fixed camera `camera` into rgb (width*height*3 bytes, top row first).
TB_EXPORT int tb_render(tb_renderer_t* r, const mjModel* m, mjData* d, int camera, int width, int height,
                        unsigned char* rgb, char* err, int errlen) {
  GUARDED(err, errlen, {
    r->camera.type = mjCAMERA_FIXED;
    r->camera.fixedcamid = camera;
    mjv_updateScene(m, d, &r->option, &r->perturb, &r->camera, mjCAT_ALL, &r->scene);
    mjr_setBuffer(mjFB_OFFSCREEN, &r->context);
    mjrRect viewport = {0, 0, width, height};
    mjr_render(viewport, &r->scene, &r->context);
    mjr_readPixels(rgb, NULL, viewport, &r->context);
  });
  // OpenGL returns rows bottom to top.
  size_t row = (size_t)width * 3;
  unsigned char* tmp = (unsigned char*)malloc(row);
  if (!tmp) {
    snprintf(err, (size_t)errlen, "out of memory");
    return 0;
  }
  for (int y = 0; y < height / 2; y++) {
    unsigned char* a = rgb + (size_t)y * row;
    unsigned char* b = rgb + (size_t)(height - 1 - y) * row;
    memcpy(tmp, a, row);
    memcpy(a, b, row);
    memcpy(b, tmp, row);
  }
  free(tmp);
  return 1;
}
