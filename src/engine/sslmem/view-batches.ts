// The scoring loop shared by trained and imported encoders: K rounds over the scored rows in fixed-size
// batches, each batch with its images scaled to [0, 1] and the augmentation parameters of its two views.
// The views of a point are keyed by (scoring seed, pair k, view v, dataset index), so f and g see exactly
// the same views and a score difference is not blurred by augmentation noise between the two encoders.

import type { Dataset } from '../data/types';
import { sampleSize } from '../data/types';
import { PARAM_COUNT, sampleAugParams } from '../augment/sample';
import type { AugConfig } from '../augment/config';

/** The seed of a trained run's scoring views, derived from the run seed so it differs from the training seeds. */
export function scoringSeedOf(runSeed: number): number {
  return (runSeed * 7919 + 17) >>> 0;
}

export interface ViewBatch {
  /** [B, C, H, W] images in [0, 1]. */
  images: Float32Array;
  /** [2, B, PARAM_COUNT] augmentation parameters: view 0 of every row, then view 1. */
  aug: Float32Array;
  /** Positions in `rows` of the batch entries; only the first `real` are real, the rest pad the last batch. */
  rowIds: Int32Array;
  real: number;
  /** Batches done so far, counting this one, out of `total` (for progress). */
  done: number;
  total: number;
}

export interface ViewBatchOptions {
  batch: number;
  pairs: number;
  augment: AugConfig;
  seed: number;
  signal?: AbortSignal;
}

/** Calls `visit` once per (pair, batch); the buffers are reused between calls. */
export async function forEachViewBatch(
  dataset: Dataset,
  rows: Int32Array,
  o: ViewBatchOptions,
  visit: (b: ViewBatch) => Promise<void>,
): Promise<void> {
  const B = o.batch;
  const size = sampleSize(dataset);
  const images = new Float32Array(B * size);
  const aug = new Float32Array(2 * B * PARAM_COUNT);
  const keys = new Int32Array(B);
  const rowIds = new Int32Array(B);
  const batches = Math.ceil(rows.length / B);
  for (let k = 0; k < o.pairs; k++) {
    for (let bi = 0; bi < batches; bi++) {
      if (o.signal?.aborted) throw new DOMException('scoring cancelled', 'AbortError');
      // The last batch is padded with earlier rows (fixed-shape graphs); only the real rows count.
      const start = bi * B;
      const real = Math.min(B, rows.length - start);
      for (let b = 0; b < B; b++) {
        const r = b < real ? start + b : b - real;
        rowIds[b] = r;
        keys[b] = rows[r];
        const src = dataset.images.subarray(rows[r] * size, (rows[r] + 1) * size);
        for (let i = 0; i < size; i++) images[b * size + i] = src[i] / 255;
      }
      aug.set(sampleAugParams(o.augment, o.seed, k, 0, B, keys), 0);
      aug.set(sampleAugParams(o.augment, o.seed, k, 1, B, keys), B * PARAM_COUNT);
      await visit({ images, aug, rowIds, real, done: k * batches + bi + 1, total: o.pairs * batches });
    }
  }
}
