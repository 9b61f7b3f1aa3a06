// Shared pieces of the artifact/runtime tests: real Fashion-MNIST images and a tiny SslProblem whose
// parts are small enough for the float64 reference evaluator (a linear encoder, a cosine-alignment loss
// and one buffer updated in-graph, so buffers travel through checkpoints too).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Dataset } from '../../../src/engine/data/types';
import { parseIdx } from '../../../src/engine/data/idx';
import { SslProblem } from '../../../src/engine/models/types';
import { Value, add, l2normalize, linear, mul, reduceMean, reduceSum, reshape } from '../../../src/engine/graph';
import { AugConfig, fashionMnistRecipe } from '../../../src/engine/augment/config';

export const FASHION_TEST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** The first n test images of Fashion-MNIST as a Dataset (uint8, 1×28×28). */
export function fashionMnist(n: number): Dataset {
  const all = parseIdx(gunzipSync(readFileSync(FASHION_TEST)), 't10k');
  const images = all.data.slice(0, n * 784);
  return { images, n, channels: 1, height: 28, width: 28, labels: null, classNames: [], paths: [], root: '', skipped: [] };
}

/** Float batch [n,1,28,28] in [0,1] of images start..start+n. */
export function floatImages(d: Dataset, start: number, n: number): Float32Array {
  return Float32Array.from(d.images.subarray(start * 784, (start + n) * 784), (v) => v / 255);
}

export const tinyAugment: AugConfig = fashionMnistRecipe([28, 28]);

/** Linear encoder 784 -> dim; loss = -mean_b cos(z1_b, z2_b); buffer `stats.mean` = EMA of the batch mean of z1. */
export function tinyProblem(dim = 4): SslProblem {
  const encodeWith = (ctx: Parameters<SslProblem['encode']>[0], x: Value) => {
    const flat = reshape(x, [x.shape[0], 784]);
    const repr = linear(flat, ctx.param('enc.weight'), ctx.param('enc.bias'));
    return { repr, layers: [{ name: 'flat', value: flat }] };
  };
  return {
    params: [
      { name: 'enc.weight', shape: [dim, 784], init: { kind: 'uniform', bound: 1 / 28 }, weightDecay: true },
      { name: 'enc.bias', shape: [dim], init: { kind: 'uniform', bound: 1 / 28 }, weightDecay: false },
    ],
    buffers: [{ name: 'stats.mean', shape: [dim], init: { kind: 'zeros' } }],
    inputShape: [1, 28, 28],
    viewsPerImage: 2,
    loss(ctx, views) {
      const z1 = l2normalize(encodeWith(ctx, views[0]).repr, 1);
      const z2 = l2normalize(encodeWith(ctx, views[1]).repr, 1);
      ctx.setBuffer('stats.mean', add(mul(ctx.buffer('stats.mean'), 0.9), mul(reduceMean(z1, [0]), 0.1)));
      return mul(reduceMean(reduceSum(mul(z1, z2), [1]), [0]), -1);
    },
    encode: encodeWith,
    describe: { model: 'tiny-linear', method: 'cosine-alignment' },
  };
}

/** Environment that leaves Dawn's Vulkan backend (WebGPU on Linux) without any driver, whatever is installed. */
export const NO_VULKAN = { VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json', VK_ADD_DRIVER_FILES: '' };
