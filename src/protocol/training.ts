// Messages between the host and the live training view (a webview fed by the backend's progress events).
// No Node or `vscode` imports: shared by both bundles.
import type { RunProgress } from './backend';
import { isObject } from './guards';

/** One training stage's loss curve from before a cancel (the run's train-loss.csv): [step, loss] pairs. */
export interface StageHistory {
  stage: string;
  points: [number, number][];
}

export type HostToTraining =
  /** `history`: a resumed run's losses so far, plotted before the new ones arrive. `elapsedS`: how long the run
   *  has been going when the host posts this (the page's "elapsed" counts on from it; ui/trainingClock.ts). */
  | { type: 'start'; title: string; preset: string; dataset: string; stages: string[]; history?: StageHistory[]; elapsedS?: number }
  | { type: 'progress'; event: RunProgress }
  /** `resumable`: a cancelled run whose folder is known; the view offers to resume it. */
  | { type: 'finished'; status: 'done' | 'cancelled' | 'failed'; message: string; resumable?: boolean };

export type TrainingToHost = { type: 'ready' } | { type: 'cancel' } | { type: 'openScores' } | { type: 'resume' };

export function isTrainingToHost(x: unknown): x is TrainingToHost {
  return (
    isObject(x) &&
    (x.type === 'ready' || x.type === 'cancel' || x.type === 'openScores' || x.type === 'resume') &&
    Object.keys(x).length === 1
  );
}

/** Which curve of the loss chart an encoder's training draws on: one per encoder the run trains. */
export interface LossSeriesId {
  /** f, g (one pair); f#p, g#p (seed pair p); e#j (encoder j of a whole-dataset run). */
  key: string;
  label: string;
  family: 'f' | 'g' | 'encoder';
  /** The pair (f, g) or the encoder number (whole runs); 0 for a one-pair run's f and g. */
  index: number;
}

const TRAIN_STAGE = /^train(?:_(f|g))?(?:#(\d{1,2}))?$/;

/**
 * The curve of a training stage (runs/manifest.ts names them: train_f, train_g; train_f#p, train_g#p with seed
 * pairs; train#j in a whole-dataset run), or null for any other stage name.
 */
export function lossSeriesOf(stage: string): LossSeriesId | null {
  const m = TRAIN_STAGE.exec(stage);
  if (!m) return null;
  const [, fg, n] = m;
  if (fg !== 'f' && fg !== 'g')
    return n === undefined ? null : { key: `e#${n}`, label: `encoder ${n}`, family: 'encoder', index: Number(n) };
  const trains = `trains on ${fg === 'f' ? 'S_S ∪ S_C' : 'S_S ∪ S_I'}`;
  return n === undefined
    ? { key: fg, label: `${fg} (${trains})`, family: fg, index: 0 }
    : { key: `${fg}#${n}`, label: `${fg}, pair ${n} (${trains})`, family: fg, index: Number(n) };
}

const isHistory = (x: unknown): x is StageHistory[] =>
  Array.isArray(x) &&
  x.every(
    (h) =>
      isObject(h) &&
      typeof h.stage === 'string' &&
      lossSeriesOf(h.stage) !== null &&
      Array.isArray(h.points) &&
      h.points.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number')),
  );

export function isHostToTraining(x: unknown): x is HostToTraining {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'start':
      return (
        typeof x.title === 'string' &&
        Array.isArray(x.stages) &&
        (x.history === undefined || isHistory(x.history)) &&
        (x.elapsedS === undefined || (typeof x.elapsedS === 'number' && Number.isFinite(x.elapsedS) && x.elapsedS >= 0))
      );
    case 'progress':
      return isTrainingEvent(x.event);
    case 'finished':
      return typeof x.status === 'string' && typeof x.message === 'string';
    default:
      return false;
  }
}

const TASK_STATES: readonly unknown[] = ['pending', 'running', 'done', 'failed', 'cancelled'];

/**
 * A progress event the view can show. The Slurm executor's events carry text the page puts in its stage rows
 * (job, node, log, notices), and a training step names the curve it draws on: each field is checked; other
 * kinds only need their name (the view reads the numbers it draws defensively).
 */
export function isTrainingEvent(e: unknown): e is RunProgress {
  if (!isObject(e) || typeof e.kind !== 'string') return false;
  if (e.kind === 'train')
    return (
      typeof e.stage === 'string' &&
      lossSeriesOf(e.stage) !== null &&
      Number.isInteger(e.step) &&
      Number.isInteger(e.total) &&
      // A diverged step's NaN loss arrives as null (JSON): the step still counts, the curve skips it.
      (typeof e.loss === 'number' || e.loss === null) &&
      typeof e.imagesPerSec === 'number'
    );
  if (e.kind === 'task')
    return (
      typeof e.stage === 'string' &&
      TASK_STATES.includes(e.state) &&
      typeof e.job === 'string' &&
      (e.node === null || typeof e.node === 'string') &&
      typeof e.log === 'string'
    );
  if (e.kind === 'executor') return typeof e.message === 'string';
  return true;
}
