import { checkOps } from './check';
import { add, mul } from '../../../src/engine/graph/ops/elementwise';
import { gemm, linear, matmul, transpose } from '../../../src/engine/graph/ops/matmul';
import { concat, flatten, pad, slice, split, squeeze, unsqueeze } from '../../../src/engine/graph/ops/layout';
import { gather, gatherElements, scatterAdd } from '../../../src/engine/graph/ops/gather';
import { tensor } from '../../../src/engine/graph/tensor';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../src/engine/graph/ir';
import { gradients } from '../../../src/engine/graph/autodiff';
import { evaluate } from '../../../src/engine/graph/reference';
import { toOnnxBytes } from '../../../src/engine/graph/onnx-export';
import { reduceSum } from '../../../src/engine/graph/ops/shape';
import { randomTensor } from '../../helpers/gradcheck';

checkOps({
  'MatMul 2-D': { inputs: { a: [3, 4], b: [4, 5] }, build: (x) => matmul(x.a, x.b) },
  'MatMul batched x shared weight': { inputs: { a: [2, 3, 4], b: [4, 5] }, build: (x) => matmul(x.a, x.b) },
  'MatMul shared x batched': { inputs: { a: [3, 4], b: [2, 4, 5] }, build: (x) => matmul(x.a, x.b) },
  'MatMul broadcast batch dims': { inputs: { a: [2, 1, 3, 4], b: [3, 4, 2] }, build: (x) => matmul(x.a, x.b) },
  'Gemm transB + bias [N]': { inputs: { a: [3, 4], b: [5, 4], c: [5] }, build: (x) => gemm(x.a, x.b, false, true, x.c) },
  'Gemm transA + bias [M,1]': { inputs: { a: [4, 3], b: [4, 5], c: [3, 1] }, build: (x) => gemm(x.a, x.b, true, false, x.c) },
  'Gemm transA transB': { inputs: { a: [4, 3], b: [5, 4] }, build: (x) => gemm(x.a, x.b, true, true) },
  'linear on tokens [B,T,D]': { inputs: { a: [2, 3, 4], w: [5, 4], b: [5] }, build: (x) => linear(x.a, x.w, x.b) },
  Transpose: { inputs: { a: [2, 3, 4] }, build: (x) => transpose(x.a, [2, 0, 1]) },
  Concat: { inputs: { a: [2, 3], b: [2, 1], c: [2, 2] }, build: (x) => concat([x.a, x.b, mul(x.c, 2)], 1) },
  'Split (one part unused)': {
    inputs: { a: [5, 2] },
    build: (x) => {
      const [p, , r] = split(x.a, 0, [2, 1, 2]);
      return add(p, r);
    },
  },
  'Slice steps 1': { inputs: { a: [4, 5] }, build: (x) => slice(x.a, [1, -4], [3, 100], [0, 1]) },
  'Slice step 2 and -1': { inputs: { a: [5, 6] }, build: (x) => slice(x.a, [0, 4], [5, 0], [0, 1], [2, -1]) },
  'Slice step 3 and -2': { inputs: { a: [7, 6] }, build: (x) => slice(x.a, [1, -1], [7, -100], [0, 1], [3, -2]) },
  'Pad (with a crop)': { inputs: { a: [3, 4] }, build: (x) => pad(x.a, [1, -1], [2, 1], 0.5) },
  'Unsqueeze/Squeeze/Flatten': { inputs: { a: [2, 3, 2] }, build: (x) => flatten(squeeze(unsqueeze(x.a, [0, 3]), [0]), 2) },
  'Gather axis 1 (repeats)': { inputs: { a: [2, 4, 3] }, build: (x) => gather(x.a, [3, 0, 3, -1, 1], 1) },
  'Gather 2-D indices axis 0': { inputs: { a: [4, 3] }, build: (x) => gather(x.a, tensor([2, 2], [1, 3, 1, 0]), 0) },
  'Gather scalar index (drops the axis)': { inputs: { a: [3, 4] }, build: (x) => gather(x.a, tensor([], [2]), 1) },
  GatherElements: { inputs: { a: [3, 4] }, build: (x) => gatherElements(x.a, tensor([3, 2], [1, 3, 0, 0, 2, 1]), 1) },
  'ScatterElements add': { inputs: { a: [3, 4], u: [3, 2] }, build: (x) => scatterAdd(x.a, tensor([3, 2], [1, 1, 0, 3, 2, 2]), x.u, 1) },
});

test('Gather with int64 indices fed at run time (host-made masks): onnxruntime forward and backward match the reference', async () => {
  const g = new Graph();
  const x = g.input('x', [2, 5, 3]);
  const idx = g.input('idx', [2], 'int64');
  const y = gather(x, idx, 1);
  const proj = g.constant(randomTensor(y.shape, 3));
  const [dx] = gradients(reduceSum(mul(y, proj), [0, 1, 2]), [x]);
  g.output('y', y);
  g.output('dx', dx);
  const xs = randomTensor([2, 5, 3], 11);
  const want = evaluate(g, [y, dx], { x: xs, idx: tensor([2], [4, 1]) });
  const session = await ort.InferenceSession.create(toOnnxBytes(g));
  const got = await session.run({
    x: new ort.Tensor('float32', Float32Array.from(xs.data), [2, 5, 3]),
    idx: new ort.Tensor('int64', BigInt64Array.of(4n, 1n), [2]),
  });
  [want[0], want[1]].forEach((w, k) => {
    const d = got[k === 0 ? 'y' : 'dx'].data as Float32Array;
    w.data.forEach((v, i) => assert.ok(Math.abs(v - d[i]) < 1e-6, `output ${k} element ${i}`));
  });
  assert.ok(want[1].data.some((v) => v !== 0) && want[1].data.some((v) => v === 0));
  await session.release();
});
