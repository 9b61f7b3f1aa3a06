// The training loss of one encoder, step by step, kept next to its checkpoint (<run>/f/loss-history.csv,
// <run>/g-1/loss-history.csv, …) so that the live view of a resumed run can plot the curve from before the
// cancel (issue 17 item 7). Lines `step,loss`. The file follows the checkpoint: opening it to resume from step
// s drops the lines after s (steps a killed process logged past its last checkpoint are trained again).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import type { RunManifest } from './manifest';

export const LOSS_HISTORY_FILE = 'loss-history.csv';
const HEADER = 'step,loss';

export interface LossPoint { step: number; loss: number }

/** The points of a loss-history text, steps strictly increasing; damaged lines are skipped. */
export function parseLossHistory(text: string): LossPoint[] {
  const out: LossPoint[] = [];
  for (const line of text.split('\n')) {
    const [a, b] = line.split(',');
    const step = Number(a), loss = Number(b);
    if (!Number.isInteger(step) || step < 1 || b === undefined || b.trim() === '' || !Number.isFinite(loss)) continue;
    if (out.length && step <= out[out.length - 1].step) continue;
    out.push({ step, loss });
  }
  return out;
}

export async function readLossHistory(file: string): Promise<LossPoint[]> {
  try { return parseLossHistory(await fs.readFile(file, 'utf8')); } catch { return []; }
}

/** At most `max` points, evenly spaced, the last one kept: a chart needs no more than its width. */
export function thinLossHistory(points: readonly LossPoint[], max: number): LossPoint[] {
  if (points.length <= max) return [...points];
  const stride = points.length / max;
  const out = Array.from({ length: max - 1 }, (_, i) => points[Math.floor(i * stride)]);
  out.push(points[points.length - 1]);
  return out;
}

/**
 * Appends one encoder's losses as it trains. Lines are buffered and written by flush() (the trainer calls it
 * as it checkpoints, and at the end), so a fast training loop does not wait on the disk every step.
 */
export class LossHistoryWriter {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** Opens the history of a training that continues after step `fromStep` (0: a new training, an empty file). */
  static async open(file: string, fromStep: number): Promise<LossHistoryWriter> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const kept = fromStep > 0 ? (await readLossHistory(file)).filter((p) => p.step <= fromStep) : [];
    await writeFileAtomic(file, [HEADER, ...kept.map((p) => `${p.step},${p.loss}`)].join('\n') + '\n');
    return new LossHistoryWriter(file);
  }

  add(step: number, loss: number): void { this.pending.push(`${step},${loss}\n`); }

  /** Writes what was added so far; flushes run one after another. */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const text = this.pending.join('');
    this.pending = [];
    this.writing = this.writing.then(() => fs.appendFile(this.file, text));
    return this.writing;
  }
}

/**
 * The loss history of every training stage of a run that has one, in the run's stage order (for a resumed
 * run's live view). The encoder folder is the one the stage's checkpoint is recorded in.
 */
export async function readRunLossHistory(runDir: string, manifest: Pick<RunManifest, 'stageOrder' | 'stages'>): Promise<{ stage: string; points: LossPoint[] }[]> {
  const out: { stage: string; points: LossPoint[] }[] = [];
  for (const stage of manifest.stageOrder) {
    const checkpoint = manifest.stages[stage]?.checkpoint;
    if (!stage.startsWith('train_') || !checkpoint) continue;
    const points = await readLossHistory(path.join(runDir, path.dirname(checkpoint), LOSS_HISTORY_FILE));
    if (points.length) out.push({ stage, points });
  }
  return out;
}
