import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, ortParity } from '../../helpers/gradcheck';
import { add, div, mul, sub } from '../../../src/engine/graph/ops/elementwise';
import { expand, reduceSum, reshape } from '../../../src/engine/graph/ops/shape';
import { Graph } from '../../../src/engine/graph/ir';

const cases = {
  'Add (broadcast)': { inputs: { a: [2, 3, 4], b: [3, 1] }, build: (x: any) => add(x.a, x.b) },
  'Sub (broadcast)': { inputs: { a: [4], b: [2, 3, 4] }, build: (x: any) => sub(x.a, x.b) },
  'Mul (broadcast)': { inputs: { a: [2, 1, 4], b: [3, 1] }, build: (x: any) => mul(x.a, x.b) },
  'Div (broadcast)': { inputs: { a: [2, 3], b: [3] }, build: (x: any) => div(x.a, add(mul(x.b, x.b), 1)) },
  'ReduceSum keepdims': { inputs: { a: [2, 3, 4] }, build: (x: any) => reduceSum(x.a, [0, 2], true) },
  ReduceSum: { inputs: { a: [2, 3, 4] }, build: (x: any) => reduceSum(x.a, [1]) },
  Reshape: { inputs: { a: [2, 6] }, build: (x: any) => reshape(x.a, [3, -1]) },
  Expand: { inputs: { a: [3, 1] }, build: (x: any) => expand(x.a, [2, 3, 4]) },
};

for (const [name, c] of Object.entries(cases)) {
  test(`${name}: VJP matches central differences (float64)`, () => {
    assert.ok(gradcheck(c) < 1e-7, name);
  });
  test(`${name}: ONNX emission in onnxruntime matches the reference`, async () => {
    assert.ok((await ortParity(c)) < 1e-5, name);
  });
}

test('shape errors name the op and the shapes', () => {
  const g = new Graph();
  assert.throws(() => add(g.input('a', [2, 3]), g.input('b', [4])), /Add\(\[2,3\], \[4\]\): cannot broadcast/);
});
