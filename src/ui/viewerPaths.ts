// What the viewer may serve, open or delete, decided without vscode (unit-tested). The viewer also runs in
// untrusted workspaces, where a run folder (manifest, scores.bin) and a restored panel's state are data an
// attacker may have written: every path from them goes through src/engine/runs/containment.ts first.
import * as path from 'node:path';
import { isInside, isInsideAny } from '../engine/runs/containment';

export interface ViewerScope {
  /** vscode.workspace.isTrusted */
  trusted: boolean;
  /** The open workspace folders (fsPath). */
  workspaceFolders: readonly string[];
  /** The run stores (runStoreFolders()). */
  runStores: readonly string[];
}

/**
 * The dataset folder a webview may load images from (its localResourceRoots entry), or undefined. In an
 * untrusted workspace only a folder inside an open workspace folder: a crafted manifest naming `/etc` or `~`
 * then serves nothing. A trusted workspace's runs are taken at their word (a dataset may live anywhere).
 */
export function servableDatasetRoot(datasetRoot: string, scope: ViewerScope): string | undefined {
  if (!datasetRoot || !path.isAbsolute(datasetRoot) || path.dirname(datasetRoot) === datasetRoot) return undefined;
  if (scope.trusted || isInsideAny(datasetRoot, scope.workspaceFolders)) return datasetRoot;
  return undefined;
}

/** Whether `runDir` is a run folder below one of the run stores (never a store itself), after symlinks. */
export function isRunInStore(runDir: string, runStores: readonly string[]): boolean {
  return runStores.some((store) => isInside(runDir, store) && !isInside(store, runDir));
}

/** Throws unless the delete command may remove `runDir`: a trusted workspace and a folder inside a run store. */
export function checkDeletableRun(runDir: string, scope: ViewerScope): void {
  if (!scope.trusted) throw new Error('deleting runs needs a trusted workspace (Workspaces: Manage Workspace Trust)');
  if (!isRunInStore(runDir, scope.runStores)) {
    throw new Error(
      `${runDir} is not a run folder inside a run store (${scope.runStores.join(', ') || 'no workspace open'}); not deleting it`,
    );
  }
}
