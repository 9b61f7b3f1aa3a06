// What every kind of run checks before it resumes from its folder (trained, imported and whole-dataset runs):
// the manifest is data, so the dataset path it names is trusted only inside the run's workspace or when the
// user confirms it (manifest-paths.ts), a moved or cloned project finds its dataset by the workspace-relative
// path (runs/dataset-path.ts), the decode cache stays inside the workspace (runs/containment.ts), and the
// dataset must be the one the run started with (same fingerprint).
import { existsSync } from 'node:fs';
import type { LoadedDataset } from '../data';
import type { RunHandle } from '../runs';
import { confinedCacheDir } from '../runs/containment';
import { existingDatasetPath } from '../runs/dataset-path';
import { trustedManifestPath } from './manifest-paths';
import type { PipelineHooks, ResumeOptions } from './run-hooks';

/** The dataset path and decode cache folder a resumed run may use. */
export function trustedDataSource(
  run: RunHandle,
  recorded: { data: string; cacheDir: string | null },
  options: ResumeOptions,
  hooks: PipelineHooks,
): { data: string; cacheDir: string } {
  // A moved or cloned project: the recorded absolute path is gone, the workspace-relative one is there.
  const moved = !existsSync(recorded.data) ? existingDatasetPath(run.dir, run.manifest.dataset)?.path : undefined;
  const data = trustedManifestPath(run.dir, 'dataset', moved ?? recorded.data, options.confirmed);
  const cache = confinedCacheDir(run.dir, recorded.cacheDir);
  if (cache.ignored) hooks.log?.(`manifest cacheDir ${cache.ignored} ignored: the decode cache stays in ${cache.dir}`);
  return { data, cacheDir: cache.dir };
}

/** Refuses a dataset that changed since the run started: its scores would mix two datasets. */
export function assertSameDataset(run: RunHandle, loaded: LoadedDataset, data: string): void {
  if (run.manifest.dataset.fingerprint && loaded.fingerprint !== run.manifest.dataset.fingerprint) {
    throw new Error(`the dataset at ${data} changed since this run started (fingerprint differs); start a new run`);
  }
}
