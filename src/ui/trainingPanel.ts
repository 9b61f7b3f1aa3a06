// The live training view: one webview panel per run, fed by the backend's progress events (loss curves of f
// and g, images/s, stage progress) with a Cancel button that cancels the job. Messages that arrive before the
// page has loaded are queued, so the first events are not lost. Once a run's folder is known (its job ended,
// or it is being resumed) the panel is that run's: resuming the run reuses it instead of opening a second tab.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunProgress } from '../protocol/backend';
import { isTrainingToHost, type HostToTraining } from '../protocol/training';
import { makeNonce, webviewPage } from './webviewHtml';
import { elapsedSeconds } from './trainingClock';

export const TRAINING_VIEW_TYPE = 'sslmem.training';

/** What the page's buttons do, for the job the panel shows now (a resume binds new ones). */
export interface TrainingHandlers {
  cancel(): void;
  openScores(): void;
  resume(runDir: string): void;
}

type Start = Extract<HostToTraining, { type: 'start' }>;

export class TrainingPanel implements vscode.Disposable {
  /** The open panels by run folder (resolved path). */
  private static readonly byRun = new Map<string, TrainingPanel>();
  /** The open panel of a run, if any. */
  static ofRun(runDir: string): TrainingPanel | undefined {
    return TrainingPanel.byRun.get(path.resolve(runDir));
  }

  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private queue: HostToTraining[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private lastTrainPost = 0;
  private pendingTrain: RunProgress | undefined;
  private runDir: string | undefined;
  private disposed = false;
  /** A job is feeding the panel (until finish): a second job of the same run must not take it over. */
  private running = true;
  /** The start message of the job shown now (tests read what a resumed view was given). */
  lastStart: Start;

  constructor(
    extensionUri: vscode.Uri,
    start: Start,
    private handlers: TrainingHandlers,
    /** When the run began (ms, this host's clock): the page's "elapsed" counts from it. */
    private runStart = Date.now(),
  ) {
    this.lastStart = start;
    this.panel = vscode.window.createWebviewPanel(
      TRAINING_VIEW_TYPE,
      start.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true, // keeps the curves when the tab is hidden mid-run
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'sslmem.svg');
    const w = this.panel.webview;
    const asUri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    w.html = webviewPage({
      title: start.title,
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview', 'training.js'),
      styleUris: [asUri('media', 'training.css')],
    });
    this.queue.push(start);
    this.subs.push(
      w.onDidReceiveMessage((m: unknown) => {
        if (!isTrainingToHost(m)) return;
        if (m.type === 'ready') {
          this.ready = true;
          for (const q of this.queue.splice(0)) this.post(q);
        } else if (m.type === 'cancel') this.handlers.cancel();
        else if (m.type === 'resume') {
          if (this.runDir) this.handlers.resume(this.runDir);
        } else this.handlers.openScores();
      }),
      this.panel.onDidDispose(() => {
        this.disposed = true;
        this.unregister();
      }),
    );
  }

  get visible(): boolean {
    return this.panel.visible;
  }
  get title(): string {
    return this.panel.title;
  }
  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }
  /** The panel can show another job of its run: it is open and its own job has finished. */
  get reusable(): boolean {
    return !this.disposed && !this.running;
  }

  /** The panel shows this run (its folder became known): a resume of it finds this panel. */
  attachRun(runDir: string): void {
    this.unregister();
    this.runDir = path.resolve(runDir);
    TrainingPanel.byRun.set(this.runDir, this);
  }

  /** The same run again (resumed): the page starts over with `start` (and its loss history); the tab is brought forward. */
  restart(start: Start, handlers: TrainingHandlers, runStart = Date.now()): void {
    this.handlers = handlers;
    this.runStart = runStart;
    this.running = true;
    this.lastStart = start;
    this.lastTrainPost = 0;
    this.pendingTrain = undefined;
    this.panel.reveal(undefined, true);
    this.send(start);
  }

  progress(event: RunProgress): void {
    // Training steps can arrive hundreds per second on small data; 10 updates/s are plenty for a chart.
    if (event.kind === 'train') {
      const now = Date.now();
      if (now - this.lastTrainPost < 100 && event.step !== event.total) {
        this.pendingTrain = event;
        return;
      }
      this.lastTrainPost = now;
    }
    this.flushTrain();
    this.send({ type: 'progress', event });
  }

  /** The last held-back train step goes out before anything else: the view's last step is the last one reported. */
  private flushTrain(): void {
    if (this.pendingTrain) {
      this.send({ type: 'progress', event: this.pendingTrain });
      this.pendingTrain = undefined;
    }
  }

  finish(status: 'done' | 'cancelled' | 'failed', message: string): void {
    this.running = false;
    this.flushTrain();
    this.send({ type: 'finished', status, message, resumable: status === 'cancelled' && !!this.runDir });
  }

  private send(msg: HostToTraining): void {
    if (this.ready) this.post(msg);
    else this.queue.push(msg);
  }

  /** A start message says how long the run has been going as it leaves (not when it was queued). */
  private post(msg: HostToTraining): void {
    void this.panel.webview.postMessage(msg.type === 'start' ? { ...msg, elapsedS: elapsedSeconds(this.runStart, Date.now()) } : msg);
  }

  private unregister(): void {
    if (this.runDir && TrainingPanel.byRun.get(this.runDir) === this) TrainingPanel.byRun.delete(this.runDir);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
  }
}
