// The on-disk run store: <storeDir>/<id>/ with manifest.json and the run's files. Ids sort by creation
// time (UTC, millisecond, then a random suffix against collisions). Every write is atomic. Updates within a
// process are serialised here; across processes (a run's stages executed as cluster jobs, beside the
// controller that follows them) each update re-reads the manifest under a lock file (file-lock.ts), so no
// process overwrites another's stage records with its older copy.
import { promises as fs } from 'node:fs';
import { join, normalize, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { withLock } from './file-lock';
import { isManifest, pendingStages, pipelineStages, type RunManifest, type StageRecord } from './manifest';

export const MANIFEST_FILE = 'manifest.json';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', ''); // 20261126T053012345Z
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export type RunInit = Pick<RunManifest, 'preset' | 'dataset' | 'config' | 'seeds' | 'versions' | 'executionProvider' | 'executor'> & {
  stageOrder?: string[];
};

export async function readManifest(runDir: string): Promise<RunManifest> {
  const file = join(runDir, MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(`${file} is not valid JSON (${err.message}); the run's record is damaged`);
    throw err;
  }
  if (!isManifest(json)) throw new Error(`${file} is not an SSLMem run manifest`);
  return json;
}

export class RunHandle {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private current: RunManifest,
  ) {}

  static async create(storeDir: string, init: RunInit, now = new Date()): Promise<RunHandle> {
    const id = newRunId(now);
    const dir = join(storeDir, id);
    await fs.mkdir(dir, { recursive: true });
    const stageOrder = init.stageOrder ?? pipelineStages(init.seeds.pairs.length || 1);
    const at = now.toISOString();
    const manifest: RunManifest = {
      format: 'sslmem-run',
      version: 1,
      id,
      createdAt: at,
      updatedAt: at,
      status: 'created',
      preset: init.preset,
      dataset: init.dataset,
      config: init.config,
      seeds: init.seeds,
      versions: init.versions,
      executionProvider: init.executionProvider,
      timings: {},
      stageOrder,
      stages: Object.fromEntries(stageOrder.map((s) => [s, { status: 'pending' } as StageRecord])),
      ...(init.executor ? { executor: init.executor } : {}),
    };
    // A run folder without its manifest (disk full, no permission) is litter no tool can open: remove it.
    try {
      await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    return new RunHandle(dir, manifest);
  }

  static async open(runDir: string): Promise<RunHandle> {
    return new RunHandle(runDir, await readManifest(runDir));
  }

  get manifest(): Readonly<RunManifest> {
    return this.current;
  }
  get id(): string {
    return this.current.id;
  }

  /** Absolute path of a file of this run; refuses paths that leave the run folder. */
  path(relative: string): string {
    const clean = normalize(relative);
    if (isAbsolute(clean) || clean.startsWith('..')) throw new Error(`run file path must stay inside the run: ${relative}`);
    return join(this.dir, clean);
  }

  /** Apply `change` to the manifest as it is on disk now and write it atomically; calls are serialised. */
  update(change: (m: RunManifest) => void): Promise<RunManifest> {
    return this.serialised(() =>
      withLock(join(this.dir, `${MANIFEST_FILE}.lock`), async () => {
        const copy: RunManifest = structuredClone(await this.onDisk());
        change(copy);
        copy.updatedAt = new Date().toISOString();
        await writeJsonAtomic(join(this.dir, MANIFEST_FILE), copy);
        this.current = copy;
        return copy;
      }),
    );
  }

  /** Catch up with what other processes recorded (stages run elsewhere). */
  reload(): Promise<RunManifest> {
    return this.serialised(async () => (this.current = await this.onDisk()));
  }

  /** The manifest on disk; this process's copy when the file cannot be read as one (it is rewritten whole). */
  private async onDisk(): Promise<RunManifest> {
    try {
      return await readManifest(this.dir);
    } catch {
      return this.current;
    }
  }

  private serialised<T>(body: () => Promise<T>): Promise<T> {
    const next = this.queue.then(body);
    this.queue = next.catch(() => undefined);
    return next;
  }

  pendingStages(): string[] {
    return pendingStages(this.current);
  }
  isDone(stage: string): boolean {
    return this.current.stages[stage]?.status === 'done';
  }
  checkpointOf(stage: string): string | null {
    const rel = this.current.stages[stage]?.checkpoint;
    return rel ? this.path(rel) : null;
  }

  async startStage(stage: string): Promise<RunManifest> {
    this.requireStage(stage);
    return this.update((m) => {
      m.status = 'running';
      m.owner = { pid: process.pid, host: hostname() };
      m.stages[stage] = { ...m.stages[stage], status: 'running', startedAt: new Date().toISOString(), error: undefined };
    });
  }

  /** Record progress and, optionally, the checkpoint to resume this stage from (relative to the run folder). */
  async progressStage(stage: string, progress: StageRecord['progress'], checkpoint?: string): Promise<RunManifest> {
    this.requireStage(stage);
    if (checkpoint) this.path(checkpoint);
    return this.update((m) => {
      m.stages[stage] = { ...m.stages[stage], progress, ...(checkpoint ? { checkpoint } : {}) };
    });
  }

  async finishStage(stage: string, extra: Pick<StageRecord, 'outputs' | 'checkpoint'> = {}): Promise<RunManifest> {
    this.requireStage(stage);
    return this.update((m) => {
      const record = m.stages[stage];
      const finishedAt = new Date();
      const seconds = record.startedAt ? (finishedAt.getTime() - Date.parse(record.startedAt)) / 1000 : undefined;
      m.stages[stage] = { ...record, ...extra, status: 'done', finishedAt: finishedAt.toISOString(), seconds };
      if (seconds !== undefined) m.timings[stage] = seconds;
      if (m.stageOrder.every((s) => m.stages[s].status === 'done')) m.status = 'done';
    });
  }

  /**
   * A run left 'running' by a process that is gone (killed, crashed): record it as 'interrupted' with its
   * running stages back to 'pending'. Refuses a run another live process is executing. Returns whether it changed.
   */
  async recoverIfStale(): Promise<boolean> {
    const m = this.current;
    if (m.status !== 'running') return false;
    if (!isStaleRunning(m))
      throw new Error(`run ${m.id} is being executed by process ${m.owner?.pid} on ${m.owner?.host}; wait for it or cancel it first`);
    await this.update((next) => {
      next.status = 'interrupted';
      for (const s of next.stageOrder) if (next.stages[s]?.status === 'running') next.stages[s] = { ...next.stages[s], status: 'pending' };
    });
    return true;
  }

  failStage(stage: string, error: unknown): Promise<RunManifest> {
    const message = error instanceof Error ? error.message : String(error);
    return this.update((m) => {
      m.stages[stage] = { ...m.stages[stage], status: 'failed', error: message };
      m.status = 'failed';
      m.error = `${stage}: ${message}`;
    });
  }

  writeFile(relative: string, data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(this.path(relative), data);
  }
  writeJson(relative: string, value: unknown): Promise<void> {
    return writeJsonAtomic(this.path(relative), value);
  }

  private requireStage(stage: string): void {
    if (!this.current.stages[stage]) throw new Error(`unknown stage "${stage}" (stages: ${this.current.stageOrder.join(', ')})`);
  }
}

/**
 * A manifest that says 'running' but whose process is gone. Without an owner (older manifests) or on another
 * host we cannot check, and call it stale: only an explicit resume or a listing asks.
 */
export function isStaleRunning(m: RunManifest): boolean {
  if (m.status !== 'running') return false;
  if (!m.owner || m.owner.host !== hostname()) return true;
  if (m.owner.pid === process.pid) return false;
  try {
    process.kill(m.owner.pid, 0); // signal 0: existence check only
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM'; // EPERM: alive, owned by another user
  }
}

export const createRun = RunHandle.create;
export const openRun = RunHandle.open;
