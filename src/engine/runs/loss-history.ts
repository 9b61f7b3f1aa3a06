// The training loss of one encoder, step by step, kept next to its checkpoint (<run>/f/train-loss.csv,
// <run>/g-1/train-loss.csv, …): the live view of a resumed run plots the curve from before the cancel (issue 17
// item 7) and the over-training analysis averages it between snapshots (issue 16). Lines `step,loss`. The
// trainer writes the whole file just BEFORE each checkpoint (sslmem/train-encoder.ts), and a resume reads it back
// only up to the checkpoint's step: a kill between the two leaves it ahead of the checkpoint, never behind.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import type { RunManifest } from './manifest';

export const LOSS_HISTORY_FILE = 'train-loss.csv';
const HEADER = 'step,loss';

export interface LossPoint {
  step: number;
  loss: number;
}

/** The points of a loss-history text, steps strictly increasing; damaged lines are skipped. */
export function parseLossHistory(text: string): LossPoint[] {
  const out: LossPoint[] = [];
  for (const line of text.split('\n')) {
    const [a, b] = line.split(',');
    const step = Number(a),
      loss = Number(b);
    if (!Number.isInteger(step) || step < 1 || b === undefined || b.trim() === '' || !Number.isFinite(loss)) continue;
    if (out.length && step <= out[out.length - 1].step) continue;
    out.push({ step, loss });
  }
  return out;
}

export async function readLossHistory(file: string): Promise<LossPoint[]> {
  try {
    return parseLossHistory(await fs.readFile(file, 'utf8'));
  } catch {
    return [];
  }
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
 * Writes the losses of steps 1..upTo: losses[s − 1] is the loss of step s (NaN: not recorded, left out).
 * The whole file each time, atomically: it is small (one line per step) and written once per checkpoint.
 */
export async function writeLossHistory(file: string, losses: Float32Array, upTo: number): Promise<void> {
  const lines = [HEADER];
  for (let s = 1; s <= Math.min(upTo, losses.length); s++) if (Number.isFinite(losses[s - 1])) lines.push(`${s},${losses[s - 1]}`);
  await writeFileAtomic(file, lines.join('\n') + '\n');
}

/** The history as an array of `total` steps (NaN where absent); steps after `upTo` are dropped (a resume). */
export async function readLossArray(file: string, total: number, upTo = total): Promise<Float32Array> {
  const out = new Float32Array(total).fill(NaN);
  for (const p of await readLossHistory(file)) if (p.step <= Math.min(total, upTo)) out[p.step - 1] = p.loss;
  return out;
}

/** Training stages: train_f, train_g (train_f#p, train_g#p with seed pairs), train#j of a whole-dataset run. */
const TRAINING_STAGE = /^train(_|#)/;

/**
 * The loss history of every training stage of a run that has one, in the run's stage order (for a resumed
 * run's live view). The encoder folder is the one the stage's checkpoint is recorded in.
 */
export async function readRunLossHistory(
  runDir: string,
  manifest: Pick<RunManifest, 'stageOrder' | 'stages'>,
): Promise<{ stage: string; points: LossPoint[] }[]> {
  const out: { stage: string; points: LossPoint[] }[] = [];
  for (const stage of manifest.stageOrder) {
    const checkpoint = manifest.stages[stage]?.checkpoint;
    if (!TRAINING_STAGE.test(stage) || !checkpoint) continue;
    const points = await readLossHistory(path.join(runDir, path.dirname(checkpoint), LOSS_HISTORY_FILE));
    if (points.length) out.push({ stage, points });
  }
  return out;
}
