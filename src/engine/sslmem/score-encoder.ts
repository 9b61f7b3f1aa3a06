// Alignment losses L(h, x) of one trained encoder over the scored points (method spec §1): K pairs of two
// independent augmented views per point (view-batches.ts), made in-graph by the same augmentation as training.

import type { Dataset } from '../data/types';
import type { Checkpoint } from '../artifacts/checkpoint';
import { buildEncode } from '../artifacts/encode';
import * as io from '../artifacts/io-names';
import { PARAM_COUNT } from '../augment/sample';
import { openSession } from '../runtime/session';
import type { ProviderSetting } from '../runtime/providers';
import * as ort from 'onnxruntime-node';
import { AlignmentAccumulator } from './scores';
import type { LossArrays } from './losses-file';
import { augmentationOf, buildProblem } from './config';
import { type SslmemConfig } from './config-types';
import { weightsOf } from './train-encoder';
import { forEachViewBatch } from './view-batches';

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
  const dim = artifact.outputs.find((o) => o.name === io.REPR)!.shape[2];
  const acc = new AlignmentAccumulator(rows.length, { normalise: config.scoring.normalise });
  try {
    await forEachViewBatch(dataset, rows, { batch: B, pairs: K, augment, seed: job.seed, signal: job.signal }, async (b) => {
      const out = await session.run({
        [io.IMAGES]: new ort.Tensor('float32', b.images, [B, dataset.channels, dataset.height, dataset.width]),
        [io.AUG]: new ort.Tensor('float32', b.aug, [2, B, PARAM_COUNT]),
      });
      const repr = out[io.REPR].data as Float32Array; // [2, B, D]
      acc.add(b.rowIds.subarray(0, b.real), repr.subarray(0, b.real * dim), repr.subarray(B * dim, B * dim + b.real * dim), dim);
      job.onProgress?.(b.done, b.total);
    });
  } finally {
    await session.release();
  }
  const r = acc.result();
  return { mean: r.mean, stderr: r.stderr, count: r.count };
}
