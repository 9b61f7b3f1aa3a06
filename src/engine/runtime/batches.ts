// Deterministic batches. The permutation of epoch e is a function of (seed, e) only, and step s reads
// batch (s mod batchesPerEpoch) of epoch floor(s / batchesPerEpoch): the images of any step can be
// recomputed from the step index alone, so resuming mid-epoch from a checkpoint is exact.
// The last incomplete batch of an epoch is dropped (train steps are generated for one batch size).
import { Rng } from '../util/prng';
import { streamKey } from '../artifacts/init';
import type { Dataset } from '../data/types';

export class BatchSampler {
  readonly batchesPerEpoch: number;
  private cachedEpoch = -1;
  private cachedOrder: Uint32Array = new Uint32Array(0);

  constructor(
    readonly n: number,
    readonly batch: number,
    readonly seed: number,
  ) {
    if (batch < 1 || n < batch) throw new Error(`need at least one full batch: ${n} samples, batch ${batch}`);
    this.batchesPerEpoch = Math.floor(n / batch);
  }

  /** Permutation of 0..n-1 used in `epoch`. */
  epochOrder(epoch: number): Uint32Array {
    if (epoch !== this.cachedEpoch) {
      const order = new Uint32Array(this.n);
      for (let i = 0; i < this.n; i++) order[i] = i;
      new Rng(streamKey(this.seed, `epoch:${epoch}`)).shuffle(order);
      this.cachedEpoch = epoch;
      this.cachedOrder = order;
    }
    return this.cachedOrder;
  }

  /** Sample indices of the batch that step `step` (0-based) trains on. */
  indices(step: number): Uint32Array {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    const k = step % this.batchesPerEpoch;
    return this.epochOrder(epoch).slice(k * this.batch, (k + 1) * this.batch);
  }
}

/** Supplies the raw images (float32 in [0,1], NCHW) of a step. */
export interface BatchSource {
  readonly batch: number;
  readonly imageShape: [number, number, number];
  imagesForStep(step: number): Float32Array | Promise<Float32Array>;
}

/** Batches of an in-memory uint8 dataset, optionally restricted to a subset of sample indices. */
export function datasetBatchSource(dataset: Dataset, batch: number, seed: number, subset?: ArrayLike<number>): BatchSource {
  const pool = subset ? Uint32Array.from(subset) : null;
  const sampler = new BatchSampler(pool ? pool.length : dataset.n, batch, seed);
  const size = dataset.channels * dataset.height * dataset.width;
  const out = new Float32Array(batch * size);
  return {
    batch,
    imageShape: [dataset.channels, dataset.height, dataset.width],
    imagesForStep(step) {
      const idx = sampler.indices(step);
      for (let b = 0; b < batch; b++) {
        const sample = pool ? pool[idx[b]] : idx[b];
        const src = dataset.images.subarray(sample * size, (sample + 1) * size);
        for (let i = 0; i < size; i++) out[b * size + i] = src[i] / 255;
      }
      return out.slice();
    },
  };
}
