// Does one op's result depend on the session's thread count? `node dist/bench/thread-determinism.js`
// runs single-op graphs (weights as inputs, as in a train step) at 1, 2, 3 and 4 threads on the same data and
// counts the output elements that differ from 1 thread's: raw ORT Gemms both ways round, the engine's own
// gemm() (which emits N > M products as row splits, graph/ops/matmul.ts) and convolutions. `OPT=basic|disabled`
// sets the graph optimisation level (a transposed Gemm is fused back from 'basic' on). Results: docs/benchmarks.md.
import * as ort from 'onnxruntime-node';
import { Graph, OpDef, Value } from '../src/engine/graph/ir';
import { toOnnxBytes } from '../src/engine/graph/onnx-export';
import type { Shape } from '../src/engine/graph/tensor';
import { gemm as gemmOp } from '../src/engine/graph/ops/matmul';

interface RawAttrs {
  op: string;
  a: Record<string, unknown>;
  out: Shape;
}
const Raw: OpDef<RawAttrs> = {
  type: 'Raw',
  infer: (_i, a) => [{ shape: [...a.out], dtype: 'float32' }],
  emit(e, ins, outs, a) {
    e.node(a.op, ins, a.a as never, outs);
  },
  ref: () => {
    throw new Error('no ref');
  },
};

async function check(
  name: string,
  inputs: Record<string, Shape>,
  op: string | ((ins: Value[]) => Value),
  out: Shape = [],
  a: Record<string, unknown> = {},
) {
  const g = new Graph();
  const ins = Object.entries(inputs).map(([n, s]) => g.input(n, s));
  g.output('y', typeof op === 'string' ? g.apply(Raw, ins, { op, a, out })[0] : op(ins));
  const bytes = toOnnxBytes(g);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const feeds: Record<string, ort.Tensor> = {};
  for (const [n, s] of Object.entries(inputs)) {
    const size = s.reduce((p, q) => p * q, 1);
    feeds[n] = new ort.Tensor('float32', Float32Array.from({ length: size }, rand), s);
  }
  const outs: Float32Array[] = [];
  for (const threads of [1, 2, 3, 4]) {
    const s = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: (process.env.OPT ?? 'all') as 'all',
    });
    outs.push((await s.run(feeds)).y.data as Float32Array);
    await s.release();
  }
  const differ = (x: Float32Array, y: Float32Array) => x.reduce((c, v, i) => c + (v === y[i] ? 0 : 1), 0);
  console.log(
    `${name}: elements differing from 1 thread at 2, 3, 4 threads: ${[1, 2, 3].map((i) => differ(outs[0], outs[i])).join(', ')} of ${outs[0].length}`,
  );
}

async function main() {
  const gemm = (m: number, n: number, k: number) =>
    check(`Gemm A[${m},${k}] B[${n},${k}]ᵀ`, { a: [m, k], b: [n, k] }, 'Gemm', [m, n], { transB: { kind: 'int', value: 1 } });
  for (const [m, n, k] of [
    [32, 144, 50176],
    [144, 32, 50176],
    [64, 288, 50176],
    [288, 64, 50176],
    [64, 288, 12544],
    [288, 64, 12544],
    [16, 9, 200704],
    [9, 16, 200704],
    [96, 100, 4000],
    [100, 96, 4000],
    [48, 200, 4000],
    [200, 48, 4000],
  ])
    await gemm(m, n, k);
  const ints = (v: number[]) => ({ kind: 'ints', value: v });
  const conv3d = { kernel_shape: ints([1, 3, 3]), strides: ints([1, 1, 1]), pads: ints([0, 1, 1, 0, 1, 1]) };
  const conv2d = { kernel_shape: ints([3, 3]), strides: ints([1, 1]), pads: ints([1, 1, 1, 1]) };
  for (const [c, n, h] of [
    [64, 16, 4],
    [32, 16, 7],
    [64, 256, 7],
  ])
    await check(
      `batch-folded Conv3D x[1,${c},${n},${h},${h}]`,
      { x: [1, c, n, h, h], w: [c, c, 1, 3, 3] },
      'Conv',
      [1, c, n, h, h],
      conv3d,
    );
  for (const [n, c, h] of [
    [16, 8, 28],
    [16, 16, 14],
    [256, 16, 28],
  ])
    await check(`Conv x[${n},${c},${h},${h}]`, { x: [n, c, h, h], w: [c, c, 3, 3] }, 'Conv', [n, c, h, h], conv2d);
  // The engine's own gemm(), which emits a product with N > M transposed (graph/ops/matmul.ts).
  for (const [m, n, k] of [
    [32, 144, 50176],
    [64, 288, 50176],
    [96, 100, 4000],
  ])
    await check(`engine gemm A[${m},${k}] B[${n},${k}]ᵀ`, { a: [m, k], b: [n, k] }, ([a, b]) => gemmOp(a, b, false, true));
}
main();
