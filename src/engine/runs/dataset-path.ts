// Where a run's dataset is, when the project moved. A manifest records the dataset as given (an absolute
// path) and, for runs made since issue 17, also relative to the workspace that holds the run store: a copied,
// moved or cloned project then still finds its dataset. The relative path is data like the rest of the
// manifest: it is joined inside the run's workspace (joinInside), never followed out of it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { joinInside, workspaceOfRun } from './containment';

/** The manifest's `dataset.relative` for a run created in `storeDir`: '/'-separated, or undefined outside the workspace. */
export function datasetRelative(storeDir: string, data: string): string | undefined {
  const workspace = workspaceOfRun(path.join(path.resolve(storeDir), 'run'));
  const rel = path.relative(workspace, path.resolve(data));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export type DatasetFoundBy = 'relative' | 'recorded';

/**
 * The dataset of the run in `runDir` as it is on this disk: the workspace-relative path when it exists there
 * (a moved project), else the recorded path when it exists, else undefined (the dataset is gone or moved).
 */
export function existingDatasetPath(
  runDir: string,
  dataset: { path?: unknown; relative?: unknown } | undefined,
): { path: string; by: DatasetFoundBy } | undefined {
  const workspace = workspaceOfRun(runDir);
  const relatives = [dataset?.relative, typeof dataset?.path === 'string' && !path.isAbsolute(dataset.path) ? dataset.path : undefined];
  for (const rel of relatives) {
    if (typeof rel !== 'string' || rel === '') continue;
    const full = joinInside(workspace, path.join(...rel.split('/')));
    if (full && existsSync(full)) return { path: full, by: 'relative' };
  }
  const recorded = dataset?.path;
  if (typeof recorded === 'string' && path.isAbsolute(recorded) && existsSync(recorded)) return { path: recorded, by: 'recorded' };
  return undefined;
}
