// Trains one encoder (f or g) of a run on its subset, resumably: the checkpoint written every few steps
// holds parameters, optimizer state, buffers and the step index, and batches and augmentations are pure
// functions of (seed, step), so a resumed run continues exactly where the killed one stopped.
// Along with each checkpoint goes <dir>/train-loss.csv (the loss of every step so far); with `snapshots: N`
// in the config, weight copies at N evenly spaced steps go to <dir>/snapshots/ (snapshots.ts).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Dataset } from '../data/types';
import { Trainer, type Progress } from '../runtime/trainer';
import { datasetBatchSource } from '../runtime/batches';
import { readCheckpoint, type Checkpoint } from '../artifacts/checkpoint';
import { buildTrainStep } from '../artifacts/train-step';
import { buildEncode } from '../artifacts/encode';
import { writeArtifacts } from '../artifacts/manifest';
import type { ProviderDecision, ProviderSetting } from '../runtime/providers';
import { augmentationOf, buildProblem, scheduleFor } from './config';
import { type SslmemConfig } from './config-types';
import { snapshotFile, snapshotSteps } from './snapshots';
import { LOSS_HISTORY_FILE, readLossArray, writeLossHistory } from '../runs/loss-history';

export interface TrainEncoderJob {
  config: SslmemConfig;
  dataset: Dataset;
  /** Dataset indices this encoder trains on. */
  indices: Int32Array;
  seed: number;
  /** Folder for this encoder's artifacts (train_step.onnx, encode.onnx, checkpoint.bin, manifest.json). */
  dir: string;
  /** Resume from here when it exists. */
  checkpointPath: string;
  provider?: ProviderSetting;
  threads?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  onProgress?: (p: Progress & { total: number }) => void;
  /** Called once the step's session is open: which provider trains and why not the others. */
  onProvider?: (decision: ProviderDecision) => void;
  /** `auto`'s choice made beforehand (decideTrainProvider): open that provider, measure nothing. */
  decided?: ProviderDecision;
}

export interface TrainEncoderResult {
  checkpoint: Checkpoint;
  cancelled: boolean;
  provider: string;
  decision: ProviderDecision;
  steps: number;
  seconds: number;
}

export function stepsFor(config: SslmemConfig, trainingSize: number): number {
  return Math.max(1, Math.floor(trainingSize / config.batch)) * config.epochs;
}

export async function trainEncoder(job: TrainEncoderJob): Promise<TrainEncoderResult> {
  const { config } = job;
  const problem = buildProblem(config);
  const augment = augmentationOf(config);
  const total = stepsFor(config, job.indices.length);
  const artifact = buildTrainStep(problem, { batch: config.batch, optimizer: config.optimizer, augment });
  const trainer = await Trainer.create({
    problem,
    batch: config.batch,
    optimizer: config.optimizer,
    learningRate: scheduleFor(config, total),
    augment,
    provider: job.provider,
    threads: job.threads,
    log: job.log,
    artifact,
    decided: job.decided,
  });
  job.onProvider?.(trainer.decision);
  try {
    if (existsSync(job.checkpointPath)) {
      trainer.load(await readCheckpoint(job.checkpointPath));
      job.log?.(`resuming from step ${trainer.stepIndex} of ${total} (${job.checkpointPath})`);
    } else {
      trainer.init(job.seed);
    }
    const t0 = performance.now();
    // About 20 checkpoints per encoder: a kill loses at most 5% of the training.
    const checkpointEvery = Math.max(10, Math.round(total / 20));
    // The loss history is written just before each checkpoint and read back only up to the checkpoint's step:
    // a kill in between leaves extra steps in the file, which a resume drops (and retrains).
    const historyFile = path.join(job.dir, LOSS_HISTORY_FILE);
    const losses = await readLossArray(historyFile, total, trainer.stepIndex);
    const snapshots = new Set(snapshotSteps(total, config.snapshots ?? 0));
    const result = await trainer.train({
      steps: total,
      batchSource: datasetBatchSource(job.dataset, config.batch, job.seed, job.indices),
      signal: job.signal,
      checkpointEvery,
      checkpointPath: job.checkpointPath,
      beforeCheckpoint: (step) => writeLossHistory(historyFile, losses, step),
      snapshots: snapshots.size ? { steps: snapshots, path: (step) => snapshotFile(job.dir, step) } : undefined,
      onProgress: (p) => {
        // A NaN/Inf loss poisons every weight from this step on: stop now, before it is checkpointed.
        if (!Number.isFinite(p.loss))
          throw new Error(
            `training stopped: the loss became ${p.loss} at step ${p.step} of ${total} (try a lower learning rate; check the data and model options)`,
          );
        losses[p.step - 1] = p.loss;
        job.onProgress?.({ ...p, total });
      },
    });
    const checkpoint = await trainer.snapshot();
    if (!result.cancelled) {
      const encode = buildEncode(problem, { batch: config.scoring.batch });
      await writeArtifacts(job.dir, {
        trainStep: artifact,
        encode,
        batch: config.batch,
        seed: job.seed,
        problem: problem.describe,
        training: { optimizer: config.optimizer, learningRate: config.learningRate, epochs: config.epochs, augment, steps: total },
        checkpoint,
      });
    }
    return {
      checkpoint,
      cancelled: result.cancelled,
      provider: trainer.provider,
      decision: trainer.decision,
      steps: result.step,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await trainer.release();
  }
}

/**
 * `auto`'s choice for this recipe's train step with `threads` CPU threads, made once before several encoders
 * train at the same time (each in its own worker thread: measuring there would time the providers against
 * each other, and two WebGPU adapters opened at once by two threads crashed onnxruntime-node 1.30).
 * Cached per machine like any `auto` decision.
 */
export async function decideTrainProvider(
  config: SslmemConfig,
  threads: number,
  log?: (message: string) => void,
): Promise<ProviderDecision> {
  const problem = buildProblem(config);
  const augment = augmentationOf(config);
  const trainer = await Trainer.create({
    problem,
    batch: config.batch,
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    augment,
    provider: 'auto',
    threads,
    log,
  });
  const decision = trainer.decision;
  await trainer.release();
  return decision;
}

/** Parameters and buffers of a checkpoint by model name (strips the `param/` and `buffer/` input prefixes). */
export function weightsOf(ck: Checkpoint): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of ck.tensors) {
    const m = /^(param|buffer)\/(.+)$/.exec(name);
    if (m) out.set(m[2], t.data);
  }
  return out;
}
