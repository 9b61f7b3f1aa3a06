// One esbuild script, two kinds of bundle:
//   node    — the extension, the backend process and the CLI (vscode, onnxruntime-node, sharp stay external:
//             vscode is provided by the host, the other two are native addons loaded from node_modules);
//   browser — one bundle per webview (webview/<name>/main.ts -> dist/webview/<name>.js).
// Flags: --production (minified, no source maps), --tests (also test + bench bundles), --watch.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const withTests = args.has('--tests') || args.has('--watch');
const root = new URL('..', import.meta.url).pathname;
const external = ['vscode', 'onnxruntime-node', 'sharp'];

function filesUnder(dir, pattern) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, pattern));
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', absWorkingDir: root };
const nodeOptions = { ...common, platform: 'node', format: 'cjs', target: 'node20', external };

const builds = [];
// train-worker: the worker thread in which an encoder trains when several train at once (sslmem/train-in-worker.ts).
const nodeEntries = {
  extension: 'src/extension.ts',
  backend: 'src/backend/main.ts',
  cli: 'src/cli.ts',
  'train-worker': 'src/engine/sslmem/train-worker-main.ts',
};
builds.push({
  ...nodeOptions,
  entryPoints: Object.fromEntries(Object.entries(nodeEntries).filter(([, f]) => existsSync(join(root, f)))),
  outdir: 'dist',
  banner: { js: '#!/usr/bin/env node' },
});

const webviewEntries = {};
for (const name of existsSync(join(root, 'webview')) ? readdirSync(join(root, 'webview')) : []) {
  const main = join('webview', name, 'main.ts');
  if (existsSync(join(root, main))) webviewEntries[name] = main;
}
if (Object.keys(webviewEntries).length)
  builds.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    loader: { '.css': 'text' },
  });

if (withTests) {
  const rel = (p) => p.slice(root.length);
  const unit = filesUnder(join(root, 'test/unit'), /\.test\.ts$/).map(rel);
  const integration = filesUnder(join(root, 'test/integration'), /\.ts$/).map(rel);
  // Tests against a real Slurm (their own suite in test-all.mjs: they start daemons as root).
  const slurm = filesUnder(join(root, 'test/slurm'), /\.test\.ts$/).map(rel);
  const bench = filesUnder(join(root, 'bench'), /\.ts$/).map(rel);
  // UI scenarios run in plain Node next to playwright-core (scripts/test-host/run-ui-tests.js requires them).
  const ui = filesUnder(join(root, 'test/ui'), /\.ui\.ts$/).map(rel);
  if (unit.length) builds.push({ ...nodeOptions, entryPoints: unit, outdir: 'dist/test/unit', outbase: 'test/unit' });
  if (slurm.length) builds.push({ ...nodeOptions, entryPoints: slurm, outdir: 'dist/test/slurm', outbase: 'test/slurm' });
  if (integration.length)
    builds.push({
      ...nodeOptions,
      entryPoints: integration,
      outdir: 'dist/test/integration',
      outbase: 'test/integration',
      external: [...external, 'mocha'],
    });
  if (ui.length)
    builds.push({
      ...nodeOptions,
      entryPoints: ui,
      outdir: 'dist/test/ui',
      outbase: 'test/ui',
      external: [...external, 'playwright-core'],
    });
  if (bench.length) builds.push({ ...nodeOptions, entryPoints: bench, outdir: 'dist/bench', outbase: 'bench' });
}

if (args.has('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true })));
  // A test deleted from test/ must not keep running from a stale bundle: drop dist/test files this build did not
  // write (files are removed one by one, not the folder, so a test run going on beside this build keeps its files).
  if (withTests) {
    const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs)).map((f) => join(root, f)));
    for (const f of filesUnder(join(root, 'dist/test'), /\.js(\.map)?$/)) if (!written.has(f)) rmSync(f);
  }
}
