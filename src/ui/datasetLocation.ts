// Where the viewer finds a run's dataset (issue 17 item 1: a moved project showed a silently broken gallery).
// In order: the workspace-relative path new manifests record, the recorded (absolute) path, the folder the
// user relinked the run to (kept in workspaceState, registered here at activation), else "missing" — and
// then the workspace is searched for a folder holding the run's sample files, which the UI offers to relink.
// No `vscode` import: unit tests cover it with real folders.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { existingDatasetPath } from '../engine/runs/dataset-path';
import { joinInside, realResolve } from '../engine/runs/containment';

export type DatasetState = 'relative' | 'recorded' | 'relinked' | 'missing';
export interface DatasetLocation {
  /** The dataset folder or file to read; the recorded path when missing (so messages can name it). */
  path: string;
  /** What the manifest recorded. */
  recorded: string;
  state: DatasetState;
}
export interface DatasetRecord {
  path?: unknown;
  relative?: unknown;
  kind?: unknown;
}

/** real run folder -> dataset path the user relinked it to (only ever set from a user's choice). */
const relinks = new Map<string, string>();

export function setRelink(runDir: string, datasetPath: string | undefined): void {
  if (datasetPath) relinks.set(realResolve(runDir), datasetPath);
  else relinks.delete(realResolve(runDir));
}
export function relinkOf(runDir: string): string | undefined {
  return relinks.get(realResolve(runDir));
}

export function locateDataset(runDir: string, dataset: DatasetRecord | undefined): DatasetLocation {
  const recorded = typeof dataset?.path === 'string' ? dataset.path : '';
  const found = existingDatasetPath(runDir, dataset);
  if (found) return { path: found.path, recorded, state: found.by };
  const link = relinkOf(runDir);
  if (link && existsSync(link)) return { path: link, recorded, state: 'relinked' };
  return { path: recorded, recorded, state: 'missing' };
}

export interface FindOptions {
  /** Folders to search (the open workspace folders). */
  roots: readonly string[];
  /** The run's sample paths ('/'-separated, relative to the dataset folder); a candidate must hold them. */
  samplePaths: readonly string[];
  kind?: string;
  maxDepth?: number;
  maxFolders?: number;
}

/**
 * Folders (or, for IDX/CIFAR runs, files) in `roots` that hold the run's dataset: same name as the recorded
 * one, and every checked sample file present. Not matched by fingerprint: it hashes file times, which a copy
 * or a git clone changes, so a cloned project's dataset would never match. Nearest (shallowest) first.
 */
export async function findDatasetCandidates(recorded: string, options: FindOptions): Promise<string[]> {
  const name = path.basename(recorded.split(/[\\/]/).join(path.sep));
  if (!name) return [];
  const imageFolder = (options.kind ?? 'image-folder') === 'image-folder';
  const checks = spread(options.samplePaths, 24);
  const maxDepth = options.maxDepth ?? 6;
  let budget = options.maxFolders ?? 5000;
  const found: string[] = [];
  const holdsSamples = (root: string) =>
    checks.length > 0 &&
    checks.every((p) => {
      const file = joinInside(root, path.join(...p.split('/')));
      return !!file && existsSync(file);
    });
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (budget-- <= 0) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = path.join(dir, e.name);
      if (e.name === name) {
        if (imageFolder && e.isDirectory() && holdsSamples(full)) found.push(full);
        if (!imageFolder && (e.isFile() || e.isDirectory())) found.push(full);
      }
      if (e.isDirectory() && depth < maxDepth) await visit(full, depth + 1);
    }
  };
  for (const root of options.roots) await visit(root, 0);
  const depth = (p: string) => p.split(path.sep).length;
  return [...new Set(found)]
    .filter((p) => path.resolve(p) !== path.resolve(recorded))
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/** Up to `k` items spread over the list (both ends kept). */
function spread<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return [...items];
  return Array.from({ length: k }, (_, i) => items[Math.round((i * (items.length - 1)) / (k - 1))]);
}
