// Issue 15 item 4: a copy of the demo dataset with clearly atypical images planted in it, for the whole-dataset
// validation (docs/demo-results.md). Generated, never committed. Usage:
//   node scripts/validation/plant-atypical.mjs <out-folder> [count=40] [seed=1] [per-class: all]
// (per-class: keep only the first n demo images of each class, for a smaller, more-repeated run)
// Half the planted images are inverted demo images (light background, dark garment: no demo image looks like
// that), half are seeded uniform noise. They go into the class folders round-robin (the reader takes labels
// from folders) under names starting "planted-", so the validation script can find them.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const [out, countText = '40', seedText = '1', perClassText] = process.argv.slice(2);
if (!out) {
  console.error('usage: plant-atypical.mjs <out-folder> [count] [seed]');
  process.exit(2);
}
const demo = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo/fashion-mnist');
const count = Number(countText);
let state = Number(seedText) >>> 0;
const rand = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
}; // LCG: reproducible, enough here

rmSync(out, { recursive: true, force: true });
cpSync(demo, out, { recursive: true });
const classes = readdirSync(out).sort();
if (perClassText)
  for (const cls of classes) for (const f of readdirSync(join(out, cls)).sort().slice(Number(perClassText))) rmSync(join(out, cls, f));
for (let k = 0; k < count; k++) {
  const cls = classes[k % classes.length];
  const pixels = new Uint8Array(28 * 28);
  let name;
  if (k % 2 === 0) {
    const files = readdirSync(join(demo, cls)).sort();
    const src = files[Math.floor(rand() * files.length)];
    const raw = await sharp(join(demo, cls, src))
      .greyscale()
      .raw()
      .toBuffer();
    for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - raw[i];
    name = `planted-inv-${String(k).padStart(2, '0')}.png`;
  } else {
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(rand() * 256);
    name = `planted-noise-${String(k).padStart(2, '0')}.png`;
  }
  await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toFile(join(out, cls, name));
}
console.log(`${out}: demo images + ${count} planted (${Math.ceil(count / 2)} inverted, ${Math.floor(count / 2)} noise)`);
