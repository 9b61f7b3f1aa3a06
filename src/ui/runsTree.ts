// The "Runs" tree in the SSLMem activity-bar container: one item per run folder found in the run store.
// Empty => VS Code shows the view's welcome content from package.json (viewsWelcome).
import * as vscode from 'vscode';
import { runStoreFolders } from './config';
import { listRuns, type RunSummary } from './runIndex';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watchers: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;

  constructor() {
    // Runs appear while the backend (or the CLI, in a terminal) writes them; a watcher on manifest files
    // keeps the view current without polling. A running job may rewrite its manifest often, so file
    // events are coalesced.
    const soon = () => this.refreshSoon();
    const watcher = vscode.workspace.createFileSystemWatcher('**/manifest.json');
    this.watchers.push(watcher, watcher.onDidCreate(soon), watcher.onDidDelete(soon), watcher.onDidChange(soon),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('sslmem.runStoreFolder')) this.refresh(); }));
  }

  /** Re-reads the run store now (listeners: the tree, and the Score Explorer panel via extension.ts). */
  refresh(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.changed.fire();
  }

  private refreshSoon(): void {
    this.debounce ??= setTimeout(() => this.refresh(), 250);
  }

  list(): Promise<RunSummary[]> { return listRuns(runStoreFolders()); }

  async getChildren(element?: RunSummary): Promise<RunSummary[]> {
    return element ? [] : this.list();
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(run.id, vscode.TreeItemCollapsibleState.None);
    item.id = run.dir;
    item.description = run.problem ? 'unreadable manifest' : [run.status, run.preset].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(run.problem ? 'warning' : statusIcon(run.status));
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(run.id)}**\n\n`);
    for (const [k, v] of [['status', run.status], ['preset', run.preset], ['dataset', run.dataset], ['created', run.createdAt], ['problem', run.problem]] as const) {
      if (v) md.appendMarkdown(`- ${k}: ${escapeMd(v)}\n`);
    }
    md.appendMarkdown(`- folder: \`${run.dir}\``);
    item.tooltip = md;
    item.contextValue = 'sslmem.run';
    // Until the run panel lands (issue 5), opening a run shows its manifest.
    item.command = { command: 'vscode.open', title: 'Open Manifest', arguments: [vscode.Uri.file(run.manifestPath)] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.changed.dispose();
    for (const d of this.watchers) d.dispose();
  }
}

function statusIcon(status: string | undefined): string {
  switch (status) {
    case 'done': case 'completed': return 'pass';
    case 'failed': return 'error';
    case 'running': return 'sync';
    case 'cancelled': return 'circle-slash';
    default: return 'beaker';
  }
}

const escapeMd = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
