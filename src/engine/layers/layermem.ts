// LayerMem and ΔLayerMem (method spec §4; "Localizing Memorization in SSL Vision Encoders", NeurIPS 2024):
// the normalised SSLMem score (L_g − L_f)/(L_g + L_f) computed on every layer's output of f and of g instead
// of the final representation, per point, averaged over a set (S_C by default, or the top-k by score).
// ΔLayerMem(l) = LayerMem(l) − LayerMem(l−1) shows where memorization is added.
//
// Views: the run's scoring seed and K, keyed by dataset index (view-batches.ts), so every layer sees the views
// the score saw and f and g see identical views. A layer's output is compared as all of its values
// ('flatten', the default: a conv map keeps its spatial layout and a ViT block its token matrix, as the
// method spec does for a ViT's representation), or as its unit means ('mean': spatially averaged channels,
// token-averaged features), L2-normalised first when the run's scoring normalises.
import { readCheckpoint } from '../artifacts/checkpoint';
import { writeJsonAtomic } from '../util/atomic';
import { openRun } from '../runs';
import type { AnalysisHooks, AnalysisOutcome, AnalysisRuntime } from './analysis';
import { importedLayerMem, isImportedRun } from './imported-run';
import { readRunInputs, type RunInputs } from '../sslmem/removal/inputs';
import { AlignmentAccumulator, averageSeedPairs, computeScores, type PointLosses } from '../sslmem/scores';
import { forEachLayerBatch } from './activations';
import { deltas, meanStderr, unitMeans } from './math';
import { resolvePointSet } from './points';
import { writeReportSection } from './report-section';
import { layersMarkdown } from './markdown';
import { LAYERS_FILE, type LayerReduce, type LayerShape, type LayersFile, type PointSet } from './types';

export interface LayersRequest {
  runDir: string;
  set?: PointSet;
  reduce?: LayerReduce;
}
export type { AnalysisRuntime, AnalysisHooks, AnalysisOutcome } from './analysis';

const isAbort = (e: unknown) => (e as Error)?.name === 'AbortError';

/** Per-layer alignment losses (mean per point) of one trained encoder over `rows`. */
export async function layerLosses(
  inputs: RunInputs,
  who: string,
  rows: Int32Array,
  reduce: LayerReduce,
  runtime: AnalysisRuntime,
  hooks: AnalysisHooks,
): Promise<{ layers: LayerShape[]; mean: Float64Array[] }> {
  const config = inputs.stored.sslmem;
  const checkpoint = await readCheckpoint(inputs.run.path(`${who}/checkpoint.bin`));
  let acc: AlignmentAccumulator[] = [];
  let a: Float32Array | null = null,
    b: Float32Array | null = null;
  const layers = await forEachLayerBatch(
    {
      config,
      dataset: inputs.loaded.dataset,
      rows,
      checkpoint,
      seed: inputs.scoringSeed,
      pairs: config.scoring.pairs,
      ...runtime,
      signal: hooks.signal,
    },
    (batch, layers) => {
      if (!acc.length) acc = layers.map(() => new AlignmentAccumulator(rows.length, { normalise: config.scoring.normalise }));
      const ids = batch.rowIds.subarray(0, batch.real);
      layers.forEach((l, i) => {
        const out = batch.outputs[i];
        const size = out.length / (2 * batch.B);
        const v0 = out.subarray(0, batch.real * size),
          v1 = out.subarray(batch.B * size, batch.B * size + batch.real * size);
        if (reduce === 'flatten') {
          acc[i].add(ids, v0, v1, size);
          return;
        }
        a = unitMeans(l.kind, l.units, l.positions, v0, batch.real, a && a.length >= batch.real * l.units ? a : undefined);
        b = unitMeans(l.kind, l.units, l.positions, v1, batch.real, b && b.length >= batch.real * l.units ? b : undefined);
        acc[i].add(ids, a.subarray(0, batch.real * l.units), b.subarray(0, batch.real * l.units), l.units);
      });
      hooks.onProgress?.(`layers_${who}`, batch.done, batch.total);
    },
  );
  return { layers, mean: acc.map((x) => x.result().mean) };
}

export async function computeLayerMem(
  req: LayersRequest,
  runtime: AnalysisRuntime = {},
  hooks: AnalysisHooks = {},
): Promise<AnalysisOutcome> {
  const set: PointSet = req.set ?? { kind: 'subset', subsets: ['S_C'] };
  const reduce = req.reduce ?? 'flatten';
  if (isImportedRun(await openRun(req.runDir))) return importedLayerMem(req.runDir, set, reduce, hooks);
  const inputs = await readRunInputs(req.runDir, hooks.log);
  const config = inputs.stored.sslmem;
  const rows = resolvePointSet(set, inputs.split, inputs.scoreByIndex);
  const seedPairs = inputs.run.manifest.seeds.pairs.length || 1;
  hooks.log?.(`LayerMem over ${rows.length} points, K=${config.scoring.pairs}, ${seedPairs} seed pair(s), reduce ${reduce}`);
  try {
    const perPair: { lf: Float64Array[]; lg: Float64Array[] }[] = [];
    let layers: LayerShape[] = [];
    for (let q = 0; q < seedPairs; q++) {
      const sfx = seedPairs > 1 ? `-${q}` : '';
      const f = await layerLosses(inputs, `f${sfx}`, rows, reduce, runtime, hooks);
      const g = await layerLosses(inputs, `g${sfx}`, rows, reduce, runtime, hooks);
      layers = f.layers;
      perPair.push({ lf: f.mean, lg: g.mean });
    }
    const perLayer = layers.map((_, i) => {
      const pairs: PointLosses[] = perPair.map((p) => ({ lf: p.lf[i], lg: p.lg[i] }));
      const avg = pairs.length > 1 ? averageSeedPairs(pairs) : pairs[0];
      return { lf: Float64Array.from(avg.lf), lg: Float64Array.from(avg.lg), score: computeScores(avg, 'symmetric').symmetric };
    });
    const mems = perLayer.map((p) => meanStderr(p.score));
    const d = deltas(mems.map((m) => m.mean));
    const dataset = inputs.loaded.dataset;
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    const result: LayersFile = {
      version: 1,
      kind: 'layers',
      run: inputs.run.manifest.id,
      createdAt: new Date().toISOString(),
      model: config.model.kind,
      set,
      reduce,
      normalise: config.scoring.normalise,
      pairs: config.scoring.pairs,
      seed: inputs.scoringSeed,
      seedPairs,
      layers: layers.map((l, i) => ({
        ...l,
        dim: reduce === 'flatten' ? l.shape.reduce((a, b) => a * b, 1) : l.units,
        layerMem: mems[i].mean,
        stderr: mems[i].stderr,
        delta: d[i],
        meanLf: meanStderr(perLayer[i].lf).mean,
        meanLg: meanStderr(perLayer[i].lg).mean,
      })),
      points: {
        index: Array.from(rows),
        path: Array.from(rows, (r) => dataset.paths[r]),
        runScore: Array.from(rows, (r) => finite(inputs.scoreByIndex[r])),
        score: perLayer.map((p) => Array.from(p.score, finite)),
        lf: perLayer.map((p) => Array.from(p.lf)),
        lg: perLayer.map((p) => Array.from(p.lg)),
      },
    };
    const file = inputs.run.path(LAYERS_FILE);
    await writeJsonAtomic(file, result);
    await writeReportSection(inputs.run.path('report.md'), 'layers', layersMarkdown(result));
    return { runDir: inputs.run.dir, status: 'done', file };
  } catch (e) {
    if (isAbort(e)) return { runDir: inputs.run.dir, status: 'cancelled', file: null };
    throw e;
  }
}
