// Writes docs/aug-views.png: Fashion-MNIST test images (first column) and augmented views made by the
// augmentation graph in onnxruntime-node, for three recipes (one panel each): the Fashion-MNIST recipe,
// the SimCLR recipe on the 1-channel images, and the SimCLR recipe on colourised copies (to show jitter
// and grayscale). Run: node scripts/build.mjs --tests && node dist/bench/augment-views.js [out.png]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { Graph } from '../src/engine/graph/ir';
import { toOnnxBytes } from '../src/engine/graph/onnx-export';
import { parseIdx } from '../src/engine/data/idx';
import { AugConfig, PARAM_COUNT, augmentViews, fashionMnistRecipe, sampleAugParams, simclrRecipe } from '../src/engine/augment';

const ROWS = 6,
  VIEWS = 8,
  SIZE = 28,
  ZOOM = 3,
  GAP = 4;
const FIRST_IMAGE = 40;

async function views(config: AugConfig, images: Float32Array, seed: number): Promise<Float32Array[]> {
  const g = new Graph('augment');
  const C = config.channels;
  g.output('views', augmentViews(g.input('images', [ROWS, C, SIZE, SIZE]), g.input('params', [ROWS, PARAM_COUNT]), config));
  const session = await ort.InferenceSession.create(toOnnxBytes(g), { intraOpNumThreads: 2 });
  const out: Float32Array[] = [];
  for (let view = 0; view < VIEWS; view++) {
    const params = sampleAugParams(config, seed, 0, view, ROWS);
    const r = await session.run({
      images: new ort.Tensor('float32', images, [ROWS, C, SIZE, SIZE]),
      params: new ort.Tensor('float32', params, [ROWS, PARAM_COUNT]),
    });
    out.push(r.views.data as Float32Array);
  }
  return out;
}

/** Foreground and background colours per row, so hue/saturation/grayscale changes are visible. */
function colourise(gray: Float32Array): Float32Array {
  const fg = [
    [0.95, 0.3, 0.2],
    [0.2, 0.7, 0.3],
    [0.25, 0.35, 0.9],
    [0.9, 0.8, 0.2],
    [0.7, 0.3, 0.8],
    [0.2, 0.8, 0.85],
  ];
  const bg = [
    [0.1, 0.15, 0.3],
    [0.3, 0.1, 0.1],
    [0.15, 0.25, 0.1],
    [0.2, 0.1, 0.3],
    [0.1, 0.3, 0.3],
    [0.3, 0.25, 0.1],
  ];
  const out = new Float32Array(ROWS * 3 * SIZE * SIZE);
  for (let b = 0; b < ROWS; b++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < SIZE * SIZE; p++) {
        const v = gray[b * SIZE * SIZE + p];
        out[(b * 3 + c) * SIZE * SIZE + p] = bg[b][c] * (1 - v) + fg[b][c] * v;
      }
  return out;
}

async function main() {
  const outPath = process.argv[2] ?? 'docs/aug-views.png';
  const { data } = parseIdx(readFileSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'));
  const gray = Float32Array.from(data.subarray(FIRST_IMAGE * 784, (FIRST_IMAGE + ROWS) * 784), (v) => v / 255);
  const rgb = colourise(gray);
  const panels: [Float32Array, AugConfig][] = [
    [gray, fashionMnistRecipe()],
    [gray, simclrRecipe(1, [28, 28])],
    [rgb, simclrRecipe(3, [28, 28])],
  ];

  const cell = SIZE * ZOOM,
    cols = 1 + VIEWS;
  const width = cols * cell + (cols - 1) * GAP + 3 * GAP; // wider gap after the originals column
  const panelHeight = ROWS * cell + (ROWS - 1) * GAP;
  const height = panels.length * panelHeight + (panels.length - 1) * 4 * GAP;
  const canvas = Buffer.alloc(width * height * 3, 255);
  const draw = (img: Float32Array, index: number, C: number, x0: number, y0: number) => {
    const plane = SIZE * SIZE;
    for (let y = 0; y < cell; y++)
      for (let x = 0; x < cell; x++)
        for (let c = 0; c < 3; c++) {
          const v = img[(index * C + (C === 1 ? 0 : c)) * plane + Math.floor(y / ZOOM) * SIZE + Math.floor(x / ZOOM)];
          canvas[((y0 + y) * width + x0 + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
  };
  for (const [k, [images, config]] of panels.entries()) {
    const v = await views(config, images, 2024 + k); // a seed per panel, so panels do not share crops
    const top = k * (panelHeight + 4 * GAP);
    for (let r = 0; r < ROWS; r++) {
      const y0 = top + r * (cell + GAP);
      draw(images, r, config.channels, 0, y0);
      for (let j = 0; j < VIEWS; j++) draw(v[j], r, config.channels, (j + 1) * (cell + GAP) + 3 * GAP, y0);
    }
  }
  await sharp(canvas, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(outPath);
  console.log(`wrote ${outPath} (${width}x${height}): panels fashion-mnist recipe, simclr 1-channel, simclr colourised RGB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
