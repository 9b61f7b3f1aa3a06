// Relinking a run to its dataset when the project moved (issue 17 item 1). The folder comes from the user: a
// workspace folder found holding the run's sample files (findDatasetCandidates) that the user picks, or one the
// user chooses in the folder dialog; never from the run folder (data). Relinks are kept in workspaceState
// (the user's storage, not the repository) and registered with datasetLocation.ts, so every reader — the score
// panel, the score index (Explorer badges, hovers, inspector), the Runs view — finds the dataset there.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInsideAny, joinInside, realResolve } from '../engine/runs/containment';
import { findDatasetCandidates, setRelink } from './datasetLocation';
import { RunData } from './runData';

const KEY = 'sslmem.datasetRelinks';

export class DatasetRelinks implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the run folder after a relink. */
  readonly onDidRelink = this.changed.event;
  private readonly told = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const [run, p] of Object.entries(this.saved())) setRelink(run, p);
  }

  private saved(): Record<string, string> {
    const v = this.state.get<unknown>(KEY);
    if (typeof v !== 'object' || v === null) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  private roots(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  }

  /** Workspace folders (or files) holding the run's samples, nearest first. */
  candidates(data: RunData): Promise<string[]> {
    return findDatasetCandidates(data.location.recorded, {
      roots: this.roots(),
      samplePaths: data.byRank.map((r) => r.path),
      kind: data.manifest.dataset.kind,
    });
  }

  /**
   * Points the run at `target`, or asks the user which folder. A `target` passed in (a command argument) must
   * lie inside an open workspace folder; anything else needs the user's own choice in the dialog.
   */
  async relink(runDir: string, target?: string): Promise<string | undefined> {
    const data = await RunData.open(runDir);
    if (target !== undefined && !isInsideAny(target, this.roots())) {
      throw new Error(`${target} is not inside an open workspace folder; choose it in the dialog instead`);
    }
    target ??= await this.ask(data);
    if (!target) return undefined;
    const checked = data.isImageFolder ? data.byRank.slice(0, 24) : [];
    const absent = checked.filter((r) => {
      const f = joinInside(target!, path.join(...r.path.split('/')));
      return !f || !existsSync(f);
    });
    if (absent.length === checked.length && checked.length > 0) {
      throw new Error(`${target} does not hold the run's images (no ${checked[0].path}); not relinking`);
    }
    setRelink(runDir, target);
    await this.state.update(KEY, { ...this.saved(), [realResolve(runDir)]: target });
    data.relocate();
    this.log.info(`run ${data.id}: dataset relinked from ${data.location.recorded} to ${target}`);
    this.changed.fire(runDir);
    return target;
  }

  private async ask(data: RunData): Promise<string | undefined> {
    const found = await this.candidates(data);
    type Item = vscode.QuickPickItem & { target?: string };
    const items: Item[] = [
      ...found.map((f) => ({
        label: `$(folder) ${vscode.workspace.asRelativePath(f)}`,
        description: "holds the run's images",
        detail: f,
        target: f,
      })),
      { label: '$(folder-opened) Choose a folder…', description: 'anywhere on this machine' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `SSLMem: where is the dataset of run ${data.id}?`,
      placeHolder: `recorded at ${data.location.recorded}, which does not exist`,
    });
    if (!pick) return undefined;
    if (pick.target) return pick.target;
    const folder = data.isImageFolder || !path.extname(data.location.recorded);
    const uris = await vscode.window.showOpenDialog({
      canSelectFolders: folder,
      canSelectFiles: !folder,
      canSelectMany: false,
      openLabel: 'Relink dataset',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      title: `Dataset of run ${data.id}`,
    });
    return uris?.[0]?.fsPath;
  }

  /** After the runs were read: log every run whose dataset is missing, and offer (once per run) to relink it. */
  async tellMissing(runs: readonly RunData[]): Promise<void> {
    for (const data of runs) {
      if (data.location.state !== 'missing' || this.told.has(data.dir)) continue;
      this.told.add(data.dir);
      const found = await this.candidates(data);
      this.log.warn(
        `run ${data.id}: dataset ${data.location.recorded} does not exist${found.length ? `; the workspace holds its images at ${found.join(', ')}` : ''} (SSLMem: Relink Run Dataset)`,
      );
      const where = found[0] ? vscode.workspace.asRelativePath(found[0]) : undefined;
      void vscode.window
        .showWarningMessage(
          `SSLMem: the dataset of run ${data.id} is not at ${data.location.recorded}${where ? `; the workspace has the same images in ${where}` : ''}. Its images, badges and scores are not shown until it is relinked.`,
          where ? 'Relink' : 'Choose Folder…',
        )
        .then(
          (choice) =>
            choice && this.relink(data.dir, found[0]).catch((err: Error) => void vscode.window.showErrorMessage(`SSLMem: ${err.message}`)),
        );
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
