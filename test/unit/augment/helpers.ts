// Shared by the augmentation tests: real Fashion-MNIST images, synthetic RGB images, and one ORT run of the
// augmentation graph.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../src/engine/graph/ir';
import { toOnnxBytes } from '../../../src/engine/graph/onnx-export';
import { parseIdx } from '../../../src/engine/data/idx';
import { AugConfig, PARAM_COUNT, augmentViews } from '../../../src/engine/augment';

export const FASHION_TEST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** The first `count` Fashion-MNIST test images as [count,1,28,28] floats in [0,1]. */
export function fashionImages(count: number, first = 0): Float32Array {
  const { data } = parseIdx(readFileSync(FASHION_TEST), 'fashion-mnist');
  return Float32Array.from(data.subarray(first * 784, (first + count) * 784), (v) => v / 255);
}

/** Deterministic RGB images in [0,1] with smooth colour gradients, saturated spots and exact greys. */
export function rgbImages(count: number, H: number, W: number): Float32Array {
  const out = new Float32Array(count * 3 * H * W);
  for (let b = 0; b < count; b++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const phase = b * 0.7 + (x + 2 * y) / (H + W);
        let rgb = [0.5 + 0.5 * Math.sin(6 * phase), 0.5 + 0.5 * Math.sin(6 * phase + 2), 0.5 + 0.5 * Math.sin(6 * phase + 4)];
        if ((x + y + b) % 7 === 0) rgb = [rgb[0], rgb[0], rgb[0]]; // grey pixel: hue undefined
        if ((x * y + b) % 11 === 0) rgb = [1, (x % 3) / 2, 0]; // saturated, on a sector boundary
        rgb.forEach((v, c) => {
          out[(b * 3 + c) * H * W + p] = v;
        });
      }
    }
  }
  return out;
}

export function buildAugGraph(config: AugConfig, batch: number): { bytes: Uint8Array; graph: Graph } {
  const g = new Graph('augment');
  const [H, W] = config.inputSize;
  const x = g.input('images', [batch, config.channels, H, W]);
  const params = g.input('params', [batch, PARAM_COUNT]);
  g.output('views', augmentViews(x, params, config));
  return { bytes: toOnnxBytes(g), graph: g };
}

export async function runAugGraph(config: AugConfig, images: Float32Array, params: Float32Array, batch: number): Promise<Float32Array> {
  const { bytes } = buildAugGraph(config, batch);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const [H, W] = config.inputSize;
  const out = await session.run({
    images: new ort.Tensor('float32', images, [batch, config.channels, H, W]),
    params: new ort.Tensor('float32', params, [batch, PARAM_COUNT]),
  });
  await session.release();
  return out.views.data as Float32Array;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert(a.length === b.length, `length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
function assert(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}
