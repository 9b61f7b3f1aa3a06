// The side-by-side gallery panel (host side): two galleries of the same samples, each sorted by its own score,
// with per-sample score changes. Opened by "SSLMem: Compare Runs Side by Side" (two runs) and by the retrain
// panel (the original run vs a retrained encoder). The page asks for rows per side by position range; this
// side answers from GalleryPairs (in memory) and serves images as webview URIs of run A's dataset files, or
// of thumbnails rendered into run A's folder for IDX/CIFAR datasets.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScoreDiff } from '../engine/sslmem/removal/types';
import { isGalleryCompareToHost, type HostToGalleryCompare, type PairRow, type Side } from '../protocol/galleryCompare';
import { compareRuns } from './compareRuns';
import { GalleryPairs, pairsFromComparison, pairsFromScoreDiff } from './galleryPairs';
import { RunData } from './runData';
import { ThumbnailRenderer } from './thumbnails';
import { viewerScope } from './config';
import { servableDatasetRoot } from './viewerPaths';
import { computeLocalResourceRoots, makeNonce, webviewPage } from './webviewHtml';

export const GALLERY_COMPARE_VIEW_TYPE = 'sslmem.galleryCompare';

export interface ComparePageEvent {
  key: string;
  side: Side;
  start: number;
  rows: number;
  total: number;
}
export interface CompareRenderEvent {
  key: string;
  side: Side;
  rows: number;
}

interface Entry {
  panel: vscode.WebviewPanel;
  pairs: GalleryPairs;
  run: RunData;
  thumbs: ThumbnailRenderer;
}

export class GalleryComparePanels implements vscode.Disposable {
  private readonly panels = new Map<string, Entry>();
  private readonly paged = new vscode.EventEmitter<ComparePageEvent>();
  private readonly rendered = new vscode.EventEmitter<CompareRenderEvent>();
  /** Fires after a page of one side was posted (tests listen). */
  readonly onDidPostPage = this.paged.event;
  /** Fires when the page reports it drew rows of one side. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  panelOf(key: string): vscode.WebviewPanel | undefined {
    return this.panels.get(key)?.panel;
  }
  pairsOf(key: string): GalleryPairs | undefined {
    return this.panels.get(key)?.pairs;
  }

  /** Two runs on the same dataset (A left, B right). Returns the panel's key. */
  async openRuns(dirA: string, dirB: string): Promise<string> {
    const [a, b] = await Promise.all([RunData.open(dirA), RunData.open(dirB)]);
    const pairs = pairsFromComparison(compareRuns(a, b), { a: a.id, b: b.id });
    if (pairs.total === 0) throw new Error(`runs ${a.id} and ${b.id} share no samples: compare runs on the same dataset`);
    return this.show(`runs:${path.resolve(dirA)}|${path.resolve(dirB)}`, a, pairs);
  }

  /** The run vs the retrained encoder of a score-diff file (relative to the run, as retrain.json names it). */
  async openRetrained(runDir: string, diffFile: string): Promise<string> {
    const file = path.resolve(runDir, diffFile);
    if (!file.startsWith(path.resolve(runDir) + path.sep)) throw new Error(`${diffFile} is not inside ${runDir}`);
    const run = await RunData.open(runDir);
    const diff = JSON.parse(await fs.readFile(file, 'utf8')) as ScoreDiff;
    return this.show(`retrain:${file}`, run, pairsFromScoreDiff(diff, run.id));
  }

  private async show(key: string, run: RunData, pairs: GalleryPairs): Promise<string> {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return key;
    }
    const servable = servableDatasetRoot(run.datasetRoot, viewerScope()); // manifest data: confined when untrusted
    const roots = computeLocalResourceRoots(this.extensionUri.fsPath, [run.dir], servable ? [servable] : []);
    const panel = vscode.window.createWebviewPanel(
      GALLERY_COMPARE_VIEW_TYPE,
      `Side by side: ${pairs.summary.title}`,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: roots.map((r) => vscode.Uri.file(r)),
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'sslmem.svg');
    const asUri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    panel.webview.html = webviewPage({
      title: panel.title,
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'galleryCompare.js'),
      styleUris: [asUri('media', 'scorePanel.css'), asUri('media', 'galleryCompare.css')],
    });
    const entry: Entry = { panel, pairs, run, thumbs: new ThumbnailRenderer(run.dir, run.manifest) };
    this.panels.set(key, entry);
    const sub = panel.webview.onDidReceiveMessage((m: unknown) =>
      this.onMessage(key, entry, m).catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        this.log.error(`side-by-side gallery: ${text}`);
        void this.post(entry, { type: 'notice', text });
      }),
    );
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panels.get(key) === entry) this.panels.delete(key);
    });
    return key;
  }

  private async onMessage(key: string, entry: Entry, raw: unknown): Promise<void> {
    if (!isGalleryCompareToHost(raw)) {
      this.log.warn(`side-by-side gallery: dropped an invalid message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const { pairs } = entry;
    switch (raw.type) {
      case 'ready':
        await this.post(entry, { type: 'init', ...pairs.summary });
        break;
      case 'getRows': {
        const page = pairs.page(raw.side, raw.start, raw.end);
        const thumbs = await this.thumbUris(entry, page);
        const rows: PairRow[] = page.map((r) => ({ ...r, thumb: thumbs.get(r.index) ?? '' }));
        await this.post(entry, { type: 'page', side: raw.side, requestId: raw.requestId, start: raw.start, total: pairs.total, rows });
        this.paged.fire({ key, side: raw.side, start: raw.start, rows: rows.length, total: pairs.total });
        break;
      }
      case 'locate':
        await this.post(entry, { type: 'located', side: raw.side, index: raw.index, pos: pairs.positionOf(raw.side, raw.index) });
        break;
      case 'openFile': {
        const row = entry.run.row(raw.index);
        const file = row && entry.run.openableFileOf(row);
        if (file)
          await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), {
            viewColumn: vscode.ViewColumn.Beside,
            preview: true,
          });
        else
          await this.post(entry, {
            type: 'notice',
            text: 'This sample is a record inside a dataset file; it has no image file of its own.',
          });
        break;
      }
      case 'rendered':
        this.rendered.fire({ key, side: raw.side, rows: raw.rows });
        break;
    }
  }

  /** Run A's image files (image folders), else thumbnails rendered from its decode cache. */
  private async thumbUris(entry: Entry, rows: { index: number; path: string }[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const webview = entry.panel.webview;
    if (entry.run.isImageFolder) {
      for (const r of rows) {
        const file = entry.run.fileOf(r);
        if (file) out.set(r.index, webview.asWebviewUri(vscode.Uri.file(file)).toString());
      }
      return out;
    }
    for (const [i, file] of await entry.thumbs.ensure(rows.map((r) => r.index)))
      out.set(i, webview.asWebviewUri(vscode.Uri.file(file)).toString());
    return out;
  }

  private async post(entry: Entry, msg: HostToGalleryCompare): Promise<void> {
    await entry.panel.webview.postMessage(msg);
  }

  dispose(): void {
    for (const e of [...this.panels.values()]) e.panel.dispose();
    this.paged.dispose();
    this.rendered.dispose();
  }
}
