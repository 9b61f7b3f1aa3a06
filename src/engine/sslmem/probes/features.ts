// Frozen-encoder features for downstream evaluation (method spec §3, §5: a linear probe FREEZES the
// encoder). The encode graph runs in eval mode (BatchNorm on running statistics) on the plain images — no
// augmentation — with the checkpoint's weights embedded as constants, so nothing about the encoder can
// change while probing.
import * as ort from 'onnxruntime-node';
import type { Dataset } from '../../data/types';
import { sampleSize } from '../../data/types';
import type { Checkpoint } from '../../artifacts/checkpoint';
import { buildEncode } from '../../artifacts/encode';
import * as io from '../../artifacts/io-names';
import { openSession } from '../../runtime/session';
import type { ProviderSetting } from '../../runtime/providers';
import { buildProblem } from '../config';
import { type SslmemConfig } from '../config-types';
import { weightsOf } from '../train-encoder';

export interface Features {
  /** Row-major [n, dim]. */
  data: Float32Array;
  n: number;
  dim: number;
}

export interface EncodeFeaturesJob {
  config: SslmemConfig;
  checkpoint: Checkpoint;
  /** Each entry: a dataset and the sample indices to encode from it (one session serves them all). */
  sets: { dataset: Dataset; indices: ArrayLike<number> }[];
  provider?: ProviderSetting;
  threads?: number;
  signal?: AbortSignal;
}

export async function encodeFeatures(job: EncodeFeaturesJob): Promise<Features[]> {
  const problem = buildProblem(job.config);
  const [C, H, W] = problem.inputShape;
  const B = Math.max(1, Math.min(job.config.scoring.batch, Math.max(...job.sets.map((s) => s.indices.length))));
  const artifact = buildEncode(problem, { batch: B, weights: weightsOf(job.checkpoint) });
  const dim = artifact.outputs.find((o) => o.name === io.REPR)!.shape[1];
  const { session } = await openSession(artifact.onnx, [io.REPR], { provider: job.provider, threads: job.threads });
  try {
    const out: Features[] = [];
    for (const { dataset, indices } of job.sets) {
      if (dataset.channels !== C || dataset.height !== H || dataset.width !== W) {
        throw new Error(`dataset images are ${dataset.channels}×${dataset.height}×${dataset.width}, the encoder takes ${C}×${H}×${W}`);
      }
      const size = sampleSize(dataset);
      const n = indices.length;
      const data = new Float32Array(n * dim);
      const images = new Float32Array(B * size);
      for (let start = 0; start < n; start += B) {
        if (job.signal?.aborted) throw new DOMException('evaluation cancelled', 'AbortError');
        // The last batch is padded with copies of its first row; only the real rows are kept.
        const real = Math.min(B, n - start);
        for (let b = 0; b < B; b++) {
          const sample = indices[start + (b < real ? b : 0)];
          const src = dataset.images.subarray(sample * size, (sample + 1) * size);
          for (let i = 0; i < size; i++) images[b * size + i] = src[i] / 255;
        }
        const result = await session.run({ [io.IMAGES]: new ort.Tensor('float32', images, [B, C, H, W]) });
        data.set((result[io.REPR].data as Float32Array).subarray(0, real * dim), start * dim);
      }
      out.push({ data, n, dim });
    }
    return out;
  } finally {
    await session.release();
  }
}
