// trainEncoder in a worker thread, so that two encoders of a run can train at the same time: onnxruntime-node's
// session.run holds the JavaScript thread for the whole step, so two trainers in one thread only take turns.
// Each worker gets its own onnxruntime session with its share of the CPU threads; on the CPU provider an
// encoder's result does not depend on the thread count (ARCHITECTURE.md), so training two at once with
// one thread each gives the same checkpoints as training them one after the other. The worker is the bundle's
// train-worker.js (train-worker-main.ts), a path the caller passes in: the engine knows no bundle layout.
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../data/types';
import { ProviderUnavailableError, type Provider, type ProviderDecision } from '../runtime/providers';
import type { TrainEncoderJob, TrainEncoderResult } from './train-encoder';

/** What a worker's training reports back: the result without the checkpoint (it is on disk). */
export type TrainEncoderSummary = Omit<TrainEncoderResult, 'checkpoint'>;
/** The job as it crosses to the worker: plain data (no callbacks, no signal), the dataset cut to the encoder's images. */
export type WorkerJob = Omit<TrainEncoderJob, 'signal' | 'log' | 'onProgress' | 'onProvider'>;

export type FromWorker =
  | { kind: 'log'; message: string }
  | { kind: 'provider'; decision: ProviderDecision }
  | { kind: 'progress'; progress: Parameters<NonNullable<TrainEncoderJob['onProgress']>>[0] }
  | { kind: 'done'; result: TrainEncoderSummary }
  | { kind: 'error'; name: string; message: string; provider?: Provider; reason?: string };
export type ToWorker = { kind: 'abort' };

/**
 * The encoder's own images only, in training order: sample k of the copy is sample indices[k] of the dataset,
 * and the batch sampler draws positions in the subset, so the batches are the same images as with the whole
 * dataset (batches.ts) — without sending a large dataset to every worker.
 */
export function datasetSubset(dataset: Dataset, indices: Int32Array): { dataset: Dataset; indices: Int32Array } {
  const size = dataset.channels * dataset.height * dataset.width;
  const images = new Uint8Array(indices.length * size);
  indices.forEach((i, k) => images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size));
  const pick = <T>(xs: ArrayLike<T>) => Array.from(indices, (i) => xs[i]);
  return {
    dataset: {
      ...dataset,
      images,
      n: indices.length,
      labels: dataset.labels ? Int32Array.from(pick(dataset.labels)) : null,
      paths: pick(dataset.paths),
      skipped: [],
    },
    indices: Int32Array.from(indices, (_, k) => k),
  };
}

export function trainEncoderInWorker(workerFile: string, job: TrainEncoderJob): Promise<TrainEncoderSummary> {
  const { signal, log, onProgress, onProvider, ...rest } = job;
  const data: WorkerJob = { ...rest, ...datasetSubset(job.dataset, job.indices) };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: data });
    let settled = false;
    const abort = () => worker.postMessage({ kind: 'abort' } satisfies ToWorker);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort);
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      fn();
    };
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'log') log?.(m.message);
      else if (m.kind === 'provider') onProvider?.(m.decision);
      else if (m.kind === 'progress') {
        try {
          onProgress?.(m.progress);
        } catch (e) {
          abort(); // the caller refused the step (onProgress threw): stop the worker, report the caller's error
          settle(() => reject(e));
        }
      } else if (m.kind === 'done') settle(() => resolve(m.result));
      else settle(() => reject(workerError(m)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the training worker stopped (exit code ${code}) before it reported a result`))),
    );
  });
}

/** The worker's error as the same kind of error in this thread (the backend maps ProviderUnavailableError to a code). */
function workerError(m: Extract<FromWorker, { kind: 'error' }>): Error {
  if (m.name === 'ProviderUnavailableError' && m.provider && m.reason !== undefined)
    return new ProviderUnavailableError(m.provider, m.reason);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}
