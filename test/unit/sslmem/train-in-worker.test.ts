// What a training worker receives (sslmem/train-in-worker.ts): the encoder's own images only, so that the
// batch source draws exactly the images (and bytes) it draws from the whole dataset with the subset's indices.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { datasetSubset } from '../../../src/engine/sslmem/train-in-worker';
import { datasetBatchSource } from '../../../src/engine/runtime/batches';
import type { Dataset } from '../../../src/engine/data/types';

test('datasetSubset: same batches at every step as the whole dataset with the indices; labels and paths follow', () => {
  const n = 50;
  const dataset: Dataset = {
    images: Uint8Array.from({ length: n * 2 * 3 * 3 }, (_, i) => (i * 7) % 256),
    n,
    channels: 1,
    height: 3,
    width: 6,
    labels: Int32Array.from({ length: n }, (_, i) => i % 4),
    classNames: ['a', 'b', 'c', 'd'],
    paths: Array.from({ length: n }, (_, i) => `c/${i}.png`),
    root: '/data',
    skipped: [{ path: 'x.png', reason: 'empty file' }],
  };
  const indices = Int32Array.from([41, 3, 17, 8, 29, 30, 2, 47, 11, 5, 36, 22]);
  const sub = datasetSubset(dataset, indices);
  assert.equal(sub.dataset.n, indices.length);
  assert.deepEqual([...sub.indices], [...indices.keys()]);
  assert.deepEqual(
    [...sub.dataset.labels!],
    [...indices].map((i) => i % 4),
  );
  assert.deepEqual(
    sub.dataset.paths,
    [...indices].map((i) => `c/${i}.png`),
  );
  const whole = datasetBatchSource(dataset, 5, 9, indices);
  const part = datasetBatchSource(sub.dataset, 5, 9, sub.indices);
  for (const step of [0, 1, 2, 7, 30]) assert.deepEqual(part.imagesForStep(step), whole.imagesForStep(step), `step ${step}`);
});
