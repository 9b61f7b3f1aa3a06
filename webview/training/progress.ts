// The live training view's arithmetic, without a DOM (unit-tested): overall progress across the stages,
// elapsed time and ETA, a loss axis that means something from the first point on, and a Slurm task's row.
import type { RunProgress } from '../../src/protocol/backend';
import { lossSeriesOf, type LossSeriesId } from '../../src/protocol/training';

type TaskEvent = Extract<RunProgress, { kind: 'task' }>;

/** Rough share of a run's time per stage: training dominates; scoring and the rest are short. */
const STAGE_WEIGHT: Record<string, number> = {
  split: 0.01,
  train_f: 0.42,
  train_g: 0.42,
  score_f: 0.06,
  score_g: 0.06,
  report: 0.03,
  // Whole-dataset runs (train#j, score#j per encoder): each encoder trains on half the images, scores all of them.
  design: 0.01,
  train: 0.42,
  score: 0.12,
};
/** A per-pair stage (train_f#1, with seedPairs > 1) weighs as its stage: each pair repeats the same work. */
const weightOf = (stage: string) => STAGE_WEIGHT[stage.replace(/#\d+$/, '')] ?? 0.05;

/** Fraction of the whole run done, given how far each stage is (0..1; missing = not started). */
export function overallFraction(stages: readonly string[], done: ReadonlyMap<string, number>): number {
  const total = stages.reduce((s, st) => s + weightOf(st), 0);
  if (total <= 0) return 0;
  const got = stages.reduce((s, st) => s + weightOf(st) * Math.min(1, Math.max(0, done.get(st) ?? 0)), 0);
  return got / total;
}

/**
 * Seconds left at the current pace, or undefined while too little is done to tell. `elapsedS` is measured
 * from the moment `fromFraction` of the run was done: a resumed run starts part-way, and the work done
 * before the cancel took none of this session's time (counting it would promise an end far too early).
 */
export function etaSeconds(elapsedS: number, fraction: number, fromFraction = 0): number | undefined {
  const gained = fraction - fromFraction;
  if (!(gained > 0.01) || fraction >= 1 || elapsedS < 2) return undefined;
  return (elapsedS * (1 - fraction)) / gained;
}

export interface LossSeries extends LossSeriesId {
  points: { x: number; y: number }[];
}

/**
 * The loss chart's curves: one per encoder the run trains (protocol/training.ts lossSeriesOf: f and g, each
 * pair's f and g, a whole run's encoder j), in the run's stage order, each starting with its stage's history
 * from before a resume (the run's train-loss.csv files). A history stage missing from `stages` keeps its curve.
 */
export function buildLossSeries(
  stages: readonly string[],
  history: readonly { stage: string; points: readonly [number, number][] }[] = [],
): LossSeries[] {
  const out: LossSeries[] = [];
  const byKey = new Map<string, LossSeries>();
  const curveOf = (stage: string) => {
    const id = lossSeriesOf(stage);
    if (!id) return undefined;
    let s = byKey.get(id.key);
    if (!s) {
      s = { ...id, points: [] };
      byKey.set(id.key, s);
      out.push(s);
    }
    return s;
  };
  for (const stage of stages) curveOf(stage);
  for (const h of history) {
    const s = curveOf(h.stage);
    if (s) for (const [x, y] of h.points) s.points.push({ x, y });
  }
  return out;
}

/** Theme colour (CSS variable name, fallback) and dash of a curve: f red, g blue, pairs after the first dashed;
 *  a whole run's encoders cycle through the chart palette, dashed after the first round. */
const PALETTE: [string, string][] = [
  ['charts-red', '#f14c4c'],
  ['charts-blue', '#3794ff'],
  ['charts-green', '#89d185'],
  ['charts-orange', '#d18616'],
  ['charts-purple', '#b180d7'],
  ['charts-yellow', '#cca700'],
];
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
export function lossSeriesStyle(s: LossSeriesId): { color: [string, string]; dash: number[] } {
  if (s.family === 'encoder')
    return { color: PALETTE[s.index % PALETTE.length], dash: DASHES[Math.floor(s.index / PALETTE.length) % DASHES.length] };
  return { color: PALETTE[s.family === 'f' ? 0 : 1], dash: DASHES[s.index % DASHES.length] };
}

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
}

/** The loss axis: with one point (or a flat start) chart.js would span ±6% of it (0.94–1.06), which reads
 *  as a wildly jumping loss later; give it room of half its size instead. Otherwise the data plus 5%. */
export function lossAxisRange(values: readonly number[]): { min: number; max: number } | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  const lo = Math.min(...finite),
    hi = Math.max(...finite);
  const span = hi - lo;
  if (span > Math.max(1e-6, 0.05 * Math.abs(hi))) return { min: lo - 0.05 * span, max: hi + 0.05 * span };
  const pad = Math.max(0.5 * Math.abs(hi), 0.1);
  return { min: lo - pad, max: hi + pad };
}

/** A training stage executed as a Slurm array task, as its row in the stage list shows it. */
export interface TaskRow {
  /** The row's class: pending | running | done | failed (a cancelled task is shown as failed, in words). */
  cls: 'pending' | 'running' | 'done' | 'failed';
  detail: string;
}

/** "running · job 12_0 · node1", as the Runs tree says it: the task's state, its job id (for squeue/sacct), its node. */
export function taskRow(t: Pick<TaskEvent, 'state' | 'job' | 'node'>): TaskRow {
  const detail = [t.state, `job ${t.job}`, t.node].filter(Boolean).join(' · ');
  const cls = t.state === 'cancelled' ? 'failed' : t.state;
  return { cls, detail };
}
