// "SSLMem Image Inspector": a read-only custom editor for image files (priority "option", so it is offered
// under "Open With…" and never replaces VS Code's image preview). It shows the image with its score, rank,
// subset, label and losses from the latest finished run over its dataset. The page has no script at all:
// its CSP allows only images and the stylesheet from the webview's own origin.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScoreIndex } from './scoreIndex';
import { escapeHtml, inspectorHtml, inspectorRows } from './inspectorHtml';
import { RunData } from './runData';
import { ThumbnailRenderer } from './thumbnails';

export const INSPECTOR_VIEW_TYPE = 'sslmem.imageInspector';

export class ImageInspectorProvider implements vscode.CustomReadonlyEditorProvider {
  private readonly opened = new vscode.EventEmitter<{ uri: vscode.Uri; scored: boolean; views: number }>();
  /** Fires when an inspector has drawn an image (tests listen). */
  readonly onDidOpen = this.opened.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly index: ScoreIndex,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const file = document.uri.fsPath;
    const webview = panel.webview;
    const score = this.index.lookup(file);
    webview.options = {
      enableScripts: false,
      localResourceRoots: [
        vscode.Uri.file(path.dirname(file)),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
        ...(score ? [vscode.Uri.file(score.runDir)] : []),
      ],
    };
    // The augmented views the encoders were scored on; an image whose run cannot render them still opens.
    let views: string[] = [];
    if (score) {
      try {
        const data = await RunData.open(score.runDir);
        views = (await new ThumbnailRenderer(score.runDir, data.manifest).views(score.index)).map((f) =>
          webview.asWebviewUri(vscode.Uri.file(f)).toString(),
        );
      } catch {
        views = [];
      }
    }
    const rows = score ? inspectorRows(score) : [];
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'inspector.css')).toString(),
      imageUri: webview.asWebviewUri(document.uri).toString(),
      title: path.basename(file),
      file,
      rows,
      views,
      note: score
        ? undefined
        : 'No finished SSLMem run has scored this image yet. Run "SSLMem: Compute Memorization Scores" on its folder.',
    });
    this.opened.fire({ uri: document.uri, scored: !!score, views: views.length });
  }

  dispose(): void {
    this.opened.dispose();
  }
}

export { escapeHtml };
