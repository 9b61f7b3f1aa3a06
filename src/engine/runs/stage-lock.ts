// One lock file per stage (<run>/locks/<stage>.lock): no stage of a run executes in two processes at once,
// whether they are a local resume and a cluster job, or two resubmissions of the same array task.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { tryLock, readHolder, type LockHolder } from './file-lock';

export const stageLockFile = (runDir: string, stage: string) => join(runDir, 'locks', `${stage}.lock`);

/** Claim a stage or fail naming the live process that runs it; returns the release. */
export async function claimStage(runDir: string, stage: string): Promise<() => Promise<void>> {
  const got = await tryLock(stageLockFile(runDir, stage));
  if ('release' in got) return got.release;
  const h = got.heldBy;
  throw new Error(
    `stage ${stage} is being executed by process ${h.pid} on ${h.host}${h.job ? ` (Slurm job ${h.job})` : ''} since ${h.since}; wait for it or cancel it first`,
  );
}

export const stageHolder = (runDir: string, stage: string): Promise<LockHolder | null> => readHolder(stageLockFile(runDir, stage));

/** Remove a stage's lock whose holder the caller knows has ended (e.g. a Slurm task that sacct says is over). */
export async function breakStageLock(runDir: string, stage: string): Promise<void> {
  await fs.rm(stageLockFile(runDir, stage), { force: true });
}
