import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodePngFast } from '../../../src/engine/data/png-fast';
import { hasPython, pattern, runPython, tempDir } from './fixtures';

// The JS fast path must give exactly what libvips gives, or decline (null) so libvips decodes the file.
// (sharp's raw output of a grey PNG is RGB with the grey replicated, and grey+alpha becomes RGBA; the fast
// path keeps 1 or 2 channels, so it is expanded the same way for the comparison.)
function expandLike(fast: { data: Uint8Array; channels: number }, channels: number): Buffer {
  if (fast.channels === channels) return Buffer.from(fast.data);
  const pixels = fast.data.length / fast.channels;
  const out = Buffer.alloc(pixels * channels);
  for (let p = 0; p < pixels; p++)
    for (let c = 0; c < channels; c++) {
      const isAlpha = channels === 4 && c === 3;
      out[p * channels + c] = fast.data[p * fast.channels + (isAlpha ? fast.channels - 1 : 0)];
    }
  return out;
}
describe('PNG fast path', () => {
  test('8-bit grey, grey+alpha, RGB, RGBA with every filter type: identical to sharp', async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      for (const adaptiveFiltering of [false, true]) {
        const pixels = pattern(23, 17, channels, channels);
        let img = sharp(pixels, { raw: { width: 23, height: 17, channels } });
        if (channels <= 2) img = img.toColourspace('b-w');
        const png = await img.png({ adaptiveFiltering, compressionLevel: 6 }).toBuffer();
        const fast = decodePngFast(png);
        assert.ok(fast, `channels ${channels}: fast path taken`);
        const reference = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        assert.ok(expandLike(fast, reference.info.channels).equals(reference.data), `channels ${channels}, adaptive ${adaptiveFiltering}`);
        assert.ok(Buffer.from(fast.data).equals(pixels), 'lossless round trip');
      }
    }
  });

  test('PIL-written PNGs (other encoder, optimised filters) match too', { skip: !hasPython && 'no python' }, async (t) => {
    const dir = tempDir(t);
    runPython(`
import numpy as np
from PIL import Image
rng = np.random.RandomState(1)
for mode, shape in [('L', (31, 9)), ('LA', (31, 9, 2)), ('RGB', (31, 9, 3)), ('RGBA', (31, 9, 4))]:
    base = np.add.outer(np.arange(31), np.arange(9)) * 5
    arr = (base.reshape(31, 9, *([1] * (len(shape) - 2))) + rng.randint(0, 30, shape)).astype(np.uint8)
    Image.fromarray(arr, mode).save('${dir}/' + mode + '.png', optimize=True)`);
    for (const mode of ['L', 'LA', 'RGB', 'RGBA']) {
      const png = readFileSync(join(dir, `${mode}.png`));
      const fast = decodePngFast(png);
      assert.ok(fast, mode);
      const reference = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      assert.equal(fast.channels, mode.length);
      assert.ok(expandLike(fast, reference.info.channels).equals(reference.data), mode);
    }
  });

  test('declines what it does not handle or cannot trust: palette, 16-bit, interlaced, bad CRC, truncated', async () => {
    const rgb = pattern(8, 8, 3);
    const raw = () => sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } });
    assert.equal(decodePngFast(await raw().png({ palette: true }).toBuffer()), null);
    assert.equal(decodePngFast(await raw().toColourspace('rgb16').png().toBuffer()), null);
    assert.equal(decodePngFast(await raw().png({ progressive: true }).toBuffer()), null);
    const good = await raw().png().toBuffer();
    assert.ok(decodePngFast(good));
    const flipped = Buffer.from(good);
    flipped[good.length - 20] ^= 1; // inside IDAT: CRC no longer matches
    assert.equal(decodePngFast(flipped), null);
    assert.equal(decodePngFast(good.subarray(0, good.length - 12)), null);
  });
});
