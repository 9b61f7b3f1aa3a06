// Snapshots for the over-training analysis (issue 16 item 3, the SSLMem paper's Fig. 2b): with
// `snapshots: N` in the config, f's and g's training save a copy of their weights at N evenly spaced steps
// (the same steps for f and g: they share the schedule) as <encoder>/snapshots/step-000400.bin, and the
// per-step training loss as <encoder>/train-loss.csv (runs/loss-history.ts). Snapshots hold parameters and buffers only (no
// optimizer state: nothing resumes from them, and Adam's moments would triple their size).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const SNAPSHOT_DIR = 'snapshots';

/** N evenly spaced steps in 1..total, the last one `total` itself (duplicates dropped when N > total). */
export function snapshotSteps(total: number, n: number): number[] {
  if (!(n > 0) || !(total > 0)) return [];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.max(1, Math.round(((i + 1) * total) / n))))];
}

export const snapshotFile = (encoderDir: string, step: number) =>
  path.join(encoderDir, SNAPSHOT_DIR, `step-${String(step).padStart(6, '0')}.bin`);

/** Steps that have a snapshot file in an encoder folder, ascending ([] when there is no snapshot folder). */
export async function listSnapshots(encoderDir: string): Promise<number[]> {
  const names = await fs.readdir(path.join(encoderDir, SNAPSHOT_DIR)).catch(() => [] as string[]);
  return names
    .map((n) => /^step-(\d{6,})\.bin$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
