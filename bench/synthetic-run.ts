// A synthetic finished run of any size, written with the engine's own writers (createRun, buildScoreTable,
// writeRunResults), for the score panel benchmark. Sample paths cycle through real images of the demo
// dataset so the gallery loads real files; scores are drawn so S_C sits above the other subsets.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRun } from '../src/engine/runs/store';
import { buildScoreTable } from '../src/engine/runs/score-table';
import { writeRunResults } from '../src/engine/sslmem/report/write-results';
import type { Split } from '../src/engine/runs/subsets';

/** Small deterministic PRNG (mulberry32): the benchmark's data must not change between runs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeSyntheticRun(storeDir: string, imageRoot: string, n: number, seed = 42): Promise<string> {
  const classNames = readdirSync(imageRoot)
    .filter((c) => !c.startsWith('.'))
    .sort();
  const files = classNames.flatMap((c, label) =>
    readdirSync(join(imageRoot, c))
      .filter((f) => f.endsWith('.png'))
      .map((f) => ({ path: `${c}/${f}`, label })),
  );
  const paths = Array.from({ length: n }, (_, i) => files[i % files.length].path);
  const labels = Int32Array.from({ length: n }, (_, i) => files[i % files.length].label);
  // 80% shared, 10% candidates, 5% independent, 5% extra — the paper's proportions, roughly.
  const cut = (f: number) => Math.floor(f * n);
  const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
  const split: Split = {
    S_S: range(0, cut(0.8)),
    S_C: range(cut(0.8), cut(0.9)),
    S_I: range(cut(0.9), cut(0.95)),
    S_E: range(cut(0.95), n),
  };
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lf = new Float64Array(n),
    lg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const shift = i >= cut(0.8) && i < cut(0.9) ? -0.08 : i >= cut(0.9) && i < cut(0.95) ? 0.05 : 0;
    lg[i] = 0.3 + 0.05 * gauss();
    lf[i] = Math.max(0.01, lg[i] + shift + 0.04 * gauss());
  }
  const raw = lg.map((g, i) => g - lf[i]);
  const normalised = raw.map((r, i) => r / Math.max(lf[i], lg[i]));
  const rows = range(0, n);
  const table = buildScoreTable({ paths, labels, classNames }, split, rows, {
    lf,
    lg,
    lfStderr: new Float64Array(n).fill(0.01),
    lgStderr: new Float64Array(n).fill(0.01),
    raw,
    normalised,
    normalisation: 'symmetric',
  });
  const run = await createRun(storeDir, {
    preset: 'synthetic',
    dataset: { path: imageRoot, kind: 'image-folder', fingerprint: null, n },
    config: {},
    seeds: { split: 0, pairs: [{ f: 0, g: 0 }] },
    versions: {},
    executionProvider: 'cpu',
    stageOrder: ['report'],
  });
  await writeRunResults(run.dir, table, { runId: run.id });
  await run.startStage('report');
  await run.finishStage('report');
  return run.dir;
}
