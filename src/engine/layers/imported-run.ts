// LayerMem of an imported-encoder run (preset 'imported': f and g are ONNX files, `sslmem score --f --g`).
// The engine sees only their output, so the only layer is the output — and its LayerMem needs no new pass:
// the run's score stages already computed L_f and L_g of the output on the run's keyed views (losses-f.bin,
// losses-g.bin), which is exactly what LayerMem's last layer recomputes for a trained run (tested equal there).
// The result says so (`finalLayerOnly`), and so do the CLI and the panel.
import { loadDataset } from '../data';
import { openRun, type RunHandle } from '../runs';
import { scoredIndices } from '../runs/subsets';
import { writeJsonAtomic } from '../util/atomic';
import { loadLosses } from '../sslmem/losses-file';
import { loadSplit } from '../sslmem/split-load';
import { computeScores } from '../sslmem/scores';
import { openImportedEncoder } from '../sslmem/imported/encoder';
import { runConfigOf } from '../sslmem/run-config';
import type { AnalysisHooks, AnalysisOutcome } from './analysis';
import { layersMarkdown } from './markdown';
import { meanStderr } from './math';
import { resolvePointSet } from './points';
import { writeReportSection } from './report-section';
import { LAYERS_FILE, type LayerReduce, type LayersFile, type PointSet } from './types';

export const FINAL_LAYER_ONLY =
  'imported encoders: only their output is visible to the engine, so LayerMem has the final layer only (from the output losses its score stages saved); ΔLayerMem across depth needs a trained run';

/** Whether the run scored imported encoders (its config, read by the one reader sslmem/run-config.ts). */
export const isImportedRun = (run: RunHandle) =>
  runConfigOf(run.manifest.config, run.manifest.preset, run.path('manifest.json')).kind === 'imported';

/** Width of the imported f's output, by encoding one blank image (null when the file is gone or unreadable). */
async function outputDim(file: string, log?: (m: string) => void): Promise<number | null> {
  try {
    const e = await openImportedEncoder(file, { provider: 'cpu', threads: 1 });
    try {
      return (await e.encode(new Float32Array(e.channels * e.height * e.width), 1)).dim;
    } finally {
      await e.release();
    }
  } catch (err) {
    log?.(`output width of ${file} unknown: ${(err as Error).message}`);
    return null;
  }
}

export async function importedLayerMem(runDir: string, set: PointSet, reduce: LayerReduce, hooks: AnalysisHooks): Promise<AnalysisOutcome> {
  const run = await openRun(runDir);
  const m = run.manifest;
  if (m.status !== 'done' || !run.isDone('report'))
    throw new Error(`run ${m.id} is not finished (status ${m.status}); finish it first (sslmem resume ${runDir})`);
  const config = runConfigOf(m.config, m.preset, run.path('manifest.json'));
  if (config.kind !== 'imported') throw new Error(`run ${m.id} trained its encoders: its LayerMem covers every layer (computeLayerMem)`);
  hooks.log?.(FINAL_LAYER_ONLY);
  const loaded = await loadDataset(config.data, config.decode, { cacheDir: config.cacheDir ?? undefined });
  if (m.dataset.fingerprint && loaded.fingerprint !== m.dataset.fingerprint)
    throw new Error(`the dataset at ${config.data} changed since run ${m.id} (fingerprint differs)`);
  const dataset = loaded.dataset;
  const split = await loadSplit(run.path('split.json'), dataset);
  const f = await loadLosses(run.path('losses-f.bin')),
    g = await loadLosses(run.path('losses-g.bin'));
  // The loss files are in scoredIndices order (as the score stages wrote them).
  const scored = scoredIndices(split);
  const position = new Map(Array.from(scored, (index, r) => [index, r] as const));
  const scores = computeScores({ lf: f.mean, lg: g.mean }, config.scoring.normalisation);
  const scoreByIndex = new Float64Array(dataset.n).fill(NaN);
  scored.forEach((index, r) => {
    scoreByIndex[index] = scores.normalised[r];
  });
  const rows = resolvePointSet(set, split, scoreByIndex);
  if (hooks.signal?.aborted) return { runDir: run.dir, status: 'cancelled', file: null };
  const at = (index: number) => position.get(index)!;
  const lf = Float64Array.from(rows, (i) => f.mean[at(i)]),
    lg = Float64Array.from(rows, (i) => g.mean[at(i)]);
  const score = Float64Array.from(rows, (i) => scores.symmetric[at(i)]);
  const mem = meanStderr(score);
  const dim = await outputDim(config.encoders.f.file, hooks.log);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const result: LayersFile = {
    version: 1,
    kind: 'layers',
    run: m.id,
    createdAt: new Date().toISOString(),
    model: 'imported',
    set,
    reduce,
    normalise: config.scoring.normalise,
    pairs: config.scoring.pairs,
    seed: config.scoring.seed,
    seedPairs: 1,
    finalLayerOnly: FINAL_LAYER_ONLY,
    layers: [
      {
        name: 'output',
        kind: 'vector',
        shape: dim === null ? [] : [dim],
        units: dim ?? 0,
        positions: 1,
        dim: dim ?? 0,
        layerMem: mem.mean,
        stderr: mem.stderr,
        delta: mem.mean,
        meanLf: meanStderr(lf).mean,
        meanLg: meanStderr(lg).mean,
      },
    ],
    points: {
      index: Array.from(rows),
      path: Array.from(rows, (r) => dataset.paths[r]),
      runScore: Array.from(rows, (r) => finite(scoreByIndex[r])),
      score: [Array.from(score, finite)],
      lf: [Array.from(lf)],
      lg: [Array.from(lg)],
    },
  };
  const file = run.path(LAYERS_FILE);
  await writeJsonAtomic(file, result);
  await writeReportSection(run.path('report.md'), 'layers', layersMarkdown(result));
  return { runDir: run.dir, status: 'done', file, note: FINAL_LAYER_ONLY };
}

/** UnitMem and the over-training analysis need a trained run (its config, views and checkpoints). */
export async function refuseImportedRun(runDir: string, what: string): Promise<void> {
  const run = await openRun(runDir);
  if (isImportedRun(run)) throw new Error(`run ${run.manifest.id} scored imported encoders (ONNX files): ${what}`);
}
