// Issue #11, item 15: an imported encoder whose weights live in an external-data file beside the .onnx (what
// onnx.save / torch.onnx.export write for large models) loads and encodes; external data that points outside
// the model's folder is refused by onnxruntime with a message naming the file. Models made by Debian's
// python3-onnx (/usr/bin/python3), the reference the project already uses in tests.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { openImportedEncoder } from '../../../src/engine/sslmem/imported/encoder';
import { tempDir } from '../pipeline/helpers';

const MAKE = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
out, location = sys.argv[1], sys.argv[2]
w = numpy_helper.from_array(np.linspace(-1, 1, 784 * 8, dtype=np.float32).reshape(784, 8), 'w')
g = helper.make_graph([helper.make_node('Flatten', ['images'], ['flat']), helper.make_node('MatMul', ['flat', 'w'], ['repr'])], 'ext',
    [helper.make_tensor_value_info('images', TensorProto.FLOAT, ['B', 1, 28, 28])],
    [helper.make_tensor_value_info('repr', TensorProto.FLOAT, ['B', 8])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
onnx.save_model(m, out, save_as_external_data=True, all_tensors_to_one_file=True, location=location, size_threshold=0)
`;

function makeModel(file: string, location: string): void {
  execFileSync('/usr/bin/python3', ['-c', MAKE, file, location]);
}

test('an encoder with external data beside it loads from its path and encodes', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'enc.onnx');
  makeModel(file, 'enc.weights');
  assert.ok(existsSync(path.join(dir, 'enc.weights')), 'the weights are external');
  const e = await openImportedEncoder(file, { provider: 'cpu' });
  const images = new Float32Array(2 * 784).fill(0.5);
  const { repr, dim } = await e.encode(images, 2);
  assert.equal(dim, 8);
  assert.ok(repr.some((v) => v !== 0) && repr.every(Number.isFinite), 'the external weights were used');
  await e.release();
});

test("external data outside the model's folder is refused, naming the model", async (t) => {
  const dir = tempDir(t);
  const inner = path.join(dir, 'models');
  mkdirSync(inner);
  const file = path.join(inner, 'enc.onnx');
  makeModel(file, 'enc.weights');
  // Point the model at ../enc.weights: write it with that location, then move the data file there.
  makeModel(file, '../enc.weights');
  if (!existsSync(path.join(dir, 'enc.weights'))) renameSync(path.join(inner, 'enc.weights'), path.join(dir, 'enc.weights'));
  await assert.rejects(
    openImportedEncoder(file, { provider: 'cpu' }),
    (e: Error) => e.message.includes('enc.onnx') && /not a model onnxruntime can load/.test(e.message),
  );
});
