// The Runs Overview webview panel (host side; its view type stays sslmem.scoreExplorer so panels restored
// from older sessions still open). It lists the runs in the run store, or an empty state that explains how
// scores come about; a run's scores open in the score panel (scorePanel.ts), not here.
// The page's state (selection) lives in the webview (vscode.setState); data is always refetched from here,
// which is what makes restore-after-reload (the serializer below) cheap and correct.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type RunsMessage, type WebviewToHost } from '../protocol/webview';
import { runStoreFolders } from './config';
import { listRuns, type RunSummary } from './runIndex';
import { computeLocalResourceRoots, datasetFolderOf, makeNonce, webviewPage } from './webviewHtml';

export const RUNS_OVERVIEW_VIEW_TYPE = 'sslmem.scoreExplorer';
const TITLE = 'SSLMem Runs Overview';

export class RunsOverviewPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private runs: RunSummary[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rendered = new vscode.EventEmitter<number>();
  /** Fires with the row count each time the page has drawn a runs message. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.rendered,
      vscode.window.registerWebviewPanelSerializer(RUNS_OVERVIEW_VIEW_TYPE, {
        // After a window reload VS Code recreates the panel; its UI state stays in the webview (getState).
        deserializeWebviewPanel: async (panel) => {
          await this.adopt(panel);
        },
      }),
    );
  }

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  async open(): Promise<vscode.WebviewPanel> {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(RUNS_OVERVIEW_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, { enableScripts: true });
    await this.adopt(panel);
    return panel;
  }

  /** Re-reads the run store and sends the list to an open panel. */
  async refresh(): Promise<void> {
    if (!this.panel) return;
    this.runs = await listRuns(runStoreFolders());
    this.applyResourceRoots(this.panel);
    const msg: RunsMessage = {
      type: 'runs',
      runStoreFolders: runStoreFolders(),
      runs: this.runs.map(({ id, status, preset, dataset, createdAt, problem }) => ({ id, status, preset, dataset, createdAt, problem })),
      trusted: vscode.workspace.isTrusted,
    };
    await this.post(msg);
  }

  private async adopt(panel: vscode.WebviewPanel): Promise<void> {
    this.panel?.dispose(); // one Runs Overview at a time
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'sslmem.svg');
    this.runs = await listRuns(runStoreFolders());
    this.applyResourceRoots(panel);
    const webview = panel.webview;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    webview.html = webviewPage({
      title: TITLE,
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'runsOverview.js'),
      styleUris: [asUri('media', 'runsOverview.css')],
    });
    const subs = [
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
        for (const s of subs) s.dispose();
      }),
    ];
  }

  private applyResourceRoots(panel: vscode.WebviewPanel): void {
    const datasets = this.runs.flatMap((r) => (r.dataset && path.isAbsolute(r.dataset) ? [datasetFolderOf(r.dataset)] : []));
    const roots = computeLocalResourceRoots(this.extensionUri.fsPath, runStoreFolders(), datasets);
    // Setting options reloads the page, so only do it when the roots actually change.
    const current = (panel.webview.options.localResourceRoots ?? []).map((u) => u.fsPath);
    if (current.length === roots.length && current.every((r, i) => r === roots[i])) return;
    panel.webview.options = { enableScripts: true, localResourceRoots: roots.map((r) => vscode.Uri.file(r)) };
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      this.log.warn(`Runs Overview: dropped an invalid message from the webview: ${safeJson(raw)}`);
      return;
    }
    const msg: WebviewToHost = raw;
    switch (msg.type) {
      case 'ready':
      case 'refresh':
        await this.refresh();
        break;
      case 'openManifest': {
        const run = this.runs.find((r) => r.id === msg.runId);
        if (run)
          await vscode.window.showTextDocument(vscode.Uri.file(run.manifestPath), { preview: true, viewColumn: vscode.ViewColumn.Beside });
        else this.log.warn(`Runs Overview: no run '${msg.runId}' (it may have been deleted)`);
        break;
      }
      case 'rendered':
        this.rendered.fire(msg.rows);
        break;
    }
  }

  private async post(msg: HostToWebview): Promise<void> {
    await this.panel?.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function safeJson(x: unknown): string {
  try {
    return (JSON.stringify(x) ?? String(x)).slice(0, 200);
  } catch {
    return String(x);
  }
}
