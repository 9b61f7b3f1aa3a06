// The "Runs" tree in the SSLMem activity-bar container: one item per run folder found in the run store.
// Empty => VS Code shows the view's welcome content from package.json (viewsWelcome).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runStoreFolders } from './config';
import { listRuns, type RunSummary } from './runIndex';
import type { SlurmTaskSummary } from '../engine/runs/list';

/** A training stage of a run executed as a Slurm array task: a child of its run, opening its log. */
export interface SlurmTaskNode {
  run: RunSummary;
  task: SlurmTaskSummary;
}
type RunsNode = RunSummary | SlurmTaskNode;
const isTaskNode = (n: RunsNode): n is SlurmTaskNode => 'task' in n;

/** Which runs decorate the workspace (from the score index), to mark them in the tree. */
export interface BadgeRuns {
  decorating(): readonly string[];
  pinned(): string | undefined;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly storeChanged = new vscode.EventEmitter<void>();
  /** The run store changed (or Refresh Runs): listeners re-read it. Not fired by redraw(). */
  readonly onDidChangeRuns = this.storeChanged.event;
  badgeRuns: BadgeRuns | undefined;
  private readonly watchers: vscode.Disposable[] = [];
  private debounce: NodeJS.Timeout | undefined;

  constructor() {
    // Runs appear while the backend (or the CLI, in a terminal) writes them; a watcher on manifest files
    // keeps the view current without polling. A running job may rewrite its manifest often, so file
    // events are coalesced.
    const soon = () => this.refreshSoon();
    const watcher = vscode.workspace.createFileSystemWatcher('**/manifest.json');
    this.watchers.push(
      watcher,
      watcher.onDidCreate(soon),
      watcher.onDidDelete(soon),
      watcher.onDidChange(soon),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sslmem.runStoreFolder')) this.refresh();
      }),
    );
  }

  /** Re-reads the run store now (listeners: the tree, and the Runs Overview panel via extension.ts). */
  refresh(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.storeChanged.fire();
    this.changed.fire();
  }

  /** Redraws the items (which run decorates changed) without announcing a store change. */
  redraw(): void {
    this.changed.fire();
  }

  private refreshSoon(): void {
    this.debounce ??= setTimeout(() => this.refresh(), 250);
  }

  list(): Promise<RunSummary[]> {
    return listRuns(runStoreFolders());
  }

  /** The top level: the runs (what callers and tests list); below a run: its Slurm tasks. */
  getChildren(): Promise<RunSummary[]>;
  getChildren(element?: RunsNode): Promise<RunsNode[]>;
  async getChildren(element?: RunsNode): Promise<RunsNode[]> {
    if (!element) return this.list();
    return isTaskNode(element) ? [] : (element.slurm?.tasks ?? []).map((task) => ({ run: element, task }));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    return isTaskNode(node) ? taskItem(node) : this.runItem(node);
  }

  private runItem(run: RunSummary): vscode.TreeItem {
    // A run with Slurm tasks unfolds into them (expanded while it may still be running).
    const folding = !run.slurm?.tasks.length
      ? vscode.TreeItemCollapsibleState.None
      : run.status === 'done'
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(run.id, folding);
    item.id = run.dir;
    const dataset = run.dataset ? path.basename(run.dataset) : undefined;
    const unfinished = !run.problem && run.status !== 'done';
    const badges = this.badgesText(run);
    item.description = run.problem
      ? 'unreadable manifest'
      : [
          run.status === 'done' ? undefined : run.status,
          run.preset,
          dataset,
          sizesText(run.subsetSizes),
          run.provider?.chosen,
          unfinished && run.nextStage ? `next: ${run.nextStage}` : undefined,
          badges,
        ]
          .filter(Boolean)
          .join(' · ');
    item.iconPath = new vscode.ThemeIcon(run.problem ? 'warning' : statusIcon(run.status));
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(run.id)}**\n\n`);
    const total = run.timings ? Object.values(run.timings).reduce((a, b) => a + b, 0) : undefined;
    const rows: [string, string | undefined][] = [
      ['status', run.status],
      ['preset', run.preset],
      ['dataset', run.dataset],
      ['subsets', sizesText(run.subsetSizes, true)],
      // The decision line says what trained, with how many threads, and why not the others.
      ['execution provider', run.provider?.detail ?? run.executionProvider],
      ['created', run.createdAt],
      [
        'timings',
        run.timings
          ? Object.entries(run.timings)
              .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
              .join(', ') + ` (total ${total!.toFixed(1)} s)`
          : undefined,
      ],
      ['resumes at', unfinished ? run.nextStage : undefined],
      ['error', run.error],
      ['problem', run.problem],
      [
        'Explorer badges',
        badges === undefined
          ? undefined
          : badges === 'badges (pinned)'
            ? 'its scores badge the images of its dataset folder (pinned: SSLMem: Use Latest Run for Badges unpins)'
            : 'its scores badge the images of its dataset folder (the latest finished run there)',
      ],
    ];
    for (const [k, v] of rows) if (v) md.appendMarkdown(`- ${k}: ${escapeMd(v)}\n`);
    md.appendMarkdown(`- folder: \`${run.dir}\``);
    item.tooltip = md;
    item.contextValue = run.problem ? 'sslmem.run.broken' : run.status === 'done' ? 'sslmem.run.done' : 'sslmem.run.unfinished';
    // Finished runs open their score panel; others show their manifest (what stage they reached, errors).
    item.command =
      run.status === 'done'
        ? { command: 'sslmem.openRun', title: 'Open Run', arguments: [run] }
        : { command: 'vscode.open', title: 'Open Manifest', arguments: [vscode.Uri.file(run.manifestPath)] };
    return item;
  }

  private badgesText(run: RunSummary): string | undefined {
    if (!this.badgeRuns || run.status !== 'done') return undefined;
    const dir = path.resolve(run.dir);
    if (!this.badgeRuns.decorating().some((d) => path.resolve(d) === dir)) return undefined;
    const pinned = this.badgeRuns.pinned();
    return pinned && path.resolve(pinned) === dir ? 'badges (pinned)' : 'badges';
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.changed.dispose();
    this.storeChanged.dispose();
    for (const d of this.watchers) d.dispose();
  }
}

/** "train_f · running · job 4711_0 · gpu017"; a click opens the task's log. */
function taskItem({ run, task }: SlurmTaskNode): vscode.TreeItem {
  const item = new vscode.TreeItem(task.stage, vscode.TreeItemCollapsibleState.None);
  item.id = `${run.dir}#${task.stage}`;
  item.description = [task.state, `job ${task.job}`, task.node].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(
    task.state === 'pending' ? 'clock' : statusIcon(task.state === 'cancelled' ? 'cancelled' : task.state),
  );
  item.tooltip = `Slurm task ${task.job} (${task.state}${task.node ? ` on ${task.node}` : ''})${task.log ? `\nlog: ${task.log}` : ''}`;
  item.contextValue = 'sslmem.run.slurmTask';
  if (task.log) item.command = { command: 'vscode.open', title: 'Open Task Log', arguments: [vscode.Uri.file(task.log)] };
  return item;
}

function statusIcon(status: string | undefined): string {
  switch (status) {
    case 'done':
    case 'completed':
      return 'pass';
    case 'failed':
      return 'error';
    case 'running':
      return 'sync';
    case 'cancelled':
      return 'circle-slash';
    default:
      return 'beaker';
  }
}

function sizesText(s: Record<string, number> | undefined, long = false): string | undefined {
  if (!s) return undefined;
  return Object.entries(s)
    .map(([k, v]) => (long ? `${k} ${v}` : `${k.replace('S_', '')}${v}`))
    .join(long ? ', ' : ' ');
}

const escapeMd = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
