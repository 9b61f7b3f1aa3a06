// The retrain-after-removal panel (one per run) and its two commands:
//   "SSLMem: Retrain After Removal" — pick a finished run (paper protocol or whole dataset), k list, seeds (and
//     optionally fewer epochs), run the backend job `retrainSslmem` with a cancellable notification, then show
//     the results;
//   "SSLMem: Open Retrain Results" — show <run>/retrain.json of a run that has one.
// The page's "side by side" button opens the original run and the re-scored retrained encoder as two galleries.
// registerRetrain() is the one call extension.ts makes. Messages from the page are validated
// (retrainProtocol.ts); the page gets plain data only.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isObject } from '../protocol/guards';
import { BackendError, type RetrainResult } from '../protocol/backend';
import type { ScoreDiff } from '../engine/sslmem/removal/types';
import type { BackendHost } from './backendHost';
import type { GalleryComparePanels } from './galleryComparePanel';
import { concurrentTraining, executionProvider, runStoreFolders, threads } from './config';
import { isRetrainResults, isRetrainToHost, summariseScoreDiff, type HostToRetrain } from '../protocol/retrain';
import { listRuns } from './runIndex';
import { pickRun, runDirOf, type RunArg } from './runCommands';
import { makeNonce, webviewPage } from './webviewHtml';

export const RETRAIN_VIEW_TYPE = 'sslmem.retrain';

/** The results file to show: retrain.json (the run's recipe), else the newest retrain-e<E>.json (fewer epochs). */
export async function retrainResultsFile(runDir: string): Promise<string | null> {
  if (existsSync(path.join(runDir, 'retrain.json'))) return path.join(runDir, 'retrain.json');
  const names = (await fs.readdir(runDir).catch(() => [] as string[])).filter((n) => /^retrain-e\d+\.json$/.test(n));
  const stamped = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(runDir, n))).mtimeMs })));
  const newest = stamped.sort((a, b) => b.t - a.t)[0];
  return newest ? path.join(runDir, newest.n) : null;
}

export async function readRetrainMessage(runDir: string): Promise<HostToRetrain> {
  const file = await retrainResultsFile(runDir);
  if (!file) return { type: 'error', message: `no retrain results in ${runDir} yet: run "SSLMem: Retrain After Removal" first` };
  const results: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
  if (!isRetrainResults(results)) return { type: 'error', message: `${file} is not a valid retrain.json` };
  let diff = null;
  if (results.scoreDiffFile) {
    const diffFile = path.join(runDir, results.scoreDiffFile);
    if (existsSync(diffFile)) diff = summariseScoreDiff(JSON.parse(await fs.readFile(diffFile, 'utf8')) as ScoreDiff);
  }
  return { type: 'results', title: `Retrain after removal — ${path.basename(runDir)}`, results, diff };
}

export class RetrainPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; ready: boolean; queue: HostToRetrain[] }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly galleries: GalleryComparePanels,
  ) {}

  panelOf(runDir: string): vscode.WebviewPanel | undefined {
    return this.panels.get(runDir)?.panel;
  }

  /** Opens (or reveals) the panel of a run and shows its current results. */
  async open(runDir: string): Promise<vscode.WebviewPanel> {
    const entry = this.panels.get(runDir) ?? this.create(runDir);
    entry.panel.reveal(undefined, true);
    this.post(runDir, await readRetrainMessage(runDir));
    return entry.panel;
  }

  /** Live progress of a job on this run (the page shows it above the results). */
  progress(runDir: string, message: HostToRetrain): void {
    if (this.panels.has(runDir)) this.post(runDir, message);
  }

  private create(runDir: string) {
    const panel = vscode.window.createWebviewPanel(RETRAIN_VIEW_TYPE, `Retrain · ${path.basename(runDir)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'sslmem.svg');
    const w = panel.webview;
    const script = w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'retrain.js')).toString();
    w.html = webviewPage({ title: 'Retrain after removal', cspSource: w.cspSource, nonce: makeNonce(), scriptUri: script, styleUris: [] });
    const entry = { panel, ready: false, queue: [] as HostToRetrain[] };
    this.panels.set(runDir, entry);
    const sub = w.onDidReceiveMessage((m: unknown) => {
      if (!isRetrainToHost(m)) return;
      if (m.type === 'ready') {
        entry.ready = true;
        for (const q of entry.queue.splice(0)) void w.postMessage(q);
      } else if (m.type === 'compareGalleries')
        void this.compareRetrained(runDir).catch(
          (err: unknown) => void vscode.window.showErrorMessage(`SSLMem: ${err instanceof Error ? err.message : String(err)}`),
        );
      else
        void retrainResultsFile(runDir).then((f) => {
          if (f) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(f.replace(/\.json$/, '.md')));
        });
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(runDir);
    });
    return entry;
  }

  /** The original run and the retrained encoder of the results' score-diff file, side by side. Returns the panel key. */
  async compareRetrained(runDir: string): Promise<string> {
    const file = await retrainResultsFile(runDir);
    const results: unknown = file ? JSON.parse(await fs.readFile(file, 'utf8')) : null;
    if (!isRetrainResults(results) || !results.scoreDiffFile)
      throw new Error(`no re-scored retrained encoder in ${runDir}: retrain with re-scoring (the default) and the run's own epochs`);
    return this.galleries.openRetrained(runDir, results.scoreDiffFile);
  }

  private post(runDir: string, msg: HostToRetrain): void {
    const entry = this.panels.get(runDir);
    if (!entry) return;
    if (entry.ready) void entry.panel.webview.postMessage(msg);
    else entry.queue.push(msg);
  }

  dispose(): void {
    for (const e of this.panels.values()) e.panel.dispose();
    this.panels.clear();
  }
}

/** Options a script or test may pass instead of answering the prompts. */
export interface RetrainOptions {
  k?: number[];
  seeds?: number;
  epochs?: number;
  open?: boolean;
  /** Re-score the largest memorized removal against g (default true). */ rescore?: boolean;
}

export function parseKInput(text: string): number[] | string {
  const ks = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (ks.length === 0 || ks.some((k) => !(k > 0) || (k >= 1 && !Number.isInteger(k))))
    return 'counts (100,300) or fractions (0.05,0.1), comma-separated';
  return ks;
}

export async function retrainAfterRemoval(
  backend: BackendHost,
  panels: RetrainPanels,
  arg?: RunArg,
  options: RetrainOptions = {},
): Promise<RetrainResult | undefined> {
  const runDir = runDirOf(arg) ?? (await pickRun('SSLMem: retrain after removal — which run?'));
  if (!runDir) return undefined;
  let k = options.k;
  if (!k) {
    const text = await vscode.window.showInputBox({
      title: "Points to remove from f's training data (a whole-dataset run: from its non-control images)",
      value: '0.05,0.1',
      prompt: 'k: counts or fractions, comma-separated',
      validateInput: (t) => {
        const r = parseKInput(t);
        return typeof r === 'string' ? r : undefined;
      },
    });
    if (text === undefined) return undefined;
    k = parseKInput(text) as number[];
  }
  let seeds = options.seeds;
  if (seeds === undefined) {
    const text = await vscode.window.showInputBox({
      title: 'Random-removal seeds per k',
      value: '3',
      validateInput: (t) => (/^[1-9]\d?$/.test(t.trim()) ? undefined : 'a whole number from 1 to 99'),
    });
    if (text === undefined) return undefined;
    seeds = Number(text);
  }
  const title = `SSLMem: retrain ${path.basename(runDir)} (k = ${k.join(', ')}, ${seeds} seed${seeds === 1 ? '' : 's'})`;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (report, token) =>
      backend.request(
        'retrainSslmem',
        {
          runDir,
          k: k!,
          seeds: seeds!,
          epochs: options.epochs,
          rescore: options.rescore ?? true,
          provider: executionProvider(),
          threads: threads(),
          concurrentTraining: concurrentTraining(),
        },
        {
          token,
          label: title,
          onProgress: (e) => {
            panels.progress(runDir, { type: 'progress', event: e });
            if (e.kind === 'encoder' && e.status === 'start') report.report({ message: `${e.name} (${e.index + 1}/${e.total})` });
            if (e.kind === 'train' && e.step % 20 === 0) report.report({ message: `${e.name}: step ${e.step}/${e.total}` });
          },
        },
      ),
  );
  if (result.status === 'cancelled')
    void vscode.window.showInformationMessage('SSLMem: retraining cancelled; run it again to continue where it stopped.');
  else if (options.open !== false) await panels.open(runDir);
  return result;
}

export async function openRetrainResults(panels: RetrainPanels, arg?: RunArg): Promise<vscode.WebviewPanel | undefined> {
  let runDir = runDirOf(arg);
  if (!runDir) {
    const runs = await listRuns(runStoreFolders());
    const withResults = (await Promise.all(runs.map(async (r) => ((await retrainResultsFile(r.dir)) ? [r] : [])))).flat();
    if (withResults.length === 0) {
      void vscode.window.showInformationMessage('SSLMem: no run has retrain results yet. Run "SSLMem: Retrain After Removal" first.');
      return undefined;
    }
    runDir = (
      await vscode.window.showQuickPick(
        withResults.map((r) => ({ label: r.id, detail: r.dataset, dir: r.dir })),
        { title: 'SSLMem: retrain results of which run?' },
      )
    )?.dir;
  }
  return runDir ? panels.open(runDir) : undefined;
}

/** Registers the panel and the two commands; extension.ts calls this once from activate(). */
export function registerRetrain(context: vscode.ExtensionContext, backend: BackendHost, galleries: GalleryComparePanels): RetrainPanels {
  const panels = new RetrainPanels(context.extensionUri, galleries);
  const guard = <T>(fn: () => Promise<T>) =>
    fn().catch((err: unknown) => {
      if (err instanceof BackendError && err.code === 'cancelled') return undefined;
      backend.log.error(`retrain: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showErrorMessage(`SSLMem: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
  context.subscriptions.push(
    panels,
    // From the runs tree the second argument is the list of selected items, not options.
    vscode.commands.registerCommand('sslmem.retrainAfterRemoval', (run?: RunArg, options?: unknown) =>
      guard(() => retrainAfterRemoval(backend, panels, run, isObject(options) ? (options as RetrainOptions) : {})),
    ),
    vscode.commands.registerCommand('sslmem.openRetrainResults', (run?: RunArg) => guard(() => openRetrainResults(panels, run))),
  );
  return panels;
}
