// Issue #11, items 4 and 14: decompression bombs are refused from their declared sizes before anything is
// inflated, with a skip reason; an IDX file declaring 0×0 images names the file and the problem.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeImage } from '../../../src/engine/data/decode-image';
import { parseIdx, readIdxDataset } from '../../../src/engine/data/idx';
import { loadDataset } from '../../../src/engine/data';
import { bmpDeclaring, idxImages, pngBomb, pngDeclaring } from '../../helpers/hostile-corpus';
import { demoSubset, tempDir } from '../pipeline/helpers';

const config = { height: 28, width: 28, channels: 1 as const, alpha: 'flatten' as const, resize: 'cover' as const };

test('a real PNG bomb (8192², 1000× deflated) is refused before inflating, in milliseconds', async () => {
  const bomb = pngBomb(8192);
  assert.ok(bomb.length < 200_000, `bomb is ${bomb.length} bytes`);
  const started = performance.now();
  await assert.rejects(decodeImage(bomb, config), /PNG too large: 8192×8192 declared \(limit 4096×4096\)/);
  assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
});

test('declared sizes alone refuse PNG (20000²) and BMP (5000×5000); 4096² is still accepted', async () => {
  await assert.rejects(decodeImage(pngDeclaring(20000), config), /PNG too large: 20000×20000/);
  await assert.rejects(decodeImage(bmpDeclaring(5000, 5000), config), /BMP too large: 5000×5000/);
  const ok = await decodeImage(pngBomb(1024), config);
  assert.equal(ok.length, 28 * 28);
});

test('in an image folder the bomb is a skipped file with its reason; the other images load', async (t) => {
  const dir = tempDir(t);
  const data = demoSubset(path.join(dir, 'data'), 2);
  writeFileSync(path.join(data, 'bag', 'bomb.png'), pngBomb(8192));
  const loaded = await loadDataset(data, config);
  assert.equal(loaded.dataset.n, 20);
  assert.deepEqual(
    loaded.dataset.skipped.map((s) => s.path),
    ['bag/bomb.png'],
  );
  assert.match(loaded.dataset.skipped[0].reason, /too large/);
});

test('an IDX gzip bomb stops at the inflate budget with a clear message', () => {
  const bomb = idxImages(20_000, 64, 64); // 82 MB of zeros in ~80 KB
  assert.ok(bomb.length < 200_000);
  assert.throws(
    () => parseIdx(bomb, 'bomb-images-idx3-ubyte.gz'),
    /bomb-images-idx3-ubyte\.gz: inflates to more than 64 MB from \d+ KB of gzip .*decompression bomb/,
  );
  assert.equal(parseIdx(idxImages(100, 28, 28), 'ok').dims[0], 100, 'a normal small file still parses');
});

test('IDX declaring 0×0 images or 5000² images: the file and the problem are named', async (t) => {
  const dir = tempDir(t);
  const zero = path.join(dir, 'zero-images-idx3-ubyte');
  writeFileSync(zero, idxImages(10, 0, 0, false));
  await assert.rejects(readIdxDataset(zero, null, config), /zero-images-idx3-ubyte: declares 10 images of 0×0 pixels/);
  const none = path.join(dir, 'none-images-idx3-ubyte');
  writeFileSync(none, idxImages(0, 28, 28, false));
  await assert.rejects(readIdxDataset(none, null, config), /none-images-idx3-ubyte: declares 0 images/);
  const huge = path.join(dir, 'huge-images-idx3-ubyte');
  writeFileSync(huge, idxImages(1, 5000, 5000, false));
  await assert.rejects(readIdxDataset(huge, null, config), /huge-images-idx3-ubyte: images too large: 5000×5000/);
});
