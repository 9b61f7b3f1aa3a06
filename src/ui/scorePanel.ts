// The score panel (host side): one webview panel per run with the score gallery, histograms, threshold
// slider, marks and detail view. The page asks for rows by index range; this side answers from RunData
// (in memory) and turns sample files into webview URIs. Panels restored after a reload re-open their run
// from disk, or close themselves when the run is gone.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  isScorePanelState,
  isScorePanelToHost,
  type GalleryRow,
  type HostToScorePanel,
  type ScorePanelToHost,
} from '../protocol/scorePanel';
import { readManifest } from '../engine/runs/store';
import { RunData, datasetRootOf } from './runData';
import { ThumbnailRenderer } from './thumbnails';
import { computeLocalResourceRoots, makeNonce, webviewPage } from './webviewHtml';
import { INSPECTOR_VIEW_TYPE } from './imageInspector';
import { viewerScope } from './config';
import { isRunInStore, servableDatasetRoot } from './viewerPaths';
import { locateDataset } from './datasetLocation';

export const SCORE_PANEL_VIEW_TYPE = 'sslmem.scorePanel';

export interface PageEvent {
  runDir: string;
  requestId: number;
  start: number;
  rows: number;
  total: number;
  hostMs: number;
}
export interface RenderEvent {
  runDir: string;
  requestId: number;
  rows: number;
  ms: number;
}

interface OpenPanel {
  panel: vscode.WebviewPanel;
  data: RunData;
  thumbs: ThumbnailRenderer;
}
/** A panel whose run is still loading: messages wait for it. */
interface PanelSlot {
  panel: vscode.WebviewPanel;
  loaded: Promise<OpenPanel>;
}

export class ScorePanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelSlot>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly paged = new vscode.EventEmitter<PageEvent>();
  private readonly rendered = new vscode.EventEmitter<RenderEvent>();
  /** Fires after a page of rows was posted to a panel (tests and the benchmark listen). */
  readonly onDidPostPage = this.paged.event;
  /** Fires when a page reports it drew rows (the webview's own measurement). */
  readonly onDidRender = this.rendered.event;

  /** Finds and relinks a moved dataset (relinkDataset.ts); set by activate. */
  datasets?: { candidates(data: RunData): Promise<string[]>; relink(runDir: string): Promise<unknown> };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.paged,
      this.rendered,
      vscode.window.registerWebviewPanelSerializer(SCORE_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          if (!isScorePanelState(state)) {
            panel.dispose();
            return;
          }
          // Webview state is data the page (or whoever wrote the workspace storage) hands back: only runs in a run store.
          if (!isRunInStore(state.runDir, viewerScope().runStores)) {
            this.log.info(`score panel for ${state.runDir} not restored: not a run folder inside a run store`);
            panel.dispose();
            return;
          }
          try {
            await this.adopt(panel, state.runDir);
          } catch (err) {
            // The run was deleted (or its results) while the window was closed: a panel of nothing helps no one.
            this.log.info(`score panel for ${state.runDir} closed on restore: ${(err as Error).message}`);
            panel.dispose();
          }
        },
      }),
    );
  }

  get openRuns(): string[] {
    return [...this.panels.keys()];
  }
  panelOf(runDir: string): vscode.WebviewPanel | undefined {
    return this.panels.get(path.resolve(runDir))?.panel;
  }

  async open(runDir: string): Promise<vscode.WebviewPanel> {
    const existing = this.panels.get(path.resolve(runDir));
    if (existing) {
      existing.panel.reveal();
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(SCORE_PANEL_VIEW_TYPE, `Scores: ${path.basename(runDir)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    try {
      await this.adopt(panel, runDir);
    } catch (err) {
      panel.dispose();
      throw err;
    }
    return panel;
  }

  /** Closes the panel of a run that was deleted. */
  close(runDir: string): void {
    this.panels.get(path.resolve(runDir))?.panel.dispose();
  }

  /**
   * Gives the panel its page at once and loads the run meanwhile: the webview boots (hundreds of ms) while
   * the host reads scores.bin, and the page's first request waits for the data. Only the manifest (small)
   * is read before the page is set, because the resource roots need the dataset folder.
   */
  private async adopt(panel: vscode.WebviewPanel, runDir: string): Promise<void> {
    const key = path.resolve(runDir);
    this.panels.get(key)?.panel.dispose();
    const started = performance.now();
    const manifest = await readManifest(runDir);
    const datasetRoot = datasetRootOf({ dataset: { ...manifest.dataset, path: locateDataset(runDir, manifest.dataset).path } });
    const loaded = RunData.open(runDir).then((data): OpenPanel => {
      this.log.info(`score panel: ${data.id} loaded (${data.n} rows) in ${(performance.now() - started).toFixed(0)} ms`);
      return { panel, data, thumbs: new ThumbnailRenderer(data.dir, data.manifest) };
    });
    const slot: PanelSlot = { panel, loaded };
    this.panels.set(key, slot);
    panel.title = `Scores: ${manifest.preset ?? ''} ${path.basename(datasetRoot)} (${manifest.id.slice(0, 15)})`;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'sslmem.svg');
    this.setPage(panel, runDir, manifest.id, datasetRoot);
    const subs = [
      panel.webview.onDidReceiveMessage(async (m: unknown) => {
        let entry: OpenPanel | undefined;
        try {
          entry = await loaded;
          await this.onMessage(entry, m);
        } catch (err) {
          await this.fail(panel, runDir, err);
        }
      }),
      panel.onDidDispose(() => {
        if (this.panels.get(key) === slot) this.panels.delete(key);
        for (const s of subs) s.dispose();
      }),
    ];
    await loaded; // a run that cannot be read fails the open (the caller reports it)
  }

  /**
   * The page, and what it may load: the extension's bundles, this run's folder (thumbnails) and its dataset's
   * images. The dataset folder comes from the manifest (data) or a relink: servableDatasetRoot confines it in
   * untrusted workspaces.
   */
  private setPage(panel: vscode.WebviewPanel, runDir: string, runId: string, datasetRoot: string): void {
    const servable = servableDatasetRoot(datasetRoot, viewerScope());
    if (!servable)
      this.log.info(
        `score panel: ${runId}: dataset folder ${datasetRoot} is outside the workspace; its images are not shown (untrusted workspace)`,
      );
    const roots = computeLocalResourceRoots(this.extensionUri.fsPath, [runDir], servable ? [servable] : []);
    panel.webview.options = { enableScripts: true, localResourceRoots: roots.map((r) => vscode.Uri.file(r)) };
    const asUri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    panel.webview.html = webviewPage({
      title: panel.title,
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'scorePanel.js'),
      styleUris: [asUri('media', 'scorePanel.css')],
    });
  }

  /** After a relink: the open panel of `runDir` serves the new dataset folder and reloads its page (its UI state persists). */
  async relocated(runDir: string): Promise<void> {
    const slot = this.panels.get(path.resolve(runDir));
    if (!slot) return;
    const { data, panel } = await slot.loaded;
    data.relocate();
    this.setPage(panel, data.dir, data.id, data.datasetRoot);
  }

  private async onMessage(entry: OpenPanel, raw: unknown): Promise<void> {
    if (!isScorePanelToHost(raw)) {
      this.log.warn(`score panel: dropped an invalid message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const msg: ScorePanelToHost = raw;
    const { data } = entry;
    switch (msg.type) {
      case 'ready': {
        // A moved project: say so in the panel (and offer the workspace folder holding the images).
        const missing =
          data.location.state === 'missing'
            ? { recorded: data.location.recorded, candidate: (await this.datasets?.candidates(data))?.[0] }
            : undefined;
        await this.post(entry, { type: 'init', ...data.init(), runDir: data.dir, datasetMissing: missing });
        await this.post(entry, { type: 'marks', ...data.markCounts() });
        break;
      }
      case 'relinkDataset':
        await this.datasets?.relink(data.dir);
        break;
      case 'getRows': {
        const started = performance.now();
        const matching = data.query(msg.filter, msg.sort ?? 'memorization');
        const slice = matching.slice(msg.start, msg.end);
        const thumbs = await this.thumbUris(
          entry,
          slice.map((r) => r.index),
        );
        const rows: GalleryRow[] = slice.map((r) => ({
          index: r.index,
          rank: r.rank,
          questionRank: data.questionRank.get(r.index),
          score: r.normalised,
          stderr: data.stderrOf(r),
          noise: data.isNoise(r),
          raw: r.raw,
          lf: r.lf,
          lg: r.lg,
          subset: r.subset,
          label: r.label,
          path: r.path,
          thumb: thumbs.get(r.index) ?? '',
          mark: data.marks.get(r.index),
          ...(r.pValue !== undefined ? { p: r.pValue, q: Number.isNaN(r.qValue) ? undefined : r.qValue } : {}),
        }));
        await this.post(entry, { type: 'page', requestId: msg.requestId, total: matching.length, start: msg.start, rows });
        this.paged.fire({
          runDir: data.dir,
          requestId: msg.requestId,
          start: msg.start,
          rows: rows.length,
          total: matching.length,
          hostMs: performance.now() - started,
        });
        break;
      }
      case 'setMark':
        await data.setMarks(msg.indices, msg.mark);
        await this.post(entry, { type: 'marks', ...data.markCounts() });
        break;
      case 'exportSelection':
        await this.exportSelection(data, msg.indices);
        break;
      case 'openFile':
      case 'openInspector': {
        const row = data.row(msg.index);
        if (!row || !data.isImageFolder) {
          await this.post(entry, {
            type: 'notice',
            text: 'This sample is a record inside a dataset file; it has no image file of its own.',
          });
          break;
        }
        const file = data.openableFileOf(row); // scores.bin is data: '../../.ssh/id_rsa' or a symlink out is not opened
        if (!file) {
          await this.post(entry, { type: 'notice', text: `${row.path} is not a file inside the run's dataset folder; not opening it.` });
          break;
        }
        if (msg.type === 'openFile')
          await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), {
            viewColumn: vscode.ViewColumn.Beside,
            preview: true,
          });
        else await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), INSPECTOR_VIEW_TYPE, vscode.ViewColumn.Beside);
        break;
      }
      case 'getViews': {
        const files = await entry.thumbs.views(msg.index);
        await this.post(entry, {
          type: 'views',
          index: msg.index,
          uris: files.map((f) => entry.panel.webview.asWebviewUri(vscode.Uri.file(f)).toString()),
        });
        break;
      }
      case 'rendered':
        this.rendered.fire({ runDir: data.dir, requestId: msg.requestId, rows: msg.rows, ms: msg.ms });
        break;
    }
  }

  private async thumbUris(entry: OpenPanel, indices: number[]): Promise<Map<number, string>> {
    const webview = entry.panel.webview;
    const out = new Map<number, string>();
    if (entry.data.isImageFolder) {
      for (const i of indices) {
        const row = entry.data.row(i);
        const file = row && entry.data.fileOf(row);
        if (file) out.set(i, webview.asWebviewUri(vscode.Uri.file(file)).toString());
      }
      return out;
    }
    for (const [i, file] of await entry.thumbs.ensure(indices)) out.set(i, webview.asWebviewUri(vscode.Uri.file(file)).toString());
    return out;
  }

  private async exportSelection(data: RunData, indices: number[]): Promise<void> {
    if (indices.length === 0) return;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(data.dir, `selection-${indices.length}.csv`)),
      filters: { CSV: ['csv'] },
      title: 'Export selected samples',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(data.toCsv(indices), 'utf8'));
    void vscode.window.showInformationMessage(`SSLMem: exported ${indices.length} samples to ${target.fsPath}`);
  }

  private async fail(panel: vscode.WebviewPanel, runDir: string, err: unknown): Promise<void> {
    const text = err instanceof Error ? err.message : String(err);
    this.log.error(`score panel (${runDir}): ${text}`);
    await panel.webview.postMessage({ type: 'notice', text } satisfies HostToScorePanel);
  }

  private async post(entry: OpenPanel, msg: HostToScorePanel): Promise<void> {
    await entry.panel.webview.postMessage(msg);
  }

  dispose(): void {
    for (const { panel } of [...this.panels.values()]) panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
