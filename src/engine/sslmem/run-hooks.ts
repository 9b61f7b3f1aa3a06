// What a caller passes to, and hears from, a run of the method (trained: pipeline.ts, imported:
// imported/import-encoders.ts): its own file so both orchestrators share it without importing each other.
import { availableParallelism } from 'node:os';
import type { ProviderDecision, ProviderSetting } from '../runtime/providers';
import type { TaskState } from '../runs/manifest';
import type { SlurmOptions } from './cluster/slurm-options';

/** Training stages as Slurm array tasks, each running `command… stage <run> <stage>` (cluster/slurm-executor.ts). */
export interface SlurmExecutor {
  kind: 'slurm';
  options: SlurmOptions;
  command: readonly string[];
}

export interface RuntimeOptions {
  provider?: ProviderSetting;
  threads?: number;
  /** Where training stages execute: here (absent) or as cluster jobs. */
  executor?: SlurmExecutor;
  concurrentTraining?: ConcurrentTraining;
}

/**
 * Local executor: train up to `stages` encoders at the same time, each in a worker thread (`workerFile`: the
 * bundle's train-worker.js) with an equal share of the threads. Absent or 1: one after the other.
 */
export interface ConcurrentTraining {
  stages: number;
  workerFile: string;
}

/** What the user said on this resume: paths outside the run's workspace they confirm (manifest-paths.ts). */
export interface ResumeOptions {
  confirmed?: readonly string[];
  /** 'local': train here even when the run was created for Slurm (RuntimeOptions.executor absent). */
  executor?: 'local';
  /** What a Slurm task runs ([node, dist/cli.js]): lets a resume without an executor use the run's stored one. */
  taskCommand?: readonly string[];
}

export type PipelineEvent =
  | { kind: 'dataset'; n: number; skipped: number; cache: string }
  | { kind: 'stage'; stage: string; status: 'start' | 'done' | 'skip' }
  | { kind: 'train'; stage: string; step: number; total: number; loss: number; imagesPerSec: number }
  | { kind: 'score'; stage: string; done: number; total: number }
  /** The train step's execution provider: what runs, with how many threads, and why not the others. */
  | { kind: 'provider'; stage: string; decision: ProviderDecision }
  /** A training stage executed as a cluster job changed state (job: `<array>_<task>`; log: its absolute path). */
  | { kind: 'task'; stage: string; state: TaskState; job: string; node: string | null; log: string }
  /** What the cluster executor tells the user: where the run store is, what it submitted, that it cancels. */
  | { kind: 'executor'; message: string };

export interface PipelineHooks {
  signal?: AbortSignal;
  log?: (message: string) => void;
  onEvent?: (event: PipelineEvent) => void;
}

export interface RunOutcome {
  runDir: string;
  status: 'done' | 'cancelled';
  reportFile: string | null;
}

/**
 * Each concurrently training encoder's CPU threads: an equal share of `threads` (0 or absent: every core),
 * at least one. On the CPU provider a result does not depend on its thread count (ARCHITECTURE.md: why, and
 * the convolution shapes where onnxruntime's own threading still breaks that).
 */
export function threadsPerStage(threads: number | undefined, stages: number): number {
  const total = threads ? threads : availableParallelism();
  return Math.max(1, Math.floor(total / Math.max(1, stages)));
}
