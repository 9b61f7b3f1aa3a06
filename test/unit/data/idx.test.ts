import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx, readIdxDataset } from '../../../src/engine/data/idx';
import { detectSource } from '../../../src/engine/data/source';
import { FASHION_DIR, hasFashion, hasPython, runPython, tempDir } from './fixtures';

function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

describe('IDX reader', () => {
  test(
    'Debian Fashion-MNIST t10k: shape, label range, pixels match numpy',
    { skip: !(hasFashion && hasPython) && 'needs dataset-fashion-mnist and /usr/bin/python3' },
    async () => {
      const source = await detectSource(join(FASHION_DIR, 't10k-images-idx3-ubyte.gz'));
      assert.equal(source.kind, 'idx');
      if (source.kind !== 'idx') return;
      assert.equal(source.labels, join(FASHION_DIR, 't10k-labels-idx1-ubyte.gz'));
      const d = await readIdxDataset(source.images, source.labels, { height: 28, width: 28, channels: 1 });
      assert.deepEqual([d.n, d.channels, d.height, d.width], [10000, 1, 28, 28]);
      assert.ok(d.labels!.every((l) => l >= 0 && l <= 9));
      assert.equal(d.classNames.length, 10);
      assert.equal(d.paths[7], 't10k-images-idx3-ubyte.gz#7');
      const oracle = JSON.parse(
        runPython(`
import gzip, json, numpy as np
img = np.frombuffer(gzip.open('${FASHION_DIR}/t10k-images-idx3-ubyte.gz').read(), np.uint8, offset=16).reshape(-1, 28, 28)
lab = np.frombuffer(gzip.open('${FASHION_DIR}/t10k-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
print(json.dumps({'first': img[:3].reshape(-1).tolist(), 'last': img[-1].reshape(-1).tolist(), 'labels': lab[:50].tolist(), 'sum': int(img.sum(dtype=np.int64))}))`),
      );
      assert.deepEqual(Array.from(d.images.subarray(0, 3 * 784)), oracle.first);
      assert.deepEqual(Array.from(d.images.subarray(9999 * 784)), oracle.last);
      assert.deepEqual(Array.from(d.labels!.subarray(0, 50)), oracle.labels);
      assert.equal(
        d.images.reduce((s, v) => s + v, 0),
        oracle.sum,
      );
    },
  );

  test('gzipped and plain files give identical datasets; resize to RGB 32×32 replicates grey', async (t) => {
    const dir = tempDir(t);
    const pixels = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 7) % 256);
    writeFileSync(join(dir, 'x-images-idx3-ubyte'), idxBytes([5, 4, 3], pixels));
    writeFileSync(join(dir, 'x-labels-idx1-ubyte'), idxBytes([5], Uint8Array.from([3, 1, 4, 1, 5])));
    writeFileSync(join(dir, 'y-images-idx3-ubyte.gz'), gzipSync(idxBytes([5, 4, 3], pixels)));
    writeFileSync(join(dir, 'y-labels-idx1-ubyte.gz'), gzipSync(idxBytes([5], Uint8Array.from([3, 1, 4, 1, 5]))));
    const config = { height: 4, width: 3, channels: 1 as const };
    const plain = await readIdxDataset(join(dir, 'x-images-idx3-ubyte'), join(dir, 'x-labels-idx1-ubyte'), config);
    const zipped = await readIdxDataset(join(dir, 'y-images-idx3-ubyte.gz'), join(dir, 'y-labels-idx1-ubyte.gz'), config);
    assert.deepEqual(plain.images, pixels);
    assert.deepEqual(zipped.images, plain.images);
    assert.deepEqual(Array.from(zipped.labels!), [3, 1, 4, 1, 5]);
    assert.equal(zipped.classNames.length, 6);
    const rgb = await readIdxDataset(join(dir, 'y-images-idx3-ubyte.gz'), null, { height: 8, width: 6, channels: 3 });
    assert.equal(rgb.labels, null);
    assert.equal(rgb.images.length, 5 * 3 * 8 * 6);
    const first = rgb.images.subarray(0, 144);
    assert.deepEqual(first.subarray(0, 48), first.subarray(48, 96));
    assert.deepEqual(first.subarray(0, 48), first.subarray(96, 144));
  });

  test('truncated data, bad magic, corrupt gzip and label-count mismatch fail with clear messages', async (t) => {
    const dir = tempDir(t);
    const whole = idxBytes([2, 2, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    assert.throws(() => parseIdx(whole.subarray(0, whole.length - 3), 'a'), /truncated IDX data \(5 of 8 bytes\)/);
    assert.throws(() => parseIdx(whole.subarray(0, 9), 'a'), /truncated IDX header/);
    assert.throws(() => parseIdx(Buffer.from('hello world'), 'a'), /not an IDX file/);
    const gz = gzipSync(whole);
    assert.throws(() => parseIdx(gz.subarray(0, gz.length - 6), 'a'), /corrupt gzip/);
    writeFileSync(join(dir, 'i'), whole);
    writeFileSync(join(dir, 'l'), idxBytes([3], Uint8Array.from([0, 1, 2])));
    await assert.rejects(readIdxDataset(join(dir, 'i'), join(dir, 'l'), { height: 2, width: 2, channels: 1 }), /expected 2 labels/);
    assert.equal(parseIdx(readFileSync(join(dir, 'i'))).dims.join('x'), '2x2x2');
  });
});
