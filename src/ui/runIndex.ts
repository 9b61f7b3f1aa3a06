// Where the run stores are: the sslmem.runStoreFolder setting resolved against the workspace folders. No
// `vscode` import, so unit tests cover it. The runs in them are listed by src/engine/runs/list.ts.
import * as path from 'node:path';

/** The run-store folder(s): the setting resolved against each workspace folder (an absolute setting wins). */
export function resolveRunStoreFolders(setting: string, workspaceFolders: readonly string[]): string[] {
  const value = setting.trim() || '.sslmem/runs';
  const folders = path.isAbsolute(value) ? [path.normalize(value)] : workspaceFolders.map((w) => path.resolve(w, value));
  return [...new Set(folders)];
}
