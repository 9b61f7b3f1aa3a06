// Where the run stores are: the sslmem.runStoreFolder setting resolved against the workspace folders. No
// `vscode` import, so unit tests cover it. The runs are listed by src/engine/runs/list.ts; listRuns here adds
// where each dataset is now (a moved project, issue 17 item 1).
import * as path from 'node:path';
import { listRuns as listRunsAsRecorded, type RunSummary as RecordedRun } from '../engine/runs/list';
import { locateDataset } from './datasetLocation';

export interface RunSummary extends RecordedRun {
  /** Set when the dataset is not where the manifest (or a relink) says: the project moved. */
  datasetMissing?: boolean;
}

/** The runs, with each dataset where it is now (datasetLocation.ts: relative path, recorded path, relink). */
export async function listRuns(runStoreFolders: string | readonly string[]): Promise<RunSummary[]> {
  return (await listRunsAsRecorded(runStoreFolders)).map((run) => {
    if (!run.dataset || !run.datasetRecord) return run;
    const located = locateDataset(run.dir, run.datasetRecord);
    return { ...run, dataset: located.path, datasetMissing: located.state === 'missing' || undefined };
  });
}

/** The run-store folder(s): the setting resolved against each workspace folder (an absolute setting wins). */
export function resolveRunStoreFolders(setting: string, workspaceFolders: readonly string[]): string[] {
  const value = setting.trim() || '.sslmem/runs';
  const folders = path.isAbsolute(value) ? [path.normalize(value)] : workspaceFolders.map((w) => path.resolve(w, value));
  return [...new Set(folders)];
}
