// What a user may say about the Slurm jobs of a run (CLI flags, the `sslmem.slurm.*` settings, the protocol):
// plain data with one check, so the backend refuses a bad value before anything is submitted.

// The options' shape lives with the manifest, which stores them (a plain resume submits with them again).
import type { SlurmOptions } from '../../runs/manifest';
export type { SlurmOptions };

export type ExecutorSetting = { kind: 'local' } | ({ kind: 'slurm' } & SlurmOptions);
export const EXECUTOR_KINDS = ['local', 'slurm'] as const;

const WORD = /^[A-Za-z0-9_.,:=+-]+$/; // partition, account and gres values: no spaces, quotes or newlines
const TIME = /^(\d+-)?(\d{1,2}:)?\d{1,2}:\d{2}$|^\d+$/;

/** The first thing wrong with these options, or null. */
export function slurmOptionsProblem(o: SlurmOptions): string | null {
  for (const key of ['partition', 'account', 'gres'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'string' || !WORD.test(v)))
      return `slurm ${key} must be a plain word (letters, digits, _.,:=+-), got ${JSON.stringify(v)}`;
  }
  if (o.time !== undefined && (typeof o.time !== 'string' || !TIME.test(o.time)))
    return `slurm time must look like HH:MM:SS, D-HH:MM:SS or minutes, got ${JSON.stringify(o.time)}`;
  if (o.cpusPerTask !== undefined && (!Number.isInteger(o.cpusPerTask) || o.cpusPerTask < 1 || o.cpusPerTask > 1024))
    return `slurm cpus per task must be an integer in [1, 1024], got ${o.cpusPerTask}`;
  if (o.template !== undefined && (typeof o.template !== 'string' || o.template.length === 0)) return 'slurm template must be a file path';
  return null;
}
