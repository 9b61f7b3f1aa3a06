// MAE's host-side mask sampling: K distinct visible patches per image, reproducible per (seed, step),
// different across steps and images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mae, sampleMaskKeep } from '../../../src/engine/methods/mae';
import { vitTiny } from '../../../src/engine/models/vit';

test('sampleMaskKeep: K distinct indices in [0, N) per image, seeded by (seed, step)', () => {
  const a = sampleMaskKeep(7, 3, 5, 64, 16);
  assert.equal(a.length, 5 * 16);
  for (let b = 0; b < 5; b++) {
    const row = Array.from(a.subarray(b * 16, (b + 1) * 16));
    assert.equal(new Set(row).size, 16, 'distinct');
    assert.ok(row.every((i) => Number.isInteger(i) && i >= 0 && i < 64));
  }
  assert.deepEqual(sampleMaskKeep(7, 3, 5, 64, 16), a, 'same seed and step -> same mask');
  assert.notDeepEqual(sampleMaskKeep(7, 4, 5, 64, 16), a, 'next step -> new mask');
  assert.notDeepEqual(sampleMaskKeep(8, 3, 5, 64, 16), a, 'other seed -> new mask');
  assert.notDeepEqual(a.subarray(0, 16), a.subarray(16, 32), 'images get different masks');
});

test('mae: visible count from the mask ratio, extra input declared with the batch as -1', () => {
  const p = mae(vitTiny({ imageSize: 32, patch: 4, dim: 12, depth: 1, heads: 2 }), { maskRatio: 0.75 });
  assert.deepEqual(p.extraInputs, { maskKeep: [-1, 16] });
  assert.equal(p.viewsPerImage, 1);
  assert.equal(p.sampleExtra!(1, 0, 3).maskKeep.length, 3 * 16);
  assert.ok(p.params.some((x) => x.name === 'decoder_blocks.1.attn.qkv.weight'));
});
