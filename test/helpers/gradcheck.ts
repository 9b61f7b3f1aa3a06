// Test helpers for ops: (1) central finite differences in float64 against the autodiff gradient, both run
// by the reference evaluator; (2) the ONNX emission run by onnxruntime-node against the reference.
import * as ort from 'onnxruntime-node';
import { Graph, Value } from '../../src/engine/graph/ir';
import { gradients } from '../../src/engine/graph/autodiff';
import { evaluate, Feeds } from '../../src/engine/graph/reference';
import { toOnnxBytes } from '../../src/engine/graph/onnx-export';
import { Tensor, numel, tensor } from '../../src/engine/graph/tensor';
import { add, mul } from '../../src/engine/graph/ops/elementwise';
import { reduceSum } from '../../src/engine/graph/ops/shape';

/** Deterministic pseudo-random numbers in [lo, hi) (mulberry32), so failures reproduce. */
export function randomTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  let s = seed >>> 0;
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    t.data[i] = lo + (hi - lo) * (((r ^ (r >>> 14)) >>> 0) / 4294967296);
  }
  return t;
}

export interface OpCase {
  /** Graph inputs: name -> shape (float32 in the graph; fed as float64 to the reference). */
  inputs: Record<string, readonly number[]>;
  /** Builds the op's output(s) from the input values. */
  build: (x: Record<string, Value>) => Value | Value[];
  /** Inputs to differentiate (default: all). */
  wrt?: string[];
  /** Optional custom input values (default: uniform in [-1, 1)). */
  values?: Record<string, Tensor>;
}

function setup(c: OpCase) {
  const g = new Graph('case');
  const x: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(c.inputs)) x[name] = g.input(name, shape);
  const built = c.build(x);
  const outs = Array.isArray(built) ? built : [built];
  const feeds: Feeds = {};
  Object.entries(c.inputs).forEach(([name, shape], k) => {
    feeds[name] = c.values?.[name] ?? randomTensor(shape, 1000 + 17 * k);
  });
  return { g, x, outs, feeds };
}

/**
 * Max relative error between autodiff and central differences of L = sum_k <r_k, out_k> (random r_k).
 * Relative to the largest gradient entry, so tiny entries don't dominate.
 */
export function gradcheck(c: OpCase, eps = 1e-6): number {
  const { g, x, outs, feeds } = setup(c);
  const projections = outs.map((o, k) => g.constant(randomTensor(o.shape, 77 + k), o.dtype));
  const parts = outs.map((o, k) =>
    reduceSum(
      mul(o, projections[k]),
      o.shape.map((_, i) => i),
    ),
  );
  let loss = parts[0];
  for (const p of parts.slice(1)) loss = add(loss, p);
  const wrt = (c.wrt ?? Object.keys(c.inputs)).map((n) => x[n]);
  const grads = evaluate(g, gradients(loss, wrt), feeds);
  let worst = 0;
  wrt.forEach((w, k) => {
    const base = feeds[w.inputName!];
    const scale = Math.max(1e-3, ...Array.from(grads[k].data, Math.abs));
    for (let i = 0; i < numel(base.shape); i++) {
      const plus = tensor(base.shape, base.data);
      plus.data[i] += eps;
      const minus = tensor(base.shape, base.data);
      minus.data[i] -= eps;
      const lp = evaluate(g, [loss], { ...feeds, [w.inputName!]: plus })[0].data[0];
      const lm = evaluate(g, [loss], { ...feeds, [w.inputName!]: minus })[0].data[0];
      const fd = (lp - lm) / (2 * eps);
      worst = Math.max(worst, Math.abs(fd - grads[k].data[i]) / scale);
    }
  });
  return worst;
}

/**
 * Runs the op's forward and its backward (gradients of a random projection) through onnxruntime-node in
 * float32 and returns the max relative error against the float64 reference evaluator.
 */
export async function ortParity(c: OpCase, withGradients = true): Promise<number> {
  const { g, x, outs, feeds } = setup(c);
  const targets = [...outs];
  if (withGradients) {
    const projections = outs.map((o, k) => g.constant(randomTensor(o.shape, 77 + k), o.dtype));
    let loss = reduceSum(
      mul(outs[0], projections[0]),
      outs[0].shape.map((_, i) => i),
    );
    outs.slice(1).forEach((o, k) => {
      loss = add(
        loss,
        reduceSum(
          mul(o, projections[k + 1]),
          o.shape.map((_, i) => i),
        ),
      );
    });
    targets.push(
      ...gradients(
        loss,
        (c.wrt ?? Object.keys(c.inputs)).map((n) => x[n]),
      ),
    );
  }
  targets.forEach((t, k) => g.output(`out${k}`, t));
  const session = await ort.InferenceSession.create(toOnnxBytes(g));
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
  const result = await session.run(ortFeeds);
  const expected = evaluate(g, targets, feeds);
  let worst = 0;
  targets.forEach((_, k) => {
    const got = result[`out${k}`].data as Float32Array;
    const want = expected[k].data;
    const scale = Math.max(1e-3, ...Array.from(want, Math.abs));
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  });
  await session.release();
  return worst;
}
