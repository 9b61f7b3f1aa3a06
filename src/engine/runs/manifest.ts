// The run manifest (manifest.json): what a run is (config, dataset, seeds, versions, execution provider)
// and how far it got (status, per-stage records with checkpoint pointers, timings). Stages run in the order
// of `stageOrder`; a killed run resumes at the first stage that is not 'done', from that stage's checkpoint.

import type { ProviderDecision } from '../runtime/providers';

export type RunStatus = 'created' | 'running' | 'done' | 'failed' | 'interrupted';
export type StageStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StageRecord {
  status: StageStatus;
  startedAt?: string;
  finishedAt?: string;
  /** Wall seconds of the last completed attempt. */
  seconds?: number;
  /** Latest checkpoint of this stage, relative to the run folder (e.g. "f/step-000400.ckpt"). */
  checkpoint?: string;
  progress?: { done: number; total: number; unit?: string };
  /** Stage outputs worth recording, relative to the run folder (e.g. { encoder: "f/encoder.onnx" }). */
  outputs?: Record<string, string>;
  error?: string;
}

/** Where a task of a cluster executor stands (the controller's view, from the scheduler and the stage records). */
export type TaskState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
export interface ExecutorTask {
  taskId: number;
  state: TaskState;
  node?: string;
  /** The task's log, relative to the run folder. */ log?: string;
}
/** What a user said about a run's Slurm jobs (sbatch options; validated by sslmem/cluster/slurm-options.ts). */
export interface SlurmOptions {
  partition?: string;
  account?: string;
  /** Time limit per task, [D-]HH:MM:SS or MM:SS (sbatch --time). */
  time?: string;
  /** Generic resources per task, e.g. gpu:1 (sbatch --gres). */
  gres?: string;
  cpusPerTask?: number;
  /** A file whose `#SBATCH` lines are added to the script (site-specific: --qos, --mem, --constraint, …). */
  template?: string;
}
/**
 * A run whose training stages execute as one Slurm job array (sslmem/cluster/). Written when the run is created
 * (kind and options: a plain resume submits with them again), the job fields once an array is submitted.
 */
export interface ExecutorRecord {
  kind: 'slurm';
  /** The options the run was created (or last resumed) with; absent in records of earlier versions. */
  options?: SlurmOptions;
  jobId?: string;
  submittedAt?: string;
  /** The sbatch script, relative to the run folder. */
  script?: string;
  tasks: Record<string, ExecutorTask>;
  /** Earlier arrays of this run (a resume resubmits the unfinished stages as a new one). */
  previousJobIds?: string[];
}

export interface RunManifest {
  format: 'sslmem-run';
  version: 1;
  id: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  error?: string;
  /** The process executing the run while status is 'running' (lets a reader tell a killed run from a live one). */
  owner?: { pid: number; host: string };
  preset: string | null;
  /** path: the dataset folder or file as given (the UI's run list shows it); relative: the same path relative to
   *  the workspace holding the run store, when inside it (runs/dataset-path.ts: a moved project finds it there). */
  dataset: { path: string; relative?: string; kind?: string; fingerprint: string | null; n?: number; skipped?: number };
  /** The full resolved configuration (owned by the trainer; stored as given). */
  config: Record<string, unknown>;
  seeds: { split: number; pairs: { f: number; g: number }[]; [key: string]: unknown };
  versions: Record<string, string>;
  /** The setting ('auto', …) until a training stage ran, then the provider that trained. */
  executionProvider: string | null;
  /** The last training stage's provider decision: threads, measured ms/step, why not the others. */
  providerDecision?: ProviderDecision | null;
  subsetSizes?: { S_S: number; S_C: number; S_I: number; S_E: number };
  /** Seconds per stage (and anything else worth timing, e.g. "decode"). */
  timings: Record<string, number>;
  stageOrder: string[];
  stages: Record<string, StageRecord>;
  /** Set when training stages ran as cluster jobs. */
  executor?: ExecutorRecord;
}

/** Training stages (train_f, train_g#1, train#3, …) are independent of each other: one cluster job each. */
export const isTrainingStage = (stage: string): boolean => stage.startsWith('train');

/** How many training stages of a local run were running at the midpoint of `stage`'s last attempt, itself
 *  included (1 when it trained alone or the times are missing). A run trained with `--concurrent k` records
 *  side-by-side seconds: one encoder's share of the machine is its seconds divided by this. Cluster runs: 1,
 *  every task had a node of its own. */
export function trainingsSideBySide(m: Pick<RunManifest, 'stages' | 'executor'>, stage: string): number {
  const interval = (name: string): [number, number] | null => {
    const r = m.stages[name];
    const start = Date.parse(r?.startedAt ?? '');
    const end = Date.parse(r?.finishedAt ?? '');
    return Number.isFinite(start) && Number.isFinite(end) && end >= start ? [start, end] : null;
  };
  const own = interval(stage);
  if (m.executor || !own) return 1;
  const mid = (own[0] + own[1]) / 2;
  const running = Object.keys(m.stages).filter((name) => {
    const other = isTrainingStage(name) ? interval(name) : null;
    return other !== null && other[0] <= mid && mid <= other[1];
  });
  return Math.max(1, running.length);
}

/** The pipeline's stages; with several (f, g) seed pairs the per-pair stages carry a "#<pair>" suffix. */
export function pipelineStages(seedPairs = 1): string[] {
  if (seedPairs === 1) return ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report'];
  const perPair = (name: string) => Array.from({ length: seedPairs }, (_, p) => `${name}#${p}`);
  return ['split', ...perPair('train_f'), ...perPair('train_g'), ...perPair('score_f'), ...perPair('score_g'), 'report'];
}

/**
 * The stages of a whole-dataset run (sslmem/whole/): the design, then each of the m encoders trained, then
 * each scored on every image, then the report. Training all before scoring any keeps one ORT training
 * session alive at a time and lets a resumed run skip straight to the encoders still to train.
 */
export function wholeStages(encoders: number): string[] {
  const each = (name: string) => Array.from({ length: encoders }, (_, j) => `${name}#${j}`);
  return ['design', ...each('train'), ...each('score'), 'report'];
}

/** The stages of a run that scores imported encoders (sslmem/imported/): no training. */
export const IMPORTED_STAGES = ['split', 'score_f', 'score_g', 'report'];

/** Stages still to run, in order (running/failed/pending ones: a 'running' stage was cut off). */
export function pendingStages(manifest: RunManifest): string[] {
  return manifest.stageOrder.filter((s) => manifest.stages[s]?.status !== 'done');
}

export function isManifest(value: unknown): value is RunManifest {
  const m = value as RunManifest;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.format === 'sslmem-run' &&
    typeof m.id === 'string' &&
    Array.isArray(m.stageOrder) &&
    typeof m.stages === 'object' &&
    m.stages !== null
  );
}
