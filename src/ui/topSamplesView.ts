// The "Score Explorer" view in the side panel: the most memorized candidates (S_C, ranked among themselves) of the run that decorates the
// workspace (the latest finished run, or the one pinned with "Use Run for Badges"); the view's description
// names it.
// Tooltips carry a thumbnail, so they are built only when a person hovers an item (resolveTreeItem).
// Empty => VS Code shows the view's welcome content (package.json viewsWelcome).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SampleScore, ScoreIndex } from './scoreIndex';
import { scoreMarkdown } from './scorePreviews';

const TOP_K = 50;

export class TopSamplesViewProvider implements vscode.TreeDataProvider<SampleScore>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  private view: vscode.TreeView<SampleScore> | undefined;

  constructor(private readonly index: ScoreIndex) {}

  /** The tree view showing this provider: its description says which run it follows. */
  attach(view: vscode.TreeView<SampleScore>): void {
    this.view = view;
    this.describe();
  }

  refresh(): void {
    this.changed.fire();
    this.describe();
  }

  /** "run <id> · pinned" or "latest run <id>", or nothing while there is no finished run. */
  get caption(): string | undefined {
    const run = this.index.latestRun;
    if (!run) return undefined;
    return this.index.pinned ? `${run.id} · pinned` : `latest: ${run.id}`;
  }

  private describe(): void {
    if (!this.view) return;
    this.view.description = this.caption;
  }

  getChildren(element?: SampleScore): SampleScore[] {
    return element ? [] : this.index.top(TOP_K);
  }

  getTreeItem(s: SampleScore): vscode.TreeItem {
    const item = new vscode.TreeItem(`#${s.candidateRank ?? s.rank} ${path.basename(s.file)}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${s.runDir}#${s.index}`;
    item.description = `${s.score.toFixed(3)}${s.noise ? ' (noise)' : ''} · ${s.subset}${s.className ? ` · ${s.className}` : ''}`;
    item.resourceUri = vscode.Uri.file(s.file); // file icon + the score decoration
    item.contextValue = 'sslmem.sample';
    item.command = { command: 'vscode.open', title: 'Open Image', arguments: [vscode.Uri.file(s.file)] };
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, s: SampleScore): vscode.TreeItem {
    item.tooltip = scoreMarkdown(s);
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
