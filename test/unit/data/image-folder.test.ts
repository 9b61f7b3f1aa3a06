import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readImageFolder } from '../../../src/engine/data/image-folder';
import { encode, pattern, planar, sample, tempDir } from './fixtures';

describe('image folder reader', () => {
  test('class sub-folders give labels; PNG/JPEG/WebP/GIF decode; paths sorted; nested files keep the class', async (t) => {
    const root = tempDir(t);
    for (const d of ['cat', 'dog', 'dog/nested']) mkdirSync(join(root, d), { recursive: true });
    const grey = pattern(8, 8, 1, 1);
    writeFileSync(join(root, 'cat', 'b.png'), await encode(grey, 8, 8, 1, 'png'));
    writeFileSync(join(root, 'cat', 'a.webp'), await encode(pattern(8, 8, 3, 2), 8, 8, 3, 'webp'));
    writeFileSync(join(root, 'dog', 'c.jpg'), await encode(pattern(8, 8, 3, 3), 8, 8, 3, 'jpeg'));
    writeFileSync(join(root, 'dog', 'nested', 'd.gif'), await encode(pattern(8, 8, 3, 4), 8, 8, 3, 'gif'));
    writeFileSync(join(root, '.DS_Store'), 'junk'); // hidden: ignored, not even listed as skipped

    const d = await readImageFolder(root, { height: 8, width: 8, channels: 1 });
    assert.deepEqual(d.classNames, ['cat', 'dog']);
    assert.deepEqual(d.paths, ['cat/a.webp', 'cat/b.png', 'dog/c.jpg', 'dog/nested/d.gif']);
    assert.deepEqual(Array.from(d.labels!), [0, 0, 1, 1]);
    assert.deepEqual(d.skipped, []);
    assert.equal(d.images.length, 4 * 64);
    // Lossless grey PNG at the target size must come back exactly.
    assert.deepEqual(Buffer.from(sample(d.images, 1, 64)), grey);
  });

  test('RGB config: lossless WebP exact in planar order, grey PNG replicated to 3 channels', async (t) => {
    const root = tempDir(t);
    const rgb = pattern(6, 5, 3, 7);
    const grey = pattern(6, 5, 1, 8);
    writeFileSync(join(root, 'a.webp'), await encode(rgb, 6, 5, 3, 'webp'));
    writeFileSync(join(root, 'b.png'), await encode(grey, 6, 5, 1, 'png'));
    const d = await readImageFolder(root, { height: 5, width: 6, channels: 3 });
    assert.equal(d.labels, null, 'a flat folder is unlabeled');
    assert.deepEqual(sample(d.images, 0, 90), planar(rgb, 3));
    const b = sample(d.images, 1, 90);
    for (let c = 0; c < 3; c++) assert.deepEqual(Buffer.from(b.subarray(c * 30, (c + 1) * 30)), grey);
  });

  test('broken, truncated, zero-byte and wrong-extension files are skipped with reasons, or decoded by content', async (t) => {
    const root = tempDir(t);
    mkdirSync(join(root, 'x'));
    const png = await encode(pattern(16, 16, 3), 16, 16, 3, 'png');
    const jpeg = await encode(pattern(16, 16, 3), 16, 16, 3, 'jpeg');
    writeFileSync(join(root, 'x', 'good.png'), png);
    writeFileSync(join(root, 'x', 'jpeg-named.png'), jpeg); // wrong extension: decode by content
    writeFileSync(join(root, 'x', 'empty.png'), Buffer.alloc(0));
    writeFileSync(join(root, 'x', 'text.png'), 'hello, I am not an image\n');
    writeFileSync(join(root, 'x', 'trunc.png'), png.subarray(0, Math.floor(png.length / 2)));
    writeFileSync(join(root, 'x', 'trunc.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const garbled = Buffer.from(png);
    garbled.fill(0x55, 40, 120); // valid signature, corrupt chunks
    writeFileSync(join(root, 'x', 'garbled.png'), garbled);
    writeFileSync(join(root, 'x', 'notes.txt'), 'labels are folders');

    const d = await readImageFolder(root, { height: 16, width: 16, channels: 3 });
    assert.deepEqual(d.paths, ['x/good.png', 'x/jpeg-named.png']);
    const reasons = Object.fromEntries(d.skipped.map((s) => [s.path, s.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), [
      'x/empty.png',
      'x/garbled.png',
      'x/notes.txt',
      'x/text.png',
      'x/trunc.jpg',
      'x/trunc.png',
    ]);
    assert.match(reasons['x/empty.png'], /empty file/);
    assert.match(reasons['x/text.png'], /not an image/);
    assert.match(reasons['x/notes.txt'], /not an image/);
    for (const p of ['x/trunc.png', 'x/trunc.jpg', 'x/garbled.png']) assert.ok(reasons[p].length > 5, `${p}: ${reasons[p]}`);
    // The JPEG with a .png name decodes exactly as the same JPEG does.
    const reference = await sharp(jpeg).raw().toBuffer();
    assert.deepEqual(sample(d.images, 1, 768), planar(reference, 3));
  });

  test('mixed sizes: cover = scale the short side then centre-crop (no stretching)', async (t) => {
    const root = tempDir(t);
    // 40×20 landscape: left and right 10 columns black/white, the centre 20×20 mid-grey.
    const wide = Buffer.alloc(40 * 20);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) wide[y * 40 + x] = x < 10 ? 0 : x >= 30 ? 255 : 128;
    const tall = Buffer.alloc(20 * 40);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 20; x++) tall[y * 20 + x] = y < 10 ? 0 : y >= 30 ? 255 : 128;
    writeFileSync(join(root, 'wide.png'), await encode(wide, 40, 20, 1, 'png'));
    writeFileSync(join(root, 'tall.png'), await encode(tall, 20, 40, 1, 'png'));
    writeFileSync(join(root, 'small.png'), await encode(Buffer.alloc(4 * 4, 200), 4, 4, 1, 'png'));
    const d = await readImageFolder(root, { height: 10, width: 10, channels: 1 });
    assert.equal(d.n, 3);
    for (let i = 0; i < 3; i++) {
      const s = sample(d.images, i, 100);
      const expected = d.paths[i] === 'small.png' ? 200 : 128;
      // Rows/columns 1..8: the outermost ones may ring a little from the cropped-off bands (Lanczos kernel).
      for (let y = 1; y < 9; y++)
        for (let x = 1; x < 9; x++) {
          assert.ok(Math.abs(s[y * 10 + x] - expected) <= 3, `${d.paths[i]} (${x},${y}) = ${s[y * 10 + x]}`);
        }
      assert.ok(
        s.every((v) => v > 100 && v < 220),
        `${d.paths[i]}: no black or white band survives the crop`,
      );
    }
    const filled = await readImageFolder(root, { height: 10, width: 10, channels: 1, resize: 'fill' });
    assert.ok(
      sample(filled.images, 2, 100).some((v) => v < 64),
      "'fill' keeps the black band of wide.png",
    );
  });

  test('alpha: flattened over black by default, or dropped', async (t) => {
    const root = tempDir(t);
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let p = 0; p < 16; p++) rgba.set(p < 8 ? [255, 0, 0, 0] : [0, 0, 255, 255], p * 4); // top: transparent red
    writeFileSync(join(root, 'a.png'), await encode(rgba, 4, 4, 4, 'png'));
    const flat = await readImageFolder(root, { height: 4, width: 4, channels: 3 });
    const dropped = await readImageFolder(root, { height: 4, width: 4, channels: 3, alpha: 'drop' });
    const red = (d: typeof flat) => Array.from(d.images.subarray(0, 8));
    const blue = (d: typeof flat) => Array.from(d.images.subarray(32 + 8, 32 + 16));
    assert.deepEqual(red(flat), new Array(8).fill(0), 'transparent pixels become black');
    assert.deepEqual(red(dropped), new Array(8).fill(255), 'alpha dropped: the hidden red shows');
    assert.deepEqual(blue(flat), new Array(8).fill(255), 'opaque pixels unchanged');
  });

  test('half-transparent pixels flatten as sharp flattens them; 16-bit PNG comes back as 8-bit', async (t) => {
    const root = tempDir(t);
    const rgba = pattern(5, 5, 4, 9); // alpha varies per pixel
    const png = await encode(rgba, 5, 5, 4, 'png');
    writeFileSync(join(root, 'a.png'), png);
    const png16 = await sharp(pattern(5, 5, 3, 2), { raw: { width: 5, height: 5, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    assert.equal((await sharp(png16).metadata()).depth, 'ushort', 'fixture really is 16-bit');
    writeFileSync(join(root, 'b.png'), png16);
    const d = await readImageFolder(root, { height: 5, width: 5, channels: 3 });
    const reference = await sharp(png)
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .raw()
      .toBuffer();
    const ours = sample(d.images, 0, 75),
      expected = planar(reference, 3);
    assert.ok(
      ours.every((v, i) => Math.abs(v - expected[i]) <= 1),
      'within rounding of sharp.flatten',
    );
    const sixteen = sample(d.images, 1, 75),
      original = planar(pattern(5, 5, 3, 2), 3);
    assert.ok(
      sixteen.every((v, i) => Math.abs(v - original[i]) <= 1),
      '16-bit values scaled back to 8-bit',
    );
  });
});
