// UnitMem (method spec §4; "Localizing Memorization in SSL Vision Encoders"): needs one encoder only. For
// every unit u (a conv channel spatially averaged, a ViT feature averaged over the tokens, an FC neuron),
// μ_u(x) = mean activation over A augmentations of x (A = 10 by default; the views are the run's keyed scoring
// views: pairs 0..A/2−1, both views of each), then UnitMem(u) = (μ_max − μ_rest)/(μ_max + μ_rest) with
// μ_max the largest μ_u over the points and μ_rest the mean (or median) over the other points; for each unit,
// the points it is most selective for. Negative activations: see NegativePolicy (types.ts).
//
// The encoder: f or g of a trained run (every layer, one session run per batch), or an ONNX file (its output
// only: an imported model's intermediate layers are not visible to the engine), fed the run's images and views.
import { readCheckpoint } from '../artifacts/checkpoint';
import * as ort from 'onnxruntime-node';
import { sampleSize } from '../data/types';
import { PARAM_COUNT } from '../augment/sample';
import { writeJsonAtomic } from '../util/atomic';
import { openSession } from '../runtime/session';
import { augmentationOf } from '../sslmem/config';
import { buildViewsGraph } from '../artifacts/views';
import { openImportedEncoder } from '../sslmem/imported/encoder';
import { readRunInputs } from '../sslmem/removal/inputs';
import { forEachViewBatch } from '../sslmem/view-batches';
import { forEachLayerBatch, REPR_LAYER } from './activations';
import { refuseImportedRun } from './imported-run';
import type { AnalysisHooks, AnalysisOutcome, AnalysisRuntime } from './analysis';
import { histogram, layerShape, summarise, topPoints, unitMeans, unitMem } from './math';
import { unitsMarkdown } from './markdown';
import { resolvePointSet } from './points';
import { writeReportSection } from './report-section';
import {
  UNITS_FILE,
  type LayerShape,
  type NegativePolicy,
  type PointSet,
  type RestStatistic,
  type UnitLayer,
  type UnitsFile,
} from './types';

export interface UnitsRequest {
  runDir: string;
  /** 'f' (default), 'g', or the path of an ONNX encoder (images [B,C,H,W] -> [B,D]). */
  encoder?: string;
  set?: PointSet;
  augmentations?: number;
  rest?: RestStatistic;
  negative?: NegativePolicy;
  topPerUnit?: number;
}

const HIST_BINS = 20;

/** Accumulates Σ over views of the unit means, per layer, per point. */
class UnitSums {
  readonly sums: Float64Array[];
  readonly views: Int32Array;
  constructor(
    readonly layers: LayerShape[],
    readonly points: number,
  ) {
    this.sums = layers.map((l) => new Float64Array(points * l.units));
    this.views = new Int32Array(points);
  }
  add(layer: number, rowIds: ArrayLike<number>, means: Float32Array): void {
    const u = this.layers[layer].units,
      s = this.sums[layer];
    for (let r = 0; r < rowIds.length; r++) {
      const base = rowIds[r] * u;
      for (let j = 0; j < u; j++) s[base + j] += means[r * u + j];
    }
  }
  mu(layer: number): Float32Array {
    const u = this.layers[layer].units,
      s = this.sums[layer];
    const out = new Float32Array(s.length);
    for (let p = 0; p < this.points; p++) for (let j = 0; j < u; j++) out[p * u + j] = s[p * u + j] / this.views[p];
    return out;
  }
}

export async function computeUnitMem(
  req: UnitsRequest,
  runtime: AnalysisRuntime = {},
  hooks: AnalysisHooks = {},
): Promise<AnalysisOutcome> {
  await refuseImportedRun(
    req.runDir,
    "UnitMem needs a trained run's config and views; for an imported encoder use `sslmem units <a trained run on the same data> --encoder file.onnx`",
  );
  const inputs = await readRunInputs(req.runDir, hooks.log);
  const A = req.augmentations ?? 10;
  if (!Number.isInteger(A) || A < 1 || A > 1000) throw new Error(`augmentations must be a whole number in [1, 1000], got ${A}`);
  const topPerUnit = req.topPerUnit ?? 32;
  const who = req.encoder ?? 'f';
  const isFile = who !== 'f' && who !== 'g';
  const set: PointSet = req.set ?? (isFile ? { kind: 'all' } : { kind: 'train' });
  const rows = resolvePointSet(set, inputs.split, inputs.scoreByIndex, isFile ? 'f' : (who as 'f' | 'g'));
  const config = inputs.stored.sslmem;
  const dataset = inputs.loaded.dataset;
  const pairs = Math.ceil(A / 2);
  // With an odd A the second view of the last pair is left out.
  const takeSecond = (pair: number) => pair < pairs - 1 || A % 2 === 0;
  hooks.log?.(`UnitMem of ${isFile ? who : `encoder ${who}`} over ${rows.length} points, ${A} augmentations`);
  let sums: UnitSums | null = null;
  let encoderInfo: UnitsFile['encoder'];
  try {
    if (!isFile) {
      const checkpoint = await readCheckpoint(inputs.run.path(`${who}/checkpoint.bin`));
      encoderInfo = { kind: who as 'f' | 'g', seedPair: 0 };
      let m: Float32Array | undefined;
      await forEachLayerBatch(
        { config, dataset, rows, checkpoint, seed: inputs.scoringSeed, pairs, ...runtime, signal: hooks.signal },
        (b, layers) => {
          sums ??= new UnitSums(layers, rows.length);
          const ids = b.rowIds.subarray(0, b.real);
          layers.forEach((l, i) => {
            const out = b.outputs[i];
            const size = out.length / (2 * b.B);
            for (const v of takeSecond(b.pair) ? [0, 1] : [0]) {
              m = unitMeans(
                l.kind,
                l.units,
                l.positions,
                out.subarray(v * b.B * size, (v * b.B + b.real) * size),
                b.real,
                m && m.length >= b.real * l.units ? m : undefined,
              );
              sums!.add(i, ids, m);
            }
          });
          for (const r of ids) sums.views[r] += takeSecond(b.pair) ? 2 : 1;
          hooks.onProgress?.(`units_${who}`, b.done, b.total);
        },
      );
    } else {
      const encoder = await openImportedEncoder(who, { ...runtime, log: hooks.log });
      encoderInfo = { kind: 'file', file: who, sha256: encoder.sha256 };
      try {
        if (encoder.channels !== dataset.channels || encoder.height !== dataset.height || encoder.width !== dataset.width) {
          throw new Error(
            `${who} takes ${encoder.channels}×${encoder.height}×${encoder.width} images; the run's dataset is ${dataset.channels}×${dataset.height}×${dataset.width}`,
          );
        }
        const augment = augmentationOf(config);
        const B = Math.min(config.scoring.batch, rows.length);
        const { session } = await openSession(buildViewsGraph(augment, B), ['views'], { ...runtime, log: hooks.log });
        const size = sampleSize(dataset);
        try {
          const batches = Math.ceil(rows.length / B);
          await forEachViewBatch(dataset, rows, { batch: B, pairs, augment, seed: inputs.scoringSeed, signal: hooks.signal }, async (b) => {
            const out = await session.run({
              images: new ort.Tensor('float32', b.images, [B, dataset.channels, dataset.height, dataset.width]),
              aug: new ort.Tensor('float32', b.aug, [2, B, PARAM_COUNT]),
            });
            const views = out.views.data as Float32Array;
            const pair = Math.floor((b.done - 1) / batches);
            const ids = b.rowIds.subarray(0, b.real);
            for (const v of takeSecond(pair) ? [0, 1] : [0]) {
              const e = await encoder.encode(views.subarray(v * B * size, (v * B + b.real) * size), b.real);
              sums ??= new UnitSums([layerShape('output', [e.dim])], rows.length);
              sums.add(0, ids, e.repr);
            }
            for (const r of ids) sums!.views[r] += takeSecond(pair) ? 2 : 1;
            hooks.onProgress?.('units_file', b.done, b.total);
          });
        } finally {
          await session.release();
        }
      } finally {
        await encoder.release();
      }
    }
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') return { runDir: inputs.run.dir, status: 'cancelled', file: null };
    throw e;
  }
  const s = sums as UnitSums | null;
  if (!s) throw new Error('UnitMem: no batch was encoded');
  const rest = req.rest ?? 'mean',
    negative = req.negative ?? 'exclude';
  const paths: Record<string, string> = {};
  // A representation that is the spatial mean of the last conv map (ResNet, smallCnn without fc) has exactly
  // that layer's units: it is left out rather than listed twice.
  const pooledCopy = (i: number) =>
    s.layers[i].name === REPR_LAYER && i > 0 && s.layers[i - 1].kind === 'conv' && s.layers[i - 1].units === s.layers[i].units;
  const layers: UnitLayer[] = s.layers
    .flatMap((l, i) => (pooledCopy(i) ? [] : [i]))
    .map((i) => {
      const l = s.layers[i];
      const mu = s.mu(i);
      const r = unitMem(mu, rows.length, l.units, { rest, negative });
      const top = Array.from({ length: l.units }, (_, u) => topPoints(mu, rows.length, l.units, u, topPerUnit));
      const sum = summarise(r.score);
      for (const t of top) for (const p of t) paths[String(rows[p])] = dataset.paths[rows[p]];
      return {
        ...l,
        summary: {
          mean: sum.mean,
          median: sum.median,
          max: sum.max,
          scored: sum.count,
          negative: r.negative.filter(Boolean).length,
          dead: r.dead,
        },
        histogram: histogram(r.score, HIST_BINS),
        score: r.score,
        muMax: r.muMax,
        muRest: r.muRest,
        negative: r.negative,
        top: top.map((t) => t.map((p) => rows[p])),
        topMu: top.map((t, u) => t.map((p) => mu[p * l.units + u])),
      };
    });
  const result: UnitsFile = {
    version: 1,
    kind: 'units',
    run: inputs.run.manifest.id,
    createdAt: new Date().toISOString(),
    encoder: encoderInfo!,
    set,
    augmentations: A,
    seed: inputs.scoringSeed,
    rest,
    negative,
    points: rows.length,
    topPerUnit,
    layers,
    paths,
  };
  const file = inputs.run.path(UNITS_FILE);
  await writeJsonAtomic(file, result);
  await writeReportSection(inputs.run.path('report.md'), 'units', unitsMarkdown(result));
  return { runDir: inputs.run.dir, status: 'done', file };
}
