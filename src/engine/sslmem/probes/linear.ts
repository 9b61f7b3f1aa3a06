// The linear probe: multinomial logistic regression on FROZEN, standardised encoder features, trained as an
// ONNX train-step graph built with the engine's own IR (linear layer -> LogSoftmax cross-entropy ->
// `gradients()` -> Adam or SGD from graph/optim.ts), run by onnxruntime-node. The encoder is not part of
// this graph at all: only W [C, D] and b [C] are parameters (method spec §5: the public code's "linear
// probing" fine-tuned every weight; this one cannot).
//
// Loss per step: −Σ_rows Σ_c Y[r, c] · log softmax(x_r Wᵀ + b)_c, where Y is the one-hot label divided by
// the number of real rows in the batch — i.e. the mean cross-entropy; padding rows of the last mini-batch
// have Y = 0 and so add nothing. W and b start at zero (the problem is convex: no seed needed for init);
// mini-batches are a seeded shuffle per epoch; the learning rate decays with a cosine over all steps.
import * as ort from 'onnxruntime-node';
import {
  Graph,
  applyOptimizer,
  gradients,
  linear,
  logSoftmax,
  lrAt,
  mul,
  neg,
  reduceSum,
  scalarInputs,
  stateSlots,
  toOnnxBytes,
  type OptimizerConfig,
} from '../../graph';
import { openSession } from '../../runtime/session';
import { Rng } from '../../util/prng';
import type { Features } from './features';
import { accuracy } from './knn';

export interface LinearProbeOptions {
  epochs?: number;
  /** Mini-batch size; ≥ n means full batch. */
  batch?: number;
  learningRate?: number;
  /** L2 penalty on W (not b). */
  weightDecay?: number;
  optimizer?: 'adam' | 'sgd';
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Constant learning rate instead of the cosine decay (used by the closed-form test). */
  constantLearningRate?: boolean;
  /** Standardise features with the training set's mean and std (default true). */
  standardise?: boolean;
  seed?: number;
  threads?: number;
}

export const LINEAR_PROBE_DEFAULTS = { epochs: 100, batch: 256, learningRate: 1e-2, weightDecay: 1e-4, optimizer: 'adam' as const };

export interface LinearProbeModel {
  W: Float32Array; // [C, D]
  b: Float32Array; // [C]
  classes: number;
  dim: number;
  mean: Float32Array;
  std: Float32Array;
  /** Mean training loss of each epoch. */
  epochLosses: number[];
}

/** Per-dimension mean and std of the training features (std 1 where a dimension is constant). */
export function standardisation(f: Features, enabled = true): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(f.dim),
    std = new Float32Array(f.dim).fill(1);
  if (!enabled) return { mean, std };
  for (let d = 0; d < f.dim; d++) {
    let s = 0;
    for (let r = 0; r < f.n; r++) s += f.data[r * f.dim + d];
    const m = s / f.n;
    let ss = 0;
    for (let r = 0; r < f.n; r++) ss += (f.data[r * f.dim + d] - m) ** 2;
    mean[d] = m;
    const sd = Math.sqrt(ss / f.n);
    std[d] = sd > 1e-8 ? sd : 1;
  }
  return { mean, std };
}

function buildProbeStep(B: number, D: number, C: number, optimizer: OptimizerConfig): Uint8Array {
  const g = new Graph('linear_probe_step');
  const x = g.input('x', [B, D]);
  const y = g.input('y', [B, C]);
  const scalars = Object.fromEntries(scalarInputs(optimizer.kind).map((n) => [n, g.input(n, [])]));
  const W = g.input('param/W', [C, D]);
  const b = g.input('param/b', [C]);
  const slots = stateSlots(optimizer.kind);
  const state = Object.fromEntries(slots.map((s) => [s, [g.input(`opt/${s}/W`, [C, D]), g.input(`opt/${s}/b`, [C])]]));
  const loss = neg(reduceSum(mul(y, logSoftmax(linear(x, W, b), 1)), [0, 1]));
  g.output('loss', loss);
  const grads = gradients(loss, [W, b]);
  const next = applyOptimizer(optimizer, [W, b], grads, state, { lr: scalars.lr, step: scalars.step });
  g.output('new/param/W', next.params[0]);
  g.output('new/param/b', next.params[1]);
  for (const s of slots) {
    g.output(`new/opt/${s}/W`, next.state[s][0]);
    g.output(`new/opt/${s}/b`, next.state[s][1]);
  }
  return toOnnxBytes(g, { metadata: { artifact: 'linear_probe_step' } });
}

export async function trainLinearProbe(
  train: Features,
  labels: ArrayLike<number>,
  options: LinearProbeOptions = {},
): Promise<LinearProbeModel> {
  const o = { ...LINEAR_PROBE_DEFAULTS, ...options };
  const rows = Array.from({ length: train.n }, (_, i) => i).filter((i) => labels[i] >= 0);
  if (rows.length === 0) throw new Error('the linear probe needs labeled training points');
  const C = Math.max(...rows.map((i) => labels[i])) + 1;
  const D = train.dim;
  const B = Math.min(o.batch, rows.length);
  const { mean, std } = standardisation(train, options.standardise ?? true);
  const wd = o.weightDecay;
  const optimizer: OptimizerConfig =
    o.optimizer === 'adam'
      ? { kind: 'adam', weightDecay: [wd, 0] }
      : { kind: 'sgd', momentum: options.momentum ?? 0.9, weightDecay: [wd, 0] };
  const onnx = buildProbeStep(B, D, C, optimizer);
  const stateNames = ['param/W', 'param/b', ...stateSlots(optimizer.kind).flatMap((s) => [`opt/${s}/W`, `opt/${s}/b`])];
  const { session } = await openSession(onnx, ['loss', ...stateNames.map((n) => `new/${n}`)], { provider: 'cpu', threads: o.threads ?? 1 });
  const state = new Map<string, ort.Tensor>(
    stateNames.map((n) => [n, new ort.Tensor('float32', new Float32Array(n.endsWith('/W') ? C * D : C), n.endsWith('/W') ? [C, D] : [C])]),
  );
  const batchesPerEpoch = Math.ceil(rows.length / B);
  const total = o.epochs * batchesPerEpoch;
  const rng = new Rng(o.seed ?? 0);
  const x = new Float32Array(B * D),
    y = new Float32Array(B * C);
  const epochLosses: number[] = [];
  try {
    let step = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = B < rows.length ? rng.shuffle(Int32Array.from(rows)) : Int32Array.from(rows);
      let lossSum = 0;
      for (let start = 0; start < order.length; start += B) {
        const real = Math.min(B, order.length - start);
        x.fill(0);
        y.fill(0);
        for (let r = 0; r < real; r++) {
          const i = order[start + r];
          for (let d = 0; d < D; d++) x[r * D + d] = (train.data[i * D + d] - mean[d]) / std[d];
          y[r * C + labels[i]] = 1 / real;
        }
        const lr = options.constantLearningRate ? o.learningRate : lrAt(step, { base: o.learningRate, warmup: 0, total, min: 0 });
        const feeds: Record<string, ort.Tensor> = Object.fromEntries(state);
        feeds.x = new ort.Tensor('float32', x.slice(), [B, D]);
        feeds.y = new ort.Tensor('float32', y.slice(), [B, C]);
        feeds.lr = new ort.Tensor('float32', Float32Array.of(lr), []);
        if (optimizer.kind !== 'sgd') feeds.step = new ort.Tensor('float32', Float32Array.of(step + 1), []);
        const out = await session.run(feeds);
        for (const n of stateNames) state.set(n, out[`new/${n}`]);
        lossSum += (out.loss.data as Float32Array)[0] * real;
        step++;
      }
      epochLosses.push(lossSum / rows.length);
    }
  } finally {
    await session.release();
  }
  return {
    W: (state.get('param/W')!.data as Float32Array).slice(),
    b: (state.get('param/b')!.data as Float32Array).slice(),
    classes: C,
    dim: D,
    mean,
    std,
    epochLosses,
  };
}

/** argmax over classes of (standardised x) Wᵀ + b for each row. */
export function predictLinear(model: LinearProbeModel, f: Features): Int32Array {
  if (f.dim !== model.dim) throw new Error(`feature size ${f.dim}, the probe takes ${model.dim}`);
  const { W, b, classes: C, dim: D, mean, std } = model;
  const out = new Int32Array(f.n);
  const z = new Float64Array(D);
  for (let r = 0; r < f.n; r++) {
    for (let d = 0; d < D; d++) z[d] = (f.data[r * D + d] - mean[d]) / std[d];
    let best = -Infinity,
      arg = 0;
    for (let c = 0; c < C; c++) {
      let s = b[c];
      for (let d = 0; d < D; d++) s += W[c * D + d] * z[d];
      if (s > best) {
        best = s;
        arg = c;
      }
    }
    out[r] = arg;
  }
  return out;
}

export async function linearProbeAccuracy(
  train: Features,
  trainLabels: ArrayLike<number>,
  test: Features,
  testLabels: ArrayLike<number>,
  options: LinearProbeOptions = {},
): Promise<number> {
  const model = await trainLinearProbe(train, trainLabels, options);
  return accuracy(predictLinear(model, test), testLabels);
}
