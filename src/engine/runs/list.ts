// The one list of the runs in one or more run stores, newest first: the Runs tree, the pickers and the CLI
// tests all read it. It reads manifests tolerantly (only display fields, each used only when it has the
// expected type) because the manifest grows with the engine and an old or half-written run must never break
// the list; a folder whose manifest.json cannot be parsed is listed with its `problem` rather than hidden.
// A manifest that says 'running' while its writer is gone is listed as 'interrupted' (store.ts isStaleRunning).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeChosen, describeDecision, isProviderDecision } from '../runtime/providers';
import { isStaleRunning, MANIFEST_FILE } from './store';
import type { RunManifest } from './manifest';

export interface RunSummary {
  id: string;
  dir: string;
  manifestPath: string;
  status?: string;
  preset?: string;
  /** The dataset's folder or file, as the manifest names it. */
  dataset?: string;
  /** The manifest's dataset record as written (path, workspace-relative path): the UI locates a moved dataset from it. */
  datasetRecord?: { path?: unknown; relative?: unknown; kind?: unknown };
  createdAt?: string;
  updatedAt?: string;
  /** Set when manifest.json exists but cannot be parsed. */
  problem?: string;
  subsetSizes?: Record<string, number>;
  /** Seconds per stage. */
  timings?: Record<string, number>;
  executionProvider?: string;
  /** From the manifest's providerDecision: what trained ("cpu, 2 threads") and the full line with the others' reasons. */
  provider?: { chosen: string; detail: string };
  stagesDone?: number;
  stagesTotal?: number;
  /** First stage not done (where a resume starts), for runs that stopped early. */
  nextStage?: string;
  error?: string;
  /** Training stages run as a Slurm job array: the array's id and each task (log: absolute path). */
  slurm?: { jobId: string; tasks: SlurmTaskSummary[] };
}

export interface SlurmTaskSummary {
  stage: string;
  taskId: number;
  job: string;
  state: string;
  node?: string;
  log?: string;
}

export async function listRuns(storeFolders: string | readonly string[]): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const store of typeof storeFolders === 'string' ? [storeFolders] : storeFolders) {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(store, { withFileTypes: true });
    } catch {
      continue;
    } // no store yet
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dir = path.join(store, e.name);
      const manifestPath = path.join(dir, MANIFEST_FILE);
      let text: string;
      try {
        text = await fs.promises.readFile(manifestPath, 'utf8');
      } catch {
        continue;
      } // not a run folder
      runs.push(summarize(e.name, dir, manifestPath, text));
    }
  }
  // Newest first when the manifests say when; otherwise by id, so the order is stable.
  return runs.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.id.localeCompare(b.id));
}

function summarize(folderName: string, dir: string, manifestPath: string, text: string): RunSummary {
  const base: RunSummary = { id: folderName, dir, manifestPath };
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    return { ...base, problem: `manifest.json is not valid JSON (${(err as Error).message})` };
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return { ...base, problem: 'manifest.json is not a JSON object' };
  const o = m as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const dataset = o.dataset;
  const { order, stages } = stagesOf(o);
  const status = str(o.status);
  return {
    ...base,
    id: str(o.id) ?? folderName,
    status: status === 'running' && isStaleRunning(o as unknown as RunManifest) ? 'interrupted' : status,
    preset: str(o.preset) ?? str((o.config as Record<string, unknown> | undefined)?.preset),
    dataset: str(dataset) ?? str((dataset as Record<string, unknown> | undefined)?.path) ?? str(o.datasetPath),
    datasetRecord:
      typeof dataset === 'object' && dataset !== null && !Array.isArray(dataset) ? (dataset as RunSummary['datasetRecord']) : undefined,
    createdAt: str(o.createdAt) ?? str(o.created),
    updatedAt: str(o.updatedAt),
    subsetSizes: numberRecord(o.subsetSizes),
    timings: numberRecord(o.timings),
    executionProvider: str(o.executionProvider),
    provider: isProviderDecision(o.providerDecision)
      ? { chosen: describeChosen(o.providerDecision), detail: describeDecision(o.providerDecision) }
      : undefined,
    stagesDone: order.length ? order.filter((s) => stages[s]?.status === 'done').length : undefined,
    stagesTotal: order.length || undefined,
    nextStage: order.find((s) => stages[s]?.status !== 'done'),
    error: str(o.error),
    slurm: slurmOf(o.executor, dir),
  };
}

/** The manifest's `executor` record, each field used only when it has the expected type. */
function slurmOf(x: unknown, dir: string): RunSummary['slurm'] {
  if (typeof x !== 'object' || x === null || (x as { kind?: unknown }).kind !== 'slurm') return undefined;
  const e = x as { jobId?: unknown; tasks?: unknown };
  if (typeof e.jobId !== 'string' || typeof e.tasks !== 'object' || e.tasks === null) return undefined;
  const tasks: SlurmTaskSummary[] = [];
  for (const [stage, t] of Object.entries(e.tasks as Record<string, unknown>)) {
    if (typeof t !== 'object' || t === null) continue;
    const { taskId, state, node, log } = t as Record<string, unknown>;
    if (typeof taskId !== 'number' || typeof state !== 'string') continue;
    // The task's own array: the log is named <array>_<task>.log (a resubmission is a new array).
    const safeLog = typeof log === 'string' && /^slurm\/[\w.-]+\.log$/.test(log) ? log : undefined;
    const job = safeLog ? path.basename(safeLog, '.log') : `${e.jobId}_${taskId}`;
    tasks.push({
      stage,
      taskId,
      job,
      state,
      ...(typeof node === 'string' ? { node } : {}),
      ...(safeLog ? { log: path.join(dir, safeLog) } : {}),
    });
  }
  return { jobId: e.jobId, tasks };
}

function numberRecord(x: unknown): Record<string, number> | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const entries = Object.entries(x).filter((e): e is [string, number] => typeof e[1] === 'number');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function stagesOf(o: Record<string, unknown>): { order: string[]; stages: Record<string, { status?: unknown } | undefined> } {
  const order = Array.isArray(o.stageOrder) ? o.stageOrder.filter((s): s is string => typeof s === 'string') : [];
  const stages = (typeof o.stages === 'object' && o.stages !== null ? o.stages : {}) as Record<string, { status?: unknown } | undefined>;
  return { order, stages };
}
