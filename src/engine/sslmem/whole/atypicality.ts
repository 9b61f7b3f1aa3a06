// Atypicality of every image of a whole-dataset run (issue 15 item 4, "validation you can see"): the mean
// distance to its k = 10 nearest other images in the L2-normalised representation of the un-augmented image,
// averaged over the run's m encoders (each saw half of the images, so no single encoder's training set decides
// what is typical). The report stage correlates it with the score (Spearman, scored images only): the paper
// finds that memorised images are atypical ones. Computed from the checkpoints and the dataset alone, so a
// redone report stage gives the same values; it reads no score and changes none.
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Dataset } from '../../data/types';
import { readCheckpoint } from '../../artifacts/checkpoint';
import { buildEncode } from '../../artifacts/encode';
import * as io from '../../artifacts/io-names';
import { openSession } from '../../runtime/session';
import type { ProviderSetting } from '../../runtime/providers';
import { buildProblem } from '../config';
import type { SslmemConfig } from '../config-types';
import { weightsOf } from '../train-encoder';
import { knnDistance, spearman } from './atypicality-math';
import type { AtypicalitySummary } from './whole-report-types';

export const ATYPICALITY_K = 10;
/** Above this many images the exact all-pairs kNN (n² · dim in plain JS) would dominate the report stage: skipped.
 *  Measured on the loaded 2-core development machine: 2000 rows × 512 dims in 1.4 s (× 128 dims: 0.4 s), so at
 *  20 000 images about 2.3 min per encoder — small beside training m encoders on that many images. */
export const ATYPICALITY_MAX_IMAGES = 20000;
const BATCH = 100;

export interface RepresentationJob {
  config: SslmemConfig;
  dataset: Dataset;
  checkpointFile: string;
  provider?: ProviderSetting;
  threads?: number;
}

/** The encoder's representation of every un-augmented image, row-major n × dim. */
export async function representations(job: RepresentationJob): Promise<{ repr: Float32Array; dim: number }> {
  const { dataset } = job;
  const artifact = buildEncode(buildProblem(job.config), { batch: BATCH, weights: weightsOf(await readCheckpoint(job.checkpointFile)) });
  const { session } = await openSession(artifact.onnx, [io.REPR], { provider: job.provider, threads: job.threads });
  const dim = artifact.outputs
    .find((o) => o.name === io.REPR)!
    .shape.slice(1)
    .reduce((a, b) => a * b, 1);
  const size = dataset.channels * dataset.height * dataset.width;
  const repr = new Float32Array(dataset.n * dim);
  try {
    for (let start = 0; start < dataset.n; start += BATCH) {
      const images = new Float32Array(BATCH * size); // the last batch is zero-padded; its extra rows are dropped
      const real = Math.min(BATCH, dataset.n - start);
      for (let i = 0; i < real * size; i++) images[i] = dataset.images[start * size + i] / 255;
      const out = await session.run({
        [io.IMAGES]: new ort.Tensor('float32', images, [BATCH, dataset.channels, dataset.height, dataset.width]),
      });
      repr.set((out[io.REPR].data as Float32Array).subarray(0, real * dim), start * dim);
    }
  } finally {
    await session.release();
  }
  return { repr, dim };
}

/** Atypicality of every dataset image (index order), averaged over the encoders e0 … e{m-1} of `runDir`. */
export async function wholeAtypicality(
  runDir: string,
  m: number,
  job: Omit<RepresentationJob, 'checkpointFile'>,
  k = ATYPICALITY_K,
): Promise<Float64Array> {
  const n = job.dataset.n;
  const mean = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    const { repr, dim } = await representations({ ...job, checkpointFile: path.join(runDir, `e${j}`, 'checkpoint.bin') });
    knnDistance(repr, n, dim, k, true).forEach((d, i) => {
      mean[i] += d / m;
    });
  }
  return mean;
}

/** The report.json block: ρ of score with atypicality over `rows` (the scored images' dataset indices). */
export function atypicalitySummary(
  score: ArrayLike<number>,
  atypicality: ArrayLike<number>,
  rows: ArrayLike<number>,
  k = ATYPICALITY_K,
): AtypicalitySummary {
  const idx = Array.from(rows).filter((i) => Number.isFinite(score[i]) && Number.isFinite(atypicality[i]));
  const r = spearman(
    idx.map((i) => score[i]),
    idx.map((i) => atypicality[i]),
  );
  return { k, space: 'representation', rho: r.rho, p: r.p, n: r.n };
}
