// Lock files shared by processes that write one run: the stages of a run executed as cluster jobs, the
// controller following them, and the manifest they all update. A lock is a file created with O_EXCL (atomic
// on local filesystems and on NFSv3+), holding who took it; it is removed by its holder. A holder on this host
// whose process is gone left a stale lock, which the next taker removes. A holder on another host cannot be
// checked here: only a caller who knows it ended (the Slurm controller asks sacct) breaks its lock.
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** Slurm job (array task) id, when in one. */ job?: string;
}

export function currentHolder(): LockHolder {
  const job =
    process.env.SLURM_ARRAY_JOB_ID && process.env.SLURM_ARRAY_TASK_ID
      ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID}`
      : process.env.SLURM_JOB_ID;
  return { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(job ? { job } : {}) };
}

export async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const h = JSON.parse(await fs.readFile(file, 'utf8')) as LockHolder;
    return typeof h?.pid === 'number' && typeof h.host === 'string' ? h : { pid: -1, host: '?', since: '' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { pid: -1, host: '?', since: '' }; // half-written or damaged: held by someone we cannot name
  }
}

/** The holder's process is known to be gone: same host, no such pid. */
export function holderGone(h: LockHolder): boolean {
  if (h.host !== hostname() || h.pid <= 0) return false;
  if (h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Take the lock, or return the live holder that has it. A stale holder's lock is removed first. */
export async function tryLock(
  file: string,
  holder: LockHolder = currentHolder(),
): Promise<{ release: () => Promise<void> } | { heldBy: LockHolder }> {
  await fs.mkdir(dirname(file), { recursive: true });
  const text = JSON.stringify(holder);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return { release: () => releaseIfOurs(file, text) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = await readHolder(file);
    if (current === null) continue; // released between our open and our read
    if (attempt > 0 || !holderGone(current)) return { heldBy: current };
    await fs.rm(file, { force: true });
  }
}

async function releaseIfOurs(file: string, text: string): Promise<void> {
  const now = await fs.readFile(file, 'utf8').catch(() => null);
  if (now === text) await fs.rm(file, { force: true });
}

/**
 * Run `body` holding a short-lived lock (e.g. one manifest read-modify-write), waiting for other holders.
 * A lock older than `staleMs` is taken to be left by a holder on another host that died mid-write.
 */
export async function withLock<T>(file: string, body: () => Promise<T>, staleMs = 30_000, waitMs = 60_000): Promise<T> {
  const start = Date.now();
  for (let delay = 2; ; delay = Math.min(50, delay * 2)) {
    const got = await tryLock(file);
    if ('release' in got) {
      try {
        return await body();
      } finally {
        await got.release();
      }
    }
    const age = Date.now() - (Date.parse(got.heldBy.since) || start);
    if (age > staleMs) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() - start > waitMs)
      throw new Error(`${file} is locked by process ${got.heldBy.pid} on ${got.heldBy.host} since ${got.heldBy.since}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
