// Alignment losses L(h, x) of one encoder over the scored points (method spec §1): K pairs of two
// independent augmented views per point, made in-graph by the same augmentation as training. The views of a
// point are keyed by (scoring seed, pair k, view v, dataset index), so f and g see exactly the same views and
// the score difference is not blurred by augmentation noise between the two encoders.

import type { Dataset } from '../data/types';
import { sampleSize } from '../data/types';
import type { Checkpoint } from '../artifacts/checkpoint';
import { buildEncode } from '../artifacts/encode';
import * as io from '../artifacts/io-names';
import { PARAM_COUNT, sampleAugParams } from '../augment/sample';
import { openSession, type ProviderSetting } from '../runtime/session';
import * as ort from 'onnxruntime-node';
import { AlignmentAccumulator } from './scores';
import type { LossArrays } from './losses-file';
import { augmentationOf, buildProblem, type SslmemConfig } from './config';
import { weightsOf } from './train-encoder';

export interface ScoreEncoderJob {
  config: SslmemConfig;
  dataset: Dataset;
  /** Dataset indices to score; the result is aligned with this order. */
  rows: Int32Array;
  checkpoint: Checkpoint;
  seed: number;
  provider?: ProviderSetting;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function scoreEncoder(job: ScoreEncoderJob): Promise<LossArrays> {
  const { config, dataset, rows } = job;
  const problem = buildProblem(config);
  const augment = augmentationOf(config);
  const B = Math.min(config.scoring.batch, rows.length);
  const K = config.scoring.pairs;
  // Weights are embedded so ORT can constant-fold (e.g. BatchNorm into the convolutions) for this checkpoint.
  const artifact = buildEncode(problem, { batch: B, augment, views: 2, weights: weightsOf(job.checkpoint) });
  const { session } = await openSession(artifact.onnx, [io.REPR], { provider: job.provider, threads: job.threads });
  const size = sampleSize(dataset);
  const dim = artifact.outputs.find((o) => o.name === io.REPR)!.shape[2];
  const acc = new AlignmentAccumulator(rows.length, { normalise: config.scoring.normalise });
  const images = new Float32Array(B * size);
  const keys = new Int32Array(B);
  const rowIds = new Int32Array(B);
  const batches = Math.ceil(rows.length / B);
  try {
    for (let k = 0; k < K; k++) {
      for (let bi = 0; bi < batches; bi++) {
        if (job.signal?.aborted) throw new DOMException('scoring cancelled', 'AbortError');
        // The last batch is padded with earlier rows; only the real rows are accumulated.
        const start = bi * B;
        const real = Math.min(B, rows.length - start);
        for (let b = 0; b < B; b++) {
          const r = b < real ? start + b : b - real;
          rowIds[b] = r;
          keys[b] = rows[r];
          const src = dataset.images.subarray(rows[r] * size, (rows[r] + 1) * size);
          for (let i = 0; i < size; i++) images[b * size + i] = src[i] / 255;
        }
        const aug = new Float32Array(2 * B * PARAM_COUNT);
        aug.set(sampleAugParams(augment, job.seed, k, 0, B, keys), 0);
        aug.set(sampleAugParams(augment, job.seed, k, 1, B, keys), B * PARAM_COUNT);
        const out = await session.run({
          [io.IMAGES]: new ort.Tensor('float32', images, [B, dataset.channels, dataset.height, dataset.width]),
          [io.AUG]: new ort.Tensor('float32', aug, [2, B, PARAM_COUNT]),
        });
        const repr = out[io.REPR].data as Float32Array; // [2, B, D]
        acc.add(rowIds.subarray(0, real), repr.subarray(0, real * dim), repr.subarray(B * dim, B * dim + real * dim), dim);
        job.onProgress?.(k * batches + bi + 1, K * batches);
      }
    }
  } finally {
    await session.release();
  }
  const r = acc.result();
  return { mean: r.mean, stderr: r.stderr, count: r.count };
}
