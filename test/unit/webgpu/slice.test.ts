// Regression test for the one op whose emission had to change for WebGPU: onnxruntime 1.30's WebGPU Slice
// reverses a negative-step axis from its last index whatever `start` says (webgpu/tensor/slice.cc), which
// made every strided conv's input gradient wrong there (sub-pixel kernels start inside the weights). The
// emission now cuts the axis first (graph/ops/layout.ts); both providers must match the float64 reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, evaluate, tensor, toOnnxBytes } from '../../../src/engine/graph';
import { slice } from '../../../src/engine/graph/ops/layout';
import { openSession } from '../../../src/engine/runtime/session';
import { openWebgpuSession } from './lavapipe';

const shape = [2, 3, 5, 4];
const cases: [number[], number[], number[], number[]][] = [
  [
    [-1, -1],
    [-6, -5],
    [2, 3],
    [-1, -1],
  ], // full flip (was already right)
  [
    [1, 1],
    [0, 0],
    [2, 3],
    [-2, -2],
  ], // start inside, end clamped: was wrong
  [[3], [-6], [2], [-1]], // was wrong
  [[-2], [-6], [2], [-1]], // negative start inside
  [
    [-3, 2],
    [1, -100],
    [2, 3],
    [-1, -2],
  ],
  [
    [2, 3],
    [0, 1],
    [2, 3],
    [-2, -1],
  ],
  [
    [1, 1],
    [5, 4],
    [2, 3],
    [2, 2],
  ], // positive steps unchanged
];

test('Slice with negative steps matches the float64 reference on WebGPU and CPU', async () => {
  const data = Float32Array.from({ length: 120 }, (_, i) => i);
  for (const [starts, ends, axes, steps] of cases) {
    const g = new Graph('slice');
    const x = g.input('x', shape);
    const y = slice(x, starts, ends, axes, steps);
    g.output('y', y);
    const want = [...evaluate(g, [y], { x: tensor(shape, data) })[0].data];
    for (const provider of ['cpu', 'webgpu'] as const) {
      const opened =
        provider === 'webgpu' ? await openWebgpuSession(toOnnxBytes(g), ['y']) : await openSession(toOnnxBytes(g), ['y'], { provider });
      const out = await opened.session.run({ x: new ort.Tensor('float32', data, shape) });
      assert.deepEqual([...(out.y.data as Float32Array)], want, `${provider} slice(${JSON.stringify([starts, ends, axes, steps])})`);
      await opened.session.release();
    }
  }
});
