// The augmentation graph (onnxruntime-node, float32) against PyTorch: ATen's bilinear interpolate for the
// resized crop and torchvision 0.14's colour functions reproduced with torch ops (torchvision_oracle.py).
// One Python process for all cases, since importing torch takes seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  AugConfig,
  encodeAugParams,
  fashionMnistRecipe,
  outputSizeOf,
  sampleAugmentations,
  simclrRecipe,
} from '../../../src/engine/augment';
import { fashionImages, maxAbsDiff, rgbImages, runAugGraph } from './helpers';

const ORACLE = [
  join(__dirname, '../../../../test/unit/augment/torchvision_oracle.py'),
  join(process.cwd(), 'test/unit/augment/torchvision_oracle.py'),
].find(existsSync)!;

const cases: { name: string; config: AugConfig; images: Float32Array }[] = [
  { name: 'Fashion-MNIST recipe, real images', config: fashionMnistRecipe(), images: fashionImages(12, 300) },
  { name: 'SimCLR RGB 32x32', config: simclrRecipe(3, [32, 32]), images: rgbImages(12, 32, 32) },
  {
    name: 'SimCLR RGB 32x32 -> 20x24, normalised',
    config: { ...simclrRecipe(3, [32, 32]), outputSize: [20, 24], normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] } },
    images: rgbImages(12, 32, 32),
  },
];

test('augmentation graph matches PyTorch (torchvision semantics) given the same parameters', async () => {
  const requests = cases.map(({ config, images }) => {
    const samples = sampleAugmentations(config, 11, 5, 1, 12);
    const [H, W] = config.inputSize;
    return {
      config,
      samples,
      body: {
        images: Array.from(images),
        shape: [12, config.channels, H, W],
        samples,
        outputSize: outputSizeOf(config),
        normalize: config.normalize ?? null,
      },
    };
  });
  const torchViews: number[][] = JSON.parse(
    execFileSync('/usr/bin/python3', [ORACLE], {
      input: JSON.stringify(requests.map((r) => r.body)),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );
  for (const [k, { name, config, images }] of cases.entries()) {
    const got = await runAugGraph(config, images, encodeAugParams(requests[k].samples, config), 12);
    const err = maxAbsDiff(got, torchViews[k]);
    assert.ok(err < 1e-4, `${name}: max abs error ${err} against PyTorch`);
  }
});
