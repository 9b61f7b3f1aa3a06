// Summaries of the runs in a store, newest first, for the UI's Runs tree. A folder whose manifest is
// missing or damaged is listed as 'unreadable' with the reason rather than hidden.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isStaleRunning, readManifest } from './store';
import type { RunManifest, RunStatus } from './manifest';

export interface RunSummary {
  id: string;
  dir: string;
  status: RunStatus | 'unreadable';
  createdAt?: string;
  updatedAt?: string;
  preset?: string | null;
  dataset?: RunManifest['dataset'];
  subsetSizes?: RunManifest['subsetSizes'];
  timings?: Record<string, number>;
  executionProvider?: string | null;
  stagesDone?: number;
  stagesTotal?: number;
  /** First stage not yet done (where a resume would start). */
  nextStage?: string | null;
  error?: string;
}

export async function listRuns(storeDir: string): Promise<RunSummary[]> {
  const entries = await fs.readdir(storeDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const summaries = await Promise.all(dirs.map(async (id): Promise<RunSummary> => {
    const dir = join(storeDir, id);
    try {
      const m = await readManifest(dir);
      const done = m.stageOrder.filter((s) => m.stages[s]?.status === 'done');
      return {
        id: m.id, dir, status: isStaleRunning(m) ? 'interrupted' : m.status, createdAt: m.createdAt, updatedAt: m.updatedAt, preset: m.preset,
        dataset: m.dataset, subsetSizes: m.subsetSizes, timings: m.timings, executionProvider: m.executionProvider,
        stagesDone: done.length, stagesTotal: m.stageOrder.length,
        nextStage: m.stageOrder.find((s) => m.stages[s]?.status !== 'done') ?? null, error: m.error,
      };
    } catch (err) {
      return { id, dir, status: 'unreadable', error: (err as Error).message };
    }
  }));
  // Ids start with a UTC timestamp, so descending id order is newest first.
  return summaries.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
