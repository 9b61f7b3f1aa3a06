// The "Layers & Units" panel (issue 16), one per run: LayerMem / ΔLayerMem bars per layer, the L_f vs L_g
// scatter of one layer, a UnitMem histogram per layer and, for a clicked unit, its most-selective images in
// pages, and memorization over training (scores, loss and kNN accuracy per snapshot step). Opened by
// "SSLMem: Open Layers & Units" (command palette, Runs tree, the score panel's title bar). Its buttons run the
// backend jobs `layersSslmem` / `unitsSslmem` / `historySslmem` (cancellable notification). Messages from the
// page are validated (src/protocol/layersPanel.ts); images are served only from inside the run's dataset folder.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendError } from '../protocol/backend';
import { isLayersPanelToHost, type HostToLayersPanel, type LayersPanelToHost } from '../protocol/layersPanel';
import { readManifest } from '../engine/runs/store';
import { isInside, joinInside } from '../engine/runs/containment';
import type { BackendHost } from './backendHost';
import { executionProvider, threads, viewerScope } from './config';
import { datasetRootOf } from './runData';
import { pickRun, runDirOf, type RunArg } from './runCommands';
import { servableDatasetRoot } from './viewerPaths';
import { readLayersData, summariseLayers, summariseOverTraining, summariseUnits, unitImagesPage } from './layersData';
import { computeLocalResourceRoots, makeNonce, webviewPage } from './webviewHtml';
import type { ScorePanels } from './scorePanel';

export const LAYERS_VIEW_TYPE = 'sslmem.layersPanel';

interface Entry {
  panel: vscode.WebviewPanel;
  ready: boolean;
  queue: HostToLayersPanel[];
  servable: string | undefined;
  imageFolder: boolean;
}

export class LayersPanels implements vscode.Disposable {
  private readonly panels = new Map<string, Entry>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backend: BackendHost,
  ) {}

  panelOf(runDir: string): vscode.WebviewPanel | undefined {
    return this.panels.get(path.resolve(runDir))?.panel;
  }

  async open(runDir: string): Promise<vscode.WebviewPanel> {
    const key = path.resolve(runDir);
    const entry = this.panels.get(key) ?? (await this.create(key));
    entry.panel.reveal(undefined, true);
    if (entry.ready) await this.post(key, await this.dataMessage(key));
    return entry.panel;
  }

  /** Answers one page message (also what the integration test calls, the same path as the page's messages). */
  async handle(runDir: string, raw: unknown): Promise<HostToLayersPanel[]> {
    const key = path.resolve(runDir);
    if (!isLayersPanelToHost(raw)) {
      this.backend.log.warn(`layers panel: dropped an invalid message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return [];
    }
    const msg: LayersPanelToHost = raw;
    switch (msg.type) {
      case 'ready':
        return [await this.dataMessage(key)];
      case 'compute':
        await this.compute(key, msg.what);
        return [await this.dataMessage(key)];
      case 'unitImages': {
        const { units } = await readLayersData(key);
        if (!units) return [{ type: 'error', message: 'no UnitMem results for this run yet' }];
        return [unitImagesPage(units, msg.layer, msg.unit, msg.page, (p) => this.imageUri(key, p))];
      }
    }
  }

  private async compute(runDir: string, what: 'layers' | 'units' | 'history'): Promise<void> {
    const title = `SSLMem: ${{ layers: 'LayerMem', units: 'UnitMem', history: 'memorization over training' }[what]} of ${path.basename(runDir)}`;
    void this.post(runDir, { type: 'busy', message: `${title}…` });
    const runtime = { provider: executionProvider(), threads: threads() };
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (report, token) => {
        const opts = {
          token,
          label: title,
          onProgress: (p: { stage: string; done: number; total: number }) => report.report({ message: `${p.stage} ${p.done}/${p.total}` }),
        };
        if (what === 'history') return this.backend.request('historySslmem', { runDir, ...runtime }, opts);
        return what === 'layers'
          ? this.backend.request('layersSslmem', { runDir, ...runtime }, opts)
          : this.backend.request('unitsSslmem', { runDir, ...runtime }, opts);
      });
    } catch (err) {
      if (err instanceof BackendError && err.code === 'cancelled') return;
      throw err;
    }
  }

  private async dataMessage(runDir: string): Promise<HostToLayersPanel> {
    const d = await readLayersData(runDir);
    return {
      type: 'data',
      title: `Layers & Units — ${path.basename(runDir)}`,
      layers: d.layers ? summariseLayers(d.layers) : null,
      units: d.units ? summariseUnits(d.units) : null,
      overTraining: d.overTraining ? summariseOverTraining(d.overTraining) : null,
      notes: d.notes,
    };
  }

  private imageUri(runDir: string, datasetPath: string): string {
    const entry = this.panels.get(runDir);
    if (!entry?.servable || !entry.imageFolder) return '';
    const file = joinInside(entry.servable, path.join(...datasetPath.split('/')));
    if (!file || !isInside(file, entry.servable)) return '';
    return entry.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
  }

  private async create(key: string): Promise<Entry> {
    const manifest = await readManifest(key);
    const root = datasetRootOf(manifest);
    const servable = servableDatasetRoot(root, viewerScope());
    const panel = vscode.window.createWebviewPanel(LAYERS_VIEW_TYPE, `Layers & Units · ${path.basename(key)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: computeLocalResourceRoots(this.extensionUri.fsPath, [], servable ? [servable] : []).map((r) =>
        vscode.Uri.file(r),
      ),
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'sslmem.svg');
    const w = panel.webview;
    const asUri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    w.html = webviewPage({
      title: 'Layers & Units',
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'layersPanel.js'),
      styleUris: [],
    });
    const entry: Entry = {
      panel,
      ready: false,
      queue: [],
      servable,
      imageFolder: (manifest.dataset.kind ?? 'image-folder') === 'image-folder',
    };
    this.panels.set(key, entry);
    const sub = w.onDidReceiveMessage(async (m: unknown) => {
      try {
        const replies = await this.handle(key, m);
        if (isLayersPanelToHost(m) && m.type === 'ready') {
          entry.ready = true;
          for (const q of entry.queue.splice(0)) void w.postMessage(q);
        }
        for (const r of replies) await this.post(key, r);
      } catch (err) {
        await this.post(key, { type: 'error', message: err instanceof Error ? err.message : String(err) });
      }
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(key);
    });
    return entry;
  }

  private async post(runDir: string, msg: HostToLayersPanel): Promise<void> {
    const entry = this.panels.get(runDir);
    if (!entry) return;
    if (entry.ready) await entry.panel.webview.postMessage(msg);
    else entry.queue.push(msg);
  }

  dispose(): void {
    for (const e of this.panels.values()) e.panel.dispose();
    this.panels.clear();
  }
}

/** Registers the panel and its command; extension.ts calls this once. */
export function registerLayersPanel(context: vscode.ExtensionContext, backend: BackendHost, scorePanels: ScorePanels): LayersPanels {
  const panels = new LayersPanels(context.extensionUri, backend);
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('sslmem.openLayersUnits', async (arg?: RunArg) => {
      try {
        // From the score panel's title bar there is no argument: the active score panel's run.
        const active = scorePanels.openRuns.find((dir) => scorePanels.panelOf(dir)?.active);
        const runDir = runDirOf(arg) ?? active ?? (await pickRun('SSLMem: layers & units of which run?'));
        return runDir ? await panels.open(runDir) : undefined;
      } catch (err) {
        void vscode.window.showErrorMessage(`SSLMem: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
  );
  return panels;
}
