// The live training view: one webview panel per running job, fed by the backend's progress events
// (loss curves of f and g, images/s, stage progress) with a Cancel button that cancels the job.
// Messages that arrive before the page has loaded are queued, so the first events are not lost.
import * as vscode from 'vscode';
import type { RunProgress } from '../protocol/backend';
import { isTrainingToHost, type HostToTraining } from '../protocol/training';
import { makeNonce, webviewPage } from './webviewHtml';

export const TRAINING_VIEW_TYPE = 'sslmem.training';

export class TrainingPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private queue: HostToTraining[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private lastTrainPost = 0;
  private pendingTrain: RunProgress | undefined;

  constructor(extensionUri: vscode.Uri, start: Extract<HostToTraining, { type: 'start' }>, onCancel: () => void, onOpenScores: () => void) {
    this.panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, start.title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true, retainContextWhenHidden: true, // keeps the curves when the tab is hidden mid-run
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'sslmem.svg');
    const w = this.panel.webview;
    const asUri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    w.html = webviewPage({ title: start.title, cspSource: w.cspSource, nonce: makeNonce(), scriptUri: asUri('dist', 'webview', 'training.js'), styleUris: [asUri('media', 'training.css')] });
    this.queue.push(start);
    this.subs.push(w.onDidReceiveMessage((m: unknown) => {
      if (!isTrainingToHost(m)) return;
      if (m.type === 'ready') { this.ready = true; for (const q of this.queue.splice(0)) void w.postMessage(q); }
      else if (m.type === 'cancel') onCancel();
      else onOpenScores();
    }));
  }

  get visible(): boolean { return this.panel.visible; }
  get onDidDispose(): vscode.Event<void> { return this.panel.onDidDispose; }

  progress(event: RunProgress): void {
    // Training steps can arrive hundreds per second on small data; 10 updates/s are plenty for a chart.
    if (event.kind === 'train') {
      const now = Date.now();
      if (now - this.lastTrainPost < 100 && event.step !== event.total) { this.pendingTrain = event; return; }
      this.lastTrainPost = now;
      if (this.pendingTrain) { this.send({ type: 'progress', event: this.pendingTrain }); this.pendingTrain = undefined; }
    }
    this.send({ type: 'progress', event });
  }

  finish(status: 'done' | 'cancelled' | 'failed', message: string): void { this.send({ type: 'finished', status, message }); }

  private send(msg: HostToTraining): void {
    if (this.ready) void this.panel.webview.postMessage(msg); else this.queue.push(msg);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
  }
}
