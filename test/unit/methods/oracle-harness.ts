// Cross-check of one SSL training step against PyTorch autograd: the problem's loss graph and its
// generated backward pass run in onnxruntime-node (float32); scripts/oracle/torch_step.py computes the
// same step with the PyTorch twin modules in float32 and float64 from the same parameters and views.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Graph, Value, gradients, toOnnxBytes } from '../../../src/engine/graph';
import { BuildContext, SslProblem } from '../../../src/engine/models/types';
import { randomTensor } from '../../helpers/gradcheck';
import { parseIdx } from '../../../src/engine/data/idx';
import { readPack, writePack } from './tensorpack';

const FASHION = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

export const PYTHON = '/usr/bin/python3';
const ORACLE = resolve(__dirname, '../../../../scripts/oracle/torch_step.py');

/** Fails loudly (never skips): CI installs python3-torch, so a missing torch is a broken environment. */
export function requireTorch(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `PyTorch oracle unavailable: ${PYTHON} cannot import torch and onnx (apt install python3-torch python3-onnx). ${(e as Error).message}`,
    );
  }
  if (!existsSync(ORACLE)) throw new Error(`oracle script missing: ${ORACLE}`);
}

type Arr = { shape: number[]; data: Float64Array };

/** Parameter values drawn from each spec's init; norm weights/biases and running stats are perturbed so a
 *  swapped weight/bias or a wrong running-stat formula cannot hide behind ones and zeros. */
export function testValues(problem: SslProblem, seed: number): { params: Record<string, Arr>; buffers: Record<string, Arr> } {
  const params: Record<string, Arr> = {};
  problem.params.forEach((p, k) => {
    const u = randomTensor(p.shape, seed + 31 * k, -1, 1);
    const data = u.data.map((v) => {
      switch (p.init.kind) {
        case 'uniform':
          return v * p.init.bound;
        case 'normal':
          return v * p.init.std * 1.7; // uniform with the normal's std
        case 'ones':
          return 1 + 0.2 * v;
        case 'zeros':
          return 0.2 * v;
      }
    });
    params[p.name] = { shape: p.shape, data: Float64Array.from(data, (v) => Math.fround(v)) };
  });
  const buffers: Record<string, Arr> = {};
  problem.buffers.forEach((b, k) => {
    const u = randomTensor(b.shape, seed + 7919 + 31 * k, 0, 1);
    const data = u.data.map((v) => (b.init.kind === 'ones' ? 1 + 0.5 * v : 0.2 * (v - 0.5)));
    buffers[b.name] = { shape: b.shape, data: Float64Array.from(data, (v) => Math.fround(v)) };
  });
  return { params, buffers };
}

export interface StepComparison {
  lossOrt: number;
  lossTorch: number;
  lossTorch64: number;
  /** rel L2 of each gradient: engine (ORT f32) vs torch f64, and torch f32 vs torch f64 (the rounding floor);
   *  for an exactly-zero gradient, the norm of the error relative to the largest gradient norm. */
  grads: { name: string; rel: number; torch32Rel: number; structurallyZero: boolean }[];
  buffers: { name: string; rel: number }[];
  /** Eval-mode encode graph (repr and each named layer) vs torch f64 in eval mode. */
  encode: { name: string; rel: number }[];
  ms: { build: number; ort: number };
}

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** Everything computed on the engine side for one step, plus the oracle input it corresponds to. */
export interface PreparedStep {
  problem: SslProblem;
  meta: Record<string, unknown>;
  tensors: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;
  ort: Record<string, ArrayLike<number>>;
  onnx: Uint8Array;
  ms: { build: number; ort: number };
}

export async function prepareStep(problem: SslProblem, batch: number, seed: number): Promise<PreparedStep> {
  const t0 = Date.now();
  const g = new Graph('step');
  const pv = new Map<string, Value>(problem.params.map((p) => [p.name, g.input(p.name, p.shape)]));
  const bv = new Map<string, Value>(problem.buffers.map((b) => [b.name, g.input(`buffer.${b.name}`, b.shape)]));
  const newBuffers = new Map<string, Value>();
  const ctx: BuildContext = {
    param: (n) => {
      const v = pv.get(n);
      if (!v) throw new Error(`unknown parameter ${n}`);
      return v;
    },
    buffer: (n) => {
      const v = bv.get(n);
      if (!v) throw new Error(`unknown buffer ${n}`);
      return v;
    },
    setBuffer: (n, v) => {
      if (newBuffers.has(n)) throw new Error(`buffer ${n} set twice`);
      newBuffers.set(n, v);
    },
    training: true,
  };
  const views = Array.from({ length: problem.viewsPerImage }, (_, i) => g.input(`view${i}`, [batch, ...problem.inputShape]));
  const extraShapes = Object.entries(problem.extraInputs ?? {}).map(([n, s]) => [n, s.map((d) => (d === -1 ? batch : d))] as const);
  const extra = Object.fromEntries(extraShapes.map(([n, s]) => [n, g.input(`extra.${n}`, s)]));
  const loss = problem.loss(ctx, views, extra);
  const grads = gradients(
    loss,
    problem.params.map((p) => pv.get(p.name)!),
  );
  g.output('loss', loss);
  problem.params.forEach((p, k) => g.output(`grad.${p.name}`, grads[k]));
  for (const [n, v] of newBuffers) g.output(`newbuf.${n}`, v);
  const bytes = toOnnxBytes(g);
  const tBuild = Date.now();

  const { params, buffers } = testValues(problem, seed);
  const viewData = fashionMnistViews(batch, problem.inputShape, problem.viewsPerImage, seed);
  const extraData = Object.fromEntries(
    Object.entries(problem.sampleExtra?.(seed, 0, batch) ?? {}).map(([n, d]) => [
      n,
      { shape: [...extraShapes.find(([k]) => k === n)![1]], data: Float64Array.from(d) },
    ]),
  );

  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  const f32 = (t: { shape: readonly number[]; data: ArrayLike<number> }) =>
    new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
  for (const [n, t] of Object.entries(params)) feeds[n] = f32(t);
  for (const [n, t] of Object.entries(buffers)) feeds[`buffer.${n}`] = f32(t);
  viewData.forEach((t, i) => {
    feeds[`view${i}`] = f32(t);
  });
  for (const [n, t] of Object.entries(extraData)) feeds[`extra.${n}`] = f32(t);
  const result = await session.run(feeds);
  await session.release();
  const ortOut: Record<string, ArrayLike<number>> = {};
  for (const [n, t] of Object.entries(result)) ortOut[n] = t.data as Float32Array;
  for (const [n, d] of Object.entries(await runEncode(problem, batch, params, buffers, viewData[0]))) ortOut[`encode.${n}`] = d;

  const d = problem.describe as Record<string, unknown> & { model: string; method: string; modelConfig: Record<string, unknown> };
  const meta = {
    encoder: { kind: d.model, ...d.modelConfig },
    method: { ...d, kind: d.method },
    inputShape: problem.inputShape,
    views: problem.viewsPerImage,
  };
  const tensors: PreparedStep['tensors'] = {};
  for (const [n, t] of Object.entries(params)) tensors[`param:${n}`] = t;
  for (const [n, t] of Object.entries(buffers)) tensors[`buffer:${n}`] = t;
  viewData.forEach((t, i) => {
    tensors[`view:${i}`] = t;
  });
  for (const [n, t] of Object.entries(extraData)) tensors[`extra:${n}`] = t;
  return { problem, meta, tensors, ort: ortOut, onnx: bytes, ms: { build: tBuild - t0, ort: Date.now() - tBuild } };
}

/** Runs the PyTorch oracle once for several prepared steps (one interpreter start: importing torch is slow). */
export function runOracle(steps: readonly PreparedStep[]): { comparisons: StepComparison[]; torchMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-'));
  try {
    const args: string[] = [ORACLE];
    steps.forEach((s, i) => {
      writeFileSync(join(dir, `step${i}.onnx`), s.onnx);
      writePack(join(dir, `in${i}.tpk`), { ...s.meta, onnx: join(dir, `step${i}.onnx`) }, s.tensors);
      args.push(join(dir, `in${i}.tpk`), join(dir, `out${i}.tpk`));
    });
    const t0 = Date.now();
    try {
      execFileSync(PYTHON, args, { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`PyTorch oracle failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`);
    }
    const torchMs = Date.now() - t0;
    const comparisons = steps.map((s, i) => compare(s, readPack(join(dir, `out${i}.tpk`)).tensors));
    return { comparisons, torchMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(s: PreparedStep, out: Map<string, { data: Float64Array }>): StepComparison {
  const T = (n: string) => {
    const t = out.get(n);
    if (!t) throw new Error(`oracle output lacks ${n}`);
    return t.data;
  };
  const encodeNames = Object.keys(s.ort)
    .filter((n) => n.startsWith('encode.'))
    .map((n) => n.slice(7));
  return {
    lossOrt: s.ort.loss[0],
    lossTorch: T('loss')[0],
    lossTorch64: T('loss64')[0],
    grads: gradientErrors(
      s.problem.params.map((p) => ({
        name: p.name,
        ours: s.ort[`grad.${p.name}`],
        torch32: T(`grad:${p.name}`),
        torch64: T(`grad64:${p.name}`),
      })),
    ),
    buffers: s.problem.buffers.map((b) => ({ name: b.name, rel: relL2(s.ort[`newbuf.${b.name}`], T(`buffer64:${b.name}`)) })),
    encode: encodeNames.map((name) => ({ name, rel: relL2(s.ort[`encode.${name}`], T(`encode64:${name}`)) })),
    ms: s.ms,
  };
}

const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((t, v) => t + v * v, 0));

/**
 * Relative L2 error per gradient tensor. A tensor whose exact (float64) gradient is zero up to 1e-9 of the
 * largest gradient norm (e.g. the bias of a Linear followed by BatchNorm: the normalisation removes it)
 * has no meaningful relative error; its error is measured against the largest gradient norm instead.
 */
function gradientErrors(
  ts: { name: string; ours: ArrayLike<number>; torch32: ArrayLike<number>; torch64: ArrayLike<number> }[],
): StepComparison['grads'] {
  const maxNorm = Math.max(...ts.map((t) => norm(t.torch64)));
  return ts.map((t) => {
    const structurallyZero = norm(t.torch64) <= 1e-9 * maxNorm;
    const err = (a: ArrayLike<number>) => (structurallyZero ? norm(a) / maxNorm : relL2(a, t.torch64));
    return { name: t.name, rel: err(t.ours), torch32Rel: err(t.torch32), structurallyZero };
  });
}

let fashion: Uint8Array | null = null;
/**
 * Real Fashion-MNIST test images as views: image b resampled (nearest) to the model's size, channel c a
 * different gamma of it, standardised; the second view is the horizontal mirror with a little noise.
 * Real images keep the representations of different images apart, which keeps the SimCLR gradients well
 * conditioned (uniform noise images give nearly identical embeddings, and float32 rounding then dominates).
 */
export function fashionMnistViews(
  batch: number,
  [c, h, w]: readonly number[],
  count: number,
  seed: number,
): { shape: number[]; data: Float64Array }[] {
  fashion ??= parseIdx(readFileSync(FASHION)).data;
  const noise = randomTensor([count, batch, c, h, w], seed + 5, -0.05, 0.05).data;
  return Array.from({ length: count }, (_, v) => {
    const data = new Float64Array(batch * c * h * w);
    for (let b = 0; b < batch; b++)
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const sx = v % 2 === 1 ? w - 1 - x : x;
            const pix = fashion![(seed + b) * 784 + Math.floor((y * 28) / h) * 28 + Math.floor((sx * 28) / w)] / 255;
            const i = ((b * c + ch) * h + y) * w + x;
            data[i] = Math.fround((Math.pow(pix, 1 + 0.5 * ch) - 0.3) / 0.35 + (v > 0 ? noise[v * data.length + i] : 0));
          }
    return { shape: [batch, c, h, w], data };
  });
}

export async function compareStep(problem: SslProblem, batch: number, seed: number): Promise<StepComparison> {
  return runOracle([await prepareStep(problem, batch, seed)]).comparisons[0];
}

/** The eval-mode encode graph (running statistics, no buffer updates) run in onnxruntime: repr + layers. */
async function runEncode(
  problem: SslProblem,
  batch: number,
  params: Record<string, Arr>,
  buffers: Record<string, Arr>,
  view: { shape: number[]; data: ArrayLike<number> },
): Promise<Record<string, Float32Array>> {
  const g = new Graph('encode');
  const pv = new Map<string, Value>();
  const bv = new Map<string, Value>();
  const ctx: BuildContext = {
    param: (n) => pv.get(n) ?? pv.set(n, g.input(n, params[n].shape)).get(n)!,
    buffer: (n) => bv.get(n) ?? bv.set(n, g.input(`buffer.${n}`, buffers[n].shape)).get(n)!,
    setBuffer: () => {
      throw new Error('encode (eval mode) must not update buffers');
    },
    training: false,
  };
  const { repr, layers } = problem.encode(ctx, g.input('x', [batch, ...problem.inputShape]));
  g.output('repr', repr);
  layers.forEach((l) => g.output(l.name, l.value));
  const session = await ort.InferenceSession.create(toOnnxBytes(g));
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', Float32Array.from(view.data), view.shape) };
  for (const [n, v] of pv) feeds[n] = new ort.Tensor('float32', Float32Array.from(params[n].data), [...v.shape]);
  for (const [n, v] of bv) feeds[`buffer.${n}`] = new ort.Tensor('float32', Float32Array.from(buffers[n].data), [...v.shape]);
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(['repr', ...layers.map((l) => l.name)].map((n) => [n, out[n].data as Float32Array]));
}
