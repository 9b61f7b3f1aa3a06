// The paths a user chose for the runs made on this machine (dataset, split file, imported encoders), kept in
// the user's cache folder. A resume follows a manifest's path outside the workspace only when it was chosen
// here for that very run (or is confirmed again on the command line): a run folder that came with a cloned
// repository has no entry, so its manifest cannot make the tool read wherever it points (issue: hostile input).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../util/user-cache-dir';
import { writeFileAtomicSync } from '../util/atomic';
import { realResolve } from './containment';

const FILE = 'chosen-paths.json';
type Registry = Record<string, string[]>; // real run folder -> real paths chosen for it

function read(file: string): Registry {
  if (!existsSync(file)) return {};
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Registry) : {};
  } catch {
    return {}; // a damaged registry only means paths outside the workspace must be confirmed again
  }
}

/** Records that the user chose `paths` for the run in `runDir` (called when the tool creates the run). */
export function recordChosenPaths(runDir: string, paths: readonly (string | null | undefined)[], dir = userCacheDir()): void {
  const file = join(dir, FILE);
  const registry = read(file);
  const key = realResolve(runDir);
  const chosen = new Set(registry[key] ?? []);
  for (const p of paths) if (p) chosen.add(realResolve(p));
  registry[key] = [...chosen];
  writeFileAtomicSync(file, JSON.stringify(registry));
}

/** True when `p` was chosen for the run in `runDir` on this machine. */
export function wasChosen(runDir: string, p: string, dir = userCacheDir()): boolean {
  const registry = read(join(dir, FILE));
  return Array.isArray(registry[realResolve(runDir)]) && registry[realResolve(runDir)].includes(realResolve(p));
}
