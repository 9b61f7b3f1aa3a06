// Finds runs on disk for the Runs view and the Score Explorer: every `<runStore>/<id>/manifest.json`.
// No `vscode` import, so unit tests cover it with real folders. It reads manifests tolerantly — only a few
// display fields, each used only when it has the expected type — because the run store's manifest grows
// with the engine (src/engine/runs) and an old or half-written run must never break the list.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeChosen, describeDecision, isProviderDecision } from '../engine/runtime/providers';
import { locateDataset } from './datasetLocation';

export interface RunSummary {
  id: string;
  dir: string;
  manifestPath: string;
  status?: string;
  preset?: string;
  /** The dataset's folder or file where it is now (datasetLocation.ts), else as the manifest names it. */
  dataset?: string;
  /** Set when the dataset is not where the manifest (or a relink) says: the project moved. */
  datasetMissing?: boolean;
  createdAt?: string;
  /** Set when manifest.json exists but cannot be parsed. */
  problem?: string;
  subsetSizes?: Record<string, number>;
  /** Seconds per stage. */
  timings?: Record<string, number>;
  executionProvider?: string;
  /** From the manifest's providerDecision: what trained ("cpu, 2 threads") and the full line with the others' reasons. */
  provider?: { chosen: string; detail: string };
  /** First stage not done (where a resume starts), for runs that stopped early. */
  nextStage?: string;
  error?: string;
}

/** The run-store folder(s): the setting resolved against each workspace folder (an absolute setting wins). */
export function resolveRunStoreFolders(setting: string, workspaceFolders: readonly string[]): string[] {
  const value = setting.trim() || '.sslmem/runs';
  const folders = path.isAbsolute(value) ? [path.normalize(value)] : workspaceFolders.map((w) => path.resolve(w, value));
  return [...new Set(folders)];
}

export async function listRuns(runStoreFolders: readonly string[]): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const store of runStoreFolders) {
    let entries: fs.Dirent[];
    try { entries = await fs.promises.readdir(store, { withFileTypes: true }); } catch { continue; } // no store yet
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const dir = path.join(store, e.name);
      const manifestPath = path.join(dir, 'manifest.json');
      let text: string;
      try { text = await fs.promises.readFile(manifestPath, 'utf8'); } catch { continue; } // not a run folder
      runs.push(summarize(e.name, dir, manifestPath, text));
    }
  }
  // Newest first when the manifests say when; otherwise by id, so the order is stable.
  return runs.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.id.localeCompare(b.id));
}

function summarize(folderName: string, dir: string, manifestPath: string, text: string): RunSummary {
  const base: RunSummary = { id: folderName, dir, manifestPath };
  let m: unknown;
  try { m = JSON.parse(text); } catch (err) { return { ...base, problem: `manifest.json is not valid JSON (${(err as Error).message})` }; }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return { ...base, problem: 'manifest.json is not a JSON object' };
  const o = m as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const dataset = o.dataset;
  const recorded = str(dataset) ?? str((dataset as Record<string, unknown> | undefined)?.path) ?? str(o.datasetPath);
  const located = recorded && typeof dataset === 'object' && dataset !== null ? locateDataset(dir, dataset as Record<string, unknown>) : undefined;
  return {
    ...base,
    id: str(o.id) ?? folderName,
    status: str(o.status),
    preset: str(o.preset) ?? str((o.config as Record<string, unknown> | undefined)?.preset),
    dataset: located?.path ?? recorded,
    datasetMissing: located?.state === 'missing' || undefined,
    createdAt: str(o.createdAt) ?? str(o.created),
    subsetSizes: numberRecord(o.subsetSizes),
    timings: numberRecord(o.timings),
    executionProvider: str(o.executionProvider),
    provider: isProviderDecision(o.providerDecision) ? { chosen: describeChosen(o.providerDecision), detail: describeDecision(o.providerDecision) } : undefined,
    nextStage: nextStageOf(o),
    error: str(o.error),
  };
}

function numberRecord(x: unknown): Record<string, number> | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const entries = Object.entries(x).filter((e): e is [string, number] => typeof e[1] === 'number');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function nextStageOf(o: Record<string, unknown>): string | undefined {
  const order = Array.isArray(o.stageOrder) ? o.stageOrder.filter((s): s is string => typeof s === 'string') : [];
  const stages = (typeof o.stages === 'object' && o.stages !== null ? o.stages : {}) as Record<string, { status?: unknown } | undefined>;
  return order.find((s) => stages[s]?.status !== 'done');
}
