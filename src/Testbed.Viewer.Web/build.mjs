// Bundles the viewer's front end into the controller's embedded assets (committed, so a build of the testbed needs
// neither npm nor the network): episode-viewer.js (three.js scene, uPlot curves), run-index.js (the run's episode
// list) and episode-viewer.css. Run `npm ci && npm run build` here after changing src/ or package-lock.json; the test
// "The committed viewer bundle was built from the committed sources" compares the hash written below.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = '../Testbed.Controller/Viewer';
const sources = ['package-lock.json', 'build.mjs', ...readdirSync('src').sort().map((f) => join('src', f))];
const hash = createHash('sha256');
for (const file of sources) hash.update(file + '\0' + readFileSync(file, 'utf8').replace(/\r\n/g, '\n') + '\0');
const stamp = `/* testbed viewer bundle; sources sha256 ${hash.digest('hex')} */`;

const result = await build({
  entryPoints: { 'episode-viewer': 'src/episode.js', 'run-index': 'src/run-index.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'eof',
  outdir: out,
  banner: { js: stamp, css: stamp },
  write: true,
  metafile: true,
  logLevel: 'warning',
});
for (const [file, info] of Object.entries(result.metafile.outputs)) console.log(`${file}: ${info.bytes} bytes`);
writeFileSync(join(out, 'bundle-sources.sha256'), stamp.match(/sha256 ([0-9a-f]+)/)[1] + '\n');
