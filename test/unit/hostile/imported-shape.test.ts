// Issue #11, item 5: an imported encoder declaring a huge input is refused from its declared shape, before any
// tensor is allocated (a real ONNX model, a real onnxruntime session).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Graph, reshape, toOnnxBytes } from '../../../src/engine/graph';
import { openImportedEncoder } from '../../../src/engine/sslmem/imported/encoder';
import { tempDir } from '../pipeline/helpers';

function flattenModel(side: number): Uint8Array {
  const g = new Graph('huge');
  const images = g.input('images', [1, 1, side, side]);
  g.output('repr', reshape(images, [1, side * side]));
  return toOnnxBytes(g);
}

test('an encoder declaring 12000×12000 images is refused in well under a second, naming the limit', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'huge.onnx');
  writeFileSync(file, flattenModel(12000));
  const started = performance.now();
  await assert.rejects(
    openImportedEncoder(file, { provider: 'cpu' }),
    /huge\.onnx: input 'images' declares 12000×12000 images \(limit 1024×1024\)/,
  );
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  const ok = path.join(dir, 'ok.onnx');
  writeFileSync(ok, flattenModel(28));
  const e = await openImportedEncoder(ok, { provider: 'cpu' });
  assert.equal(e.height, 28);
  await e.release();
});
