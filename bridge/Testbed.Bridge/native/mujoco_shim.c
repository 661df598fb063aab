// The only code that reads MuJoCo struct fields or enum values. It is compiled at build time against the
// installed headers, so the C# side never hard-codes an offset or an enum number: those change between
// MuJoCo versions (see shared/reference/policy-protocols.md section 8). The structs declared here are
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

// The parent of body b (0, the world body, is its own parent) and its mass (kg).
TB_EXPORT int tb_body_parent(const mjModel* m, int b) { return m->body_parentid[b]; }
TB_EXPORT double tb_body_mass(const mjModel* m, int b) { return m->body_mass[b]; }

typedef struct {
  int body;
  int type;
  int priority;
  int contype;
  int conaffinity;
  double size[3];
  double solref[2];
  double solimp[5];
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

TB_EXPORT int tb_joint_qposadr(const mjModel* m, int j) { return m->jnt_qposadr[j]; }

// ---------------------------------------------------------------- state

TB_EXPORT double* tb_qpos(mjData* d) { return d->qpos; }
TB_EXPORT double* tb_qvel(mjData* d) { return d->qvel; }
TB_EXPORT double* tb_act(mjData* d) { return d->act; }
TB_EXPORT double* tb_ctrl(mjData* d) { return d->ctrl; }
TB_EXPORT double* tb_mocap_pos(mjData* d) { return d->mocap_pos; }
TB_EXPORT double* tb_mocap_quat(mjData* d) { return d->mocap_quat; }
TB_EXPORT double* tb_qacc_warmstart(mjData* d) { return d->qacc_warmstart; }
TB_EXPORT double tb_time(const mjData* d) { return d->time; }
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

// Effective mass (kg) of body b at world point p along the unit direction n, in the current state:
// 1 / (n' J M^-1 J' n), with J the translational Jacobian of the point (mj_jac) and M^-1 applied through the mass
// matrix factorised by the last mj_forward (mj_solveM). Constraints (contacts) and springs do not enter: it is the
// inertia a sudden push at that point meets. Writes +inf when nothing can move the point along n.
TB_EXPORT int tb_effective_mass(const mjModel* m, mjData* d, int b, const double* p, const double* n, double* mass,
                                char* err, int errlen) {
  GUARDED(err, errlen, {
    mjMARKSTACK;
    mjtNum* jac = mj_stackAlloc(d, 3 * m->nv);
    mjtNum* jn = mj_stackAlloc(d, m->nv);
    mjtNum* x = mj_stackAlloc(d, m->nv);
    mj_jac(m, d, jac, NULL, p, b);
    for (int k = 0; k < m->nv; k++) jn[k] = n[0] * jac[k] + n[1] * jac[m->nv + k] + n[2] * jac[2 * m->nv + k];
    mj_solveM(m, d, x, jn, 1);
    mjtNum inverse = 0;
    for (int k = 0; k < m->nv; k++) inverse += jn[k] * x[k];
    *mass = inverse > 0 ? 1.0 / inverse : INFINITY;
    mjFREESTACK;
  });
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

// ---------------------------------------------------------------- stepping with contact telemetry

typedef struct {
  int geom1;
  int geom2;
  double normal_force;      // N, from mj_contactForce after the constraint solve
  double pos[3];
  double dist;              // negative: penetration
  double approach_speed;    // m/s along the normal, positive = closing, before the contact force acts
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

// One physics step. Contacts that involve a geom whose watched[geom] is nonzero are written to out (up to
// max); *count receives how many there were (may exceed max). Returns 1 on success, 0 on a MuJoCo error.
TB_EXPORT int tb_step_watched(const mjModel* m, mjData* d, const unsigned char* watched, tb_contact_t* out, int max,
                              int* count, char* err, int errlen) {
  volatile int n = 0;
  GUARDED(err, errlen, {
    mj_step1(m, d);
    // Velocities here are those before this step's constraint impulse: the approach speed at onset.
    for (int i = 0; i < d->ncon; i++) {
      const mjContact* c = d->contact + i;
      if (c->efc_address < 0 || !(watched[c->geom1] || watched[c->geom2])) continue;
      if (n < max) {
        tb_contact_t* o = out + n;
        o->geom1 = c->geom1;
        o->geom2 = c->geom2;
        o->dist = c->dist;
        for (int k = 0; k < 3; k++) o->pos[k] = c->pos[k];
        // The normal points from geom1 to geom2; geom1 closing on geom2 moves along +normal.
        o->approach_speed = point_velocity_along(m, d, c->geom1, c->pos, c->frame) -
                            point_velocity_along(m, d, c->geom2, c->pos, c->frame);
        o->normal_force = 0;
      }
      n++;
    }
    mj_step2(m, d);
    int k = 0;
    for (int i = 0; i < d->ncon && k < n && k < max; i++) {
      const mjContact* c = d->contact + i;
      if (c->efc_address < 0 || !(watched[c->geom1] || watched[c->geom2])) continue;
      double f[6];
      mj_contactForce(m, d, i, f);
      out[k].normal_force = f[0];
      k++;
    }
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
