// The episode page of `testbed view`: the recorded episode in 3D (three.js), a timeline, the harm events and a force
// curve per contact (uPlot). Everything shown comes from the JSON in <script id="episode-data">: harm kinds, regions
// and severities are whatever the recording holds, so a new kind appears here without a change to this code.
import {
  AmbientLight, BoxGeometry, CapsuleGeometry, Color, CylinderGeometry, DirectionalLight, Group, Mesh,
  MeshBasicMaterial, MeshLambertMaterial, PerspectiveCamera, PlaneGeometry, Quaternion, Scene, SphereGeometry,
  Vector3, WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './viewer.css';
import { el, fmt, decodeFloats } from './page.js';

const data = JSON.parse(document.getElementById('episode-data').textContent);
const times = data.times;
const bodies = data.bodies;
const poses = decodeFloats(data.poses); // period-major: for each period, for each body, x y z qw qx qy qz
const periods = times.length;

// ---------------------------------------------------------------- layout

const app = document.getElementById('app');
const view = el('div', { class: 'view' });
const side = el('aside', { class: 'side' });
const timeline = el('div', { class: 'timeline' });
app.append(el('main', {}, view, timeline), side);

const ep = data.episode;
side.append(
  el('h1', {}, ep.scenario),
  el('dl', {},
    el('dt', {}, 'language'), el('dd', { id: 'language' }, ep.language),
    el('dt', {}, 'instruction'), el('dd', { id: 'instruction', lang: ep.language }, ep.instruction ?? ''),
    el('dt', {}, 'policy'), el('dd', {}, `${ep.policy} (seed ${ep.seed})`),
    el('dt', {}, 'verdict'), el('dd', { id: 'verdict', class: `verdict verdict-${ep.verdict}` }, ep.verdict ?? ''),
    el('dt', {}, 'reason'), el('dd', { id: 'verdict-reason' }, ep.verdict_reason ?? ''),
    ...(ep.error ? [el('dt', {}, 'error'), el('dd', { class: 'error' }, ep.error)] : []),
    ...(ep.policy_texts?.length ? [el('dt', {}, 'policy said'), el('dd', {}, ep.policy_texts.join(' | '))] : []),
    ...(ep.notes ?? []).flatMap((n) => [el('dt', {}, 'note'), el('dd', { class: 'note' }, n)]),
  ),
);

// ---------------------------------------------------------------- 3D scene

const scene = new Scene();
scene.background = new Color(0xdde3ea);
scene.add(new AmbientLight(0xffffff, 1.6));
const sun = new DirectionalLight(0xffffff, 1.6);
sun.position.set(2, -3, 6);
scene.add(sun);

const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
view.append(renderer.domElement);
const camera = new PerspectiveCamera(45, 1, 0.02, 200);
camera.up.set(0, 0, 1); // MuJoCo's world is z-up
const controls = new OrbitControls(camera, renderer.domElement);

const bodyGroups = new Map();
for (const name of bodies) {
  const g = new Group();
  g.name = name;
  bodyGroups.set(name, g);
  scene.add(g);
}
const geomMeshes = new Map();
const toZ = new Quaternion().setFromAxisAngle(new Vector3(1, 0, 0), Math.PI / 2); // three's shapes run along y

function shapeOf(geom) {
  const s = geom.size;
  switch (geom.type) {
    case 'sphere': return new SphereGeometry(s[0], 24, 16);
    case 'ellipsoid': return new SphereGeometry(1, 24, 16).scale(s[0], s[1], s[2]);
    case 'capsule': return new CapsuleGeometry(s[0], 2 * s[1], 8, 16).applyQuaternion(toZ);
    case 'cylinder': return new CylinderGeometry(s[0], s[0], 2 * s[1], 24).applyQuaternion(toZ);
    case 'box': return new BoxGeometry(2 * s[0], 2 * s[1], 2 * s[2]);
    case 'plane': return new PlaneGeometry(2 * (s[0] || 10), 2 * (s[1] || 10));
    default: return null;
  }
}

for (const geom of data.geoms) {
  const shape = shapeOf(geom);
  const group = bodyGroups.get(geom.body);
  if (!shape || !group) continue;
  const [r, g, b, a] = geom.rgba;
  const material = new MeshLambertMaterial({ color: new Color(r, g, b), transparent: a < 1, opacity: a });
  const mesh = new Mesh(shape, material);
  mesh.name = geom.name;
  mesh.position.fromArray(geom.pos);
  mesh.quaternion.set(geom.quat[1], geom.quat[2], geom.quat[3], geom.quat[0]);
  mesh.userData.material = material;
  group.add(mesh);
  geomMeshes.set(geom.name, mesh);
}

// Highlights: a touched geom is drawn unlit in its severity's colour while the contact presses at that severity.
const highlightMaterials = new Map();
function highlightMaterial(severity) {
  if (!highlightMaterials.has(severity)) {
    highlightMaterials.set(severity, new MeshBasicMaterial({ color: new Color(data.severity_colours[severity] ?? '#ff00ff') }));
  }
  return highlightMaterials.get(severity);
}

// Severities from least to most harmful, as the data lists their colours.
const severityRank = Object.fromEntries(Object.keys(data.severity_colours).map((s, i) => [s, i]));

// The worst severity a contact pressed at in (from, to]: a frame stands for the control period that ended at it, so a
// contact shorter than a period, or a peak between two periods, still shows.
function severityBetween(contact, from, to) {
  let worst = null;
  for (const [a, b, severity] of contact.severity_spans) {
    if (b > from + 1e-9 && a <= to + 1e-9 && (worst === null || severityRank[severity] > severityRank[worst])) worst = severity;
  }
  return worst;
}

function periodAt(t) {
  let lo = 0;
  let hi = periods - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t + 1e-9) lo = mid; else hi = mid - 1;
  }
  return lo;
}

let current = 0;
function show(period) {
  current = Math.max(0, Math.min(periods - 1, period));
  const t = times[current];
  const base = current * bodies.length * 7;
  bodies.forEach((name, i) => {
    const o = base + i * 7;
    const g = bodyGroups.get(name);
    g.position.set(poses[o], poses[o + 1], poses[o + 2]);
    g.quaternion.set(poses[o + 4], poses[o + 5], poses[o + 6], poses[o + 3]);
  });
  for (const mesh of geomMeshes.values()) mesh.material = mesh.userData.material;
  const from = current > 0 ? times[current - 1] : t - 1e-6;
  for (const contact of data.contacts) {
    const severity = severityBetween(contact, from, t);
    const mesh = geomMeshes.get(contact.geom);
    if (severity && mesh) mesh.material = highlightMaterial(severity);
  }
  slider.value = String(current);
  clock.textContent = `t = ${fmt(t, 3)} s`;
  for (const plot of plots) plot.redraw(false, false);
  renderer.render(scene, camera);
}

// ---------------------------------------------------------------- timeline

const play = el('button', { id: 'play', type: 'button' }, 'play');
const slider = el('input', { id: 'timeline', type: 'range', min: '0', max: String(periods - 1), step: '1', value: '0' });
const clock = el('span', { id: 'clock', class: 'clock' });
timeline.append(play, slider, clock);
slider.addEventListener('input', () => { stop(); show(Number(slider.value)); });

let playing = null;
function stop() {
  if (playing) cancelAnimationFrame(playing.frame);
  playing = null;
  play.textContent = 'play';
}
play.addEventListener('click', () => {
  if (playing) { stop(); return; }
  if (current >= periods - 1) show(0);
  playing = { wall: performance.now(), sim: times[current], frame: 0 };
  play.textContent = 'pause';
  const tick = (now) => {
    if (!playing) return;
    const t = playing.sim + (now - playing.wall) / 1000; // simulation speed
    show(periodAt(t));
    if (current >= periods - 1) { stop(); return; }
    playing.frame = requestAnimationFrame(tick);
  };
  playing.frame = requestAnimationFrame(tick);
});

// ---------------------------------------------------------------- harm events

side.append(el('h2', {}, `harm events (${data.harm_events.length})`));
const events = el('ol', { class: 'events', id: 'harm-events' });
side.append(events);
function lookAt(geomName) {
  const mesh = geomMeshes.get(geomName);
  if (!mesh) return;
  const target = mesh.getWorldPosition(new Vector3());
  const offset = camera.position.clone().sub(controls.target);
  controls.target.copy(target);
  camera.position.copy(target).add(offset.setLength(Math.min(offset.length(), 3)));
  controls.update();
}
// The period whose interval holds t (the frame that stands for that moment).
function periodCovering(t) {
  const p = periodAt(t);
  return times[p] < t - 1e-9 && p < periods - 1 ? p + 1 : p;
}
function jumpTo(i) {
  const e = data.harm_events[i];
  stop();
  if (e.details?.geom) lookAt(e.details.geom);
  show(periodCovering(e.time_s));
}
data.harm_events.forEach((e, i) => {
  const limit = e.limit == null ? 'no limit' : `limit ${fmt(e.limit, 3)} ${e.unit}`;
  const jump = el('button', { type: 'button', class: 'jump', 'data-event': String(i) }, `t = ${fmt(e.time_s, 3)} s`);
  jump.addEventListener('click', () => jumpTo(i));
  const what = [e.kind, e.person, e.region].filter(Boolean).join(' · ');
  events.append(el('li', { class: `severity-${e.severity}`, style: `border-left-color: ${data.severity_colours[e.severity] ?? '#999'}` },
    el('div', { class: 'what' }, what),
    el('div', {}, `${fmt(e.value, 4)} ${e.unit}, ${limit}: `, el('strong', {}, e.severity)),
    jump));
});

// ---------------------------------------------------------------- force curves, one per contact

side.append(el('h2', {}, `contacts (${data.contacts.length})`));
const plots = [];
for (const contact of data.contacts) {
  const box = el('div', { class: 'plot', 'data-region': contact.region });
  side.append(el('h3', {}, `${contact.region} ← ${contact.other_geom} (${contact.other_kind})`), box);
  const limits = [];
  if (contact.limit_transient_n != null) limits.push(['transient limit', contact.limit_transient_n, [6, 4]]);
  if (contact.limit_quasi_static_n != null) limits.push(['quasi-static limit', contact.limit_quasi_static_n, [2, 3]]);
  const pad = Math.max(0.02, 0.1 * (contact.times.at(-1) - contact.times[0]));
  const series = [{}, { label: 'force (N)', stroke: '#333', width: 1.5 }];
  const columns = [contact.times, contact.forces];
  for (const [label, value, dash] of limits) {
    series.push({ label: `${label} (N)`, stroke: data.severity_colours.violation ?? '#d00', dash, width: 1 });
    columns.push(contact.times.map(() => value));
  }
  const plot = new uPlot({
    width: 300, height: 150,
    scales: { x: { time: false, range: [contact.times[0] - pad, contact.times.at(-1) + pad] } },
    axes: [{ label: 's' }, { label: 'N' }],
    legend: { show: limits.length > 0 },
    series,
    hooks: {
      draw: [(u) => {
        const x = u.valToPos(times[current], 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        const c = u.ctx;
        c.save();
        c.strokeStyle = '#0a6';
        c.lineWidth = 2;
        c.beginPath();
        c.moveTo(x, u.bbox.top);
        c.lineTo(x, u.bbox.top + u.bbox.height);
        c.stroke();
        c.restore();
      }],
    },
  }, columns, box);
  plots.push(plot);
}

// ---------------------------------------------------------------- start

function resize() {
  const w = view.clientWidth || 640;
  const h = view.clientHeight || 480;
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
  renderer.render(scene, camera);
}
window.addEventListener('resize', resize);
controls.addEventListener('change', () => renderer.render(scene, camera));

const [cx, cy, cz] = data.view.target;
const [px, py, pz] = data.view.eye;
controls.target.set(cx, cy, cz);
camera.position.set(px, py, pz);
controls.update();
resize();
show(0);
// A link can name a moment: #event=N (the N-th harm event, from 0, as the jump button shows it) or #t=SECONDS.
const moment = /^#(event|t)=([0-9.]+)$/.exec(location.hash);
if (moment?.[1] === 'event' && data.harm_events[Number(moment[2])]) jumpTo(Number(moment[2]));
else if (moment?.[1] === 't') show(periodCovering(Number(moment[2])));

// For tests and for scripting the page from a browser console.
window.testbedViewer = {
  periods,
  get period() { return current; },
  show,
  bodyPosition: (name) => bodyGroups.get(name)?.position.toArray() ?? null,
  ready: true,
};
