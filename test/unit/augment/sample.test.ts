// Host-side parameter sampling: deterministic per (seed, step, view, row), torchvision's crop distribution
// and fallback, and the encoding of a sample into a parameter row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KeyedRng,
  PARAM,
  PARAM_COUNT,
  encodeAugParams,
  fashionMnistRecipe,
  roundHalfEven,
  sampleAugParams,
  sampleAugmentations,
  sampleCrop,
  simclrRecipe,
} from '../../../src/engine/augment';

const rgb = simclrRecipe(3, [32, 32]);

test('same (seed, step, view) gives the same parameters; any change gives different ones', () => {
  const a = sampleAugParams(rgb, 42, 1000, 0, 64);
  assert.equal(a.length, 64 * PARAM_COUNT);
  assert.deepEqual(sampleAugParams(rgb, 42, 1000, 0, 64), a);
  for (const [seed, step, view] of [
    [43, 1000, 0],
    [42, 1001, 0],
    [42, 1000, 1],
  ]) {
    const b = sampleAugParams(rgb, seed, step, view, 64);
    let same = 0;
    for (let r = 0; r < 64; r++)
      if (b.subarray(r * PARAM_COUNT, (r + 1) * PARAM_COUNT).every((v, k) => v === a[r * PARAM_COUNT + k])) same++;
    assert.equal(same, 0, `(${seed}, ${step}, ${view}) repeats rows of (42, 1000, 0)`);
  }
});

test('a row depends on its key, not on the batch size or the other rows', () => {
  const full = sampleAugParams(rgb, 3, 7, 1, 16);
  const part = sampleAugParams(rgb, 3, 7, 1, 4, [10, 11, 12, 13]);
  assert.deepEqual(part, full.subarray(10 * PARAM_COUNT, 14 * PARAM_COUNT));
});

test('flip, jitter and grayscale rates match their probabilities; factors stay in range', () => {
  const n = 20000;
  const s = sampleAugmentations(rgb, 1, 0, 0, n);
  const rate = (f: (x: (typeof s)[0]) => boolean) => s.filter(f).length / n;
  // 5 standard deviations of a binomial proportion
  const near = (got: number, p: number) => assert.ok(Math.abs(got - p) < 5 * Math.sqrt((p * (1 - p)) / n), `rate ${got} vs ${p}`);
  near(
    rate((x) => x.flip),
    0.5,
  );
  near(
    rate((x) => x.hue !== 0),
    0.8,
  );
  near(
    rate((x) => x.grayscale),
    0.2,
  );
  for (const x of s) {
    for (const k of ['brightness', 'contrast', 'saturation'] as const) assert.ok(x[k] >= 0.6 && x[k] <= 1.4, `${k} ${x[k]}`);
    assert.ok(Math.abs(x.hue) <= 0.1);
  }
  const gray = sampleAugmentations(fashionMnistRecipe(), 1, 0, 0, 2000);
  assert.ok(
    gray.every((x) => !x.grayscale && x.hue === 0 && x.saturation === 1),
    'colour-only ops are identity on 1 channel',
  );
  assert.ok(gray.some((x) => x.contrast !== 1));
});

test('crops stay in the image with area and aspect ratio in range (RandomResizedCrop)', () => {
  const config = simclrRecipe(3, [224, 224]); // large enough that rounding to pixels is negligible
  const s = sampleAugmentations(config, 9, 0, 0, 5000);
  let minArea = 1,
    maxArea = 0;
  for (const x of s) {
    assert.ok(x.top >= 0 && x.left >= 0 && x.top + x.height <= 224 && x.left + x.width <= 224, JSON.stringify(x));
    const area = (x.width * x.height) / (224 * 224),
      ratio = x.width / x.height;
    minArea = Math.min(minArea, area);
    maxArea = Math.max(maxArea, area);
    assert.ok(area >= 0.08 * 0.97 && area <= 1, `area ${area}`);
    assert.ok(ratio >= 0.75 * 0.99 && ratio <= (4 / 3) * 1.01, `ratio ${ratio}`);
  }
  assert.ok(minArea < 0.1 && maxArea > 0.9, `areas cover the range: ${minArea}..${maxArea}`);
  // torchvision's fallback: 10 failed tries -> central crop at the nearest allowed ratio
  const rng = new KeyedRng([0, 0, 0, 0]);
  assert.deepEqual(sampleCrop(rng, 20, 30, [1, 1], [3, 4]), { top: 5, left: 0, height: 10, width: 30 }); // image too tall for ratio >= 3
  assert.deepEqual(sampleCrop(rng, 30, 30, [1, 1], [0.25, 0.5]), { top: 0, left: 7, height: 30, width: 15 }); // too wide
  assert.deepEqual(sampleCrop(rng, 20, 30, [2, 3], [1, 2]), { top: 0, left: 0, height: 20, width: 30 }); // ratio fits: whole image
});

test("crop sizes round as Python's round()", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
});

test('encoding: output pixels map to input pixel positions as torch resize does', () => {
  const config = { ...fashionMnistRecipe([28, 20]), outputSize: [14, 40] as [number, number] };
  const id = { top: 0, left: 0, height: 28, width: 20, flip: false, brightness: 1, contrast: 1, saturation: 1, hue: 0, grayscale: false };
  const rows = encodeAugParams([id, { ...id, flip: true, left: 4, width: 10, top: 2, height: 7 }], config);
  const f32 = (x: number) => Math.fround(x);
  const row = (b: number, k: number) => rows[b * PARAM_COUNT + k];
  // identity crop: output x reads (x + 1/2) * 20/40 - 1/2, output y reads (y + 1/2) * 28/14 - 1/2
  assert.deepEqual([row(0, PARAM.xScale), row(0, PARAM.xOffset), row(0, PARAM.yScale), row(0, PARAM.yOffset)], [0.5, -0.25, 2, 0.5]);
  assert.deepEqual(
    [PARAM.xLo, PARAM.yLo, PARAM.xHi, PARAM.yHi].map((k) => row(0, k)),
    [0, 0, 19, 27],
  );
  // flipped crop: output column 0 reads where column 39 would have read, inside the window [4, 13]
  const at = (xo: number) => row(1, PARAM.xScale) * xo + row(1, PARAM.xOffset);
  assert.ok(Math.abs(at(0) - (4 + (39.5 * 10) / 40 - 0.5)) < 1e-5 && Math.abs(at(39) - (4 + (0.5 * 10) / 40 - 0.5)) < 1e-5);
  assert.deepEqual(
    [PARAM.xLo, PARAM.yLo, PARAM.xHi, PARAM.yHi].map((k) => row(1, k)),
    [4, 2, 13, 8],
  );
  assert.equal(row(1, PARAM.yScale), f32(7 / 14));
});
