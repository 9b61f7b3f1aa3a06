// Generates demo/fashion-mnist/<class-name>/<NNNNN>.png from Debian's dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist/, MIT licence). Deterministic: for each class, the first
// PER_CLASS images of that class in TRAIN-set order; NNNNN is the image's index in the train set.
// Usage: node scripts/make-demo-dataset.mjs [--per-class 300] [--source dir] [--out demo/fashion-mnist]
import { readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sharp = require('sharp');
const root = new URL('..', import.meta.url).pathname;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const perClass = Number(option('--per-class', '300'));
const source = option('--source', '/usr/share/datasets/fashion-mnist');
const out = option('--out', join(root, 'demo/fashion-mnist'));

// Fashion-MNIST label order (zalandoresearch/fashion-mnist README), as folder-safe names.
const CLASS_NAMES = ['tshirt-top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'];

function readIdx(file) {
  const bytes = gunzipSync(readFileSync(file));
  const rank = bytes[3];
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

const images = readIdx(join(source, 'train-images-idx3-ubyte.gz'));
const labels = readIdx(join(source, 'train-labels-idx1-ubyte.gz'));
const [n, h, w] = images.dims;
const chosen = CLASS_NAMES.map(() => []);
for (let i = 0; i < n; i++) {
  const bucket = chosen[labels.data[i]];
  if (bucket.length < perClass) bucket.push(i);
}

rmSync(out, { recursive: true, force: true });
let bytesWritten = 0;
for (const [label, indices] of chosen.entries()) {
  const dir = join(out, CLASS_NAMES[label]);
  mkdirSync(dir, { recursive: true });
  for (const i of indices) {
    const pixels = images.data.subarray(i * h * w, (i + 1) * h * w);
    const png = await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9, adaptiveFiltering: false })
      .toBuffer();
    writeFileSync(join(dir, `${String(i).padStart(5, '0')}.png`), png);
    bytesWritten += png.length;
  }
}
const total = chosen.reduce((a, b) => a + b.length, 0);
console.log(`wrote ${total} images (${perClass} per class) to ${out}: ${(bytesWritten / 1024).toFixed(0)} KiB of PNG`);
