// Forward-only augmentation ops (Abs, Floor, Clip): ONNX emission run by onnxruntime-node against the
// float64 reference, and autodiff refusing to differentiate through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ortParity } from '../../helpers/gradcheck';
import { abs, clip, floor } from '../../../src/engine/augment/ops';
import { Graph } from '../../../src/engine/graph/ir';
import { gradients } from '../../../src/engine/graph/autodiff';
import { reduceSum } from '../../../src/engine/graph/ops/shape';

const cases = {
  Abs: { inputs: { a: [3, 4] }, build: (v: any) => abs(v.a) },
  Floor: { inputs: { a: [3, 4] }, build: (v: any) => floor(v.a) },
  Clip: { inputs: { a: [3, 4] }, build: (v: any) => clip(v.a, -0.3, 0.5) },
};

for (const [name, c] of Object.entries(cases)) {
  test(`${name}: onnxruntime matches the float64 reference`, async () => {
    assert.ok((await ortParity(c, false)) < 1e-6, name);
  });
}

test('augmentation ops have no gradient: autodiff refuses to differentiate through them', () => {
  const g = new Graph();
  const x = g.input('x', [2, 2]);
  assert.throws(() => gradients(reduceSum(abs(x), [0, 1]), [x]), /no gradient for op Abs/);
});
