import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBmp } from '../../../src/engine/data/bmp';
import { readImageFolder } from '../../../src/engine/data/image-folder';
import { hasPython, planar, runPython, tempDir } from './fixtures';

// BMP is decoded by our own code (the bundled libvips has no BMP loader); PIL writes the files and says
// what their pixels are.
describe('BMP decoding', { skip: !hasPython && 'needs /usr/bin/python3 with PIL' }, () => {
  test('1-bit, 8-bit palette, 24-bit and 32-bit files match PIL, bottom-up and top-down', async (t) => {
    const dir = tempDir(t);
    const expected: Record<string, number[]> = JSON.parse(
      runPython(`
import json, numpy as np
from PIL import Image
rng = np.random.RandomState(0)
rgb = rng.randint(0, 256, (7, 5, 3)).astype(np.uint8)          # 5 wide, 7 tall: rows need padding
out = {}
def save(name, img):
    img.save('${dir}/' + name + '.bmp')
    out[name] = list(np.asarray(Image.open('${dir}/' + name + '.bmp').convert('RGB')).reshape(-1).tolist())
save('rgb24', Image.fromarray(rgb))
save('mono1', Image.fromarray(rgb[:, :, 0] > 127))
save('pal8', Image.fromarray(rgb).convert('P', palette=Image.ADAPTIVE, colors=16))
save('grey8', Image.fromarray(rgb[:, :, 1]))
save('rgba32', Image.fromarray(np.dstack([rgb, rng.randint(0, 256, (7, 5)).astype(np.uint8)]), 'RGBA'))
print(json.dumps(out))`),
    );
    for (const [name, pixels] of Object.entries(expected)) {
      const image = decodeBmp(readFileSync(join(dir, `${name}.bmp`)));
      assert.deepEqual([image.width, image.height], [5, 7], name);
      const rgb = Array.from({ length: 35 * 3 }, (_, i) => image.data[Math.floor(i / 3) * image.channels + (i % 3)]);
      assert.deepEqual(rgb, pixels, name);
    }
    // Top-down variant (negative height) of the 24-bit file: same picture.
    const bytes = Buffer.from(readFileSync(join(dir, 'rgb24.bmp')));
    const stride = 16,
      height = 7,
      offset = bytes.readUInt32LE(10);
    const flipped = Buffer.from(bytes);
    for (let y = 0; y < height; y++)
      bytes.copy(flipped, offset + y * stride, offset + (height - 1 - y) * stride, offset + (height - y) * stride);
    flipped.writeInt32LE(-height, 22);
    assert.deepEqual(Array.from(decodeBmp(flipped).data), expected.rgb24);

    // Through the folder reader: decoded by content; truncated and RLE files skipped with reasons.
    writeFileSync(join(dir, 'trunc.bmp'), bytes.subarray(0, bytes.length - 20));
    const rle = Buffer.from(readFileSync(join(dir, 'pal8.bmp')));
    rle.writeUInt32LE(1, 30);
    writeFileSync(join(dir, 'rle.bmp'), rle);
    const d = await readImageFolder(dir, { height: 7, width: 5, channels: 3 });
    assert.equal(d.n, 5);
    assert.deepEqual(
      d.images.subarray(d.paths.indexOf('rgb24.bmp') * 105, (d.paths.indexOf('rgb24.bmp') + 1) * 105),
      planar(Uint8Array.from(expected.rgb24), 3),
    );
    const reasons = Object.fromEntries(d.skipped.map((s) => [s.path, s.reason]));
    assert.match(reasons['trunc.bmp'], /truncated BMP pixel data/);
    assert.match(reasons['rle.bmp'], /unsupported BMP compression 1/);
  });
});
