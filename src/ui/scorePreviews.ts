// Scores next to image files. Images open in VS Code's own image editor, where hovers never fire, so:
// a FileDecorationProvider badges scored dataset images in the Explorer (band diamond, band colour, plain
// text tooltip), and a HoverProvider shows thumbnail + score on image paths mentioned in text files
// (CSV, JSON, Markdown, code).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BAND_BADGES, describeScore, standing, type SampleScore, type ScoreIndex } from './scoreIndex';

// VS Code paints a decorated file's editor tab and Explorer label in the decoration's colour, whoever provides
// it. So: colours no SCM uses (violet, blue; see package.json), and no colour at all for the low band — a
// dimmed label reads as "git-ignored", and most images are in the low band. Controls (S_S, S_I, S_E) are not
// memorization candidates: no colour either, whatever they score.
const BAND_COLORS = { high: 'sslmem.scoreHigh', mid: 'sslmem.scoreMid', low: undefined, control: undefined } as const;

export class ScoreDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(private readonly index: ScoreIndex) {}

  /** The index was rebuilt: every decoration may have changed. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const s = this.index.lookup(uri.fsPath);
    if (!s) return undefined;
    const color = BAND_COLORS[s.band];
    const d = new vscode.FileDecoration(BAND_BADGES[s.band], describeScore(s), color ? new vscode.ThemeColor(color) : undefined);
    d.propagate = false; // a folder full of images would otherwise always look "memorized"
    return d;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Image paths as they appear in text: relative or absolute, quoted or bare, with an image extension. */
const IMAGE_PATH = /[\w@~:.\-/\\]+\.(?:png|jpe?g|bmp|gif|webp)\b/gi;

export class ScoreHoverProvider implements vscode.HoverProvider {
  constructor(private readonly index: ScoreIndex) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    for (const m of line.matchAll(IMAGE_PATH)) {
      const start = m.index ?? 0;
      if (position.character < start || position.character > start + m[0].length) continue;
      const score = this.resolve(m[0], document);
      if (!score) return undefined;
      return new vscode.Hover(scoreMarkdown(score), new vscode.Range(position.line, start, position.line, start + m[0].length));
    }
    return undefined;
  }

  /** Tries the path as absolute, then relative to the document, the workspace folders and the runs' dataset roots. */
  private resolve(text: string, document: vscode.TextDocument): SampleScore | undefined {
    const candidates = path.isAbsolute(text)
      ? [text]
      : [
          path.join(path.dirname(document.uri.fsPath), text),
          ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, text)),
          ...this.index.datasetRoots.map((r) => path.join(r, text)),
        ];
    for (const c of candidates) {
      const s = this.index.lookup(c);
      if (s) return s;
    }
    return undefined;
  }
}

/** Thumbnail and numbers of a sample, for hovers and tree tooltips. */
export function scoreMarkdown(s: SampleScore): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  if (fs.existsSync(s.file)) {
    // The image is linked relative to baseUri: a Uri (unlike a URI inside the text) is translated when the
    // extension host is remote (code-server, SSH, WSL), so the client can load the thumbnail there too.
    md.baseUri = vscode.Uri.file(path.dirname(s.file) + path.sep);
    md.appendMarkdown(`![thumbnail](${encodeURIComponent(path.basename(s.file))}|width=96,height=96)\n\n`);
  }
  md.appendMarkdown(
    `**SSLMem score ${s.score.toFixed(3)}**${s.noise ? ' (within noise)' : ''} — ${standing(s)}` +
      `${s.band === 'control' ? '' : ` (${s.band} memorization band)`} · rank ${s.rank} of ${s.n} over all subsets\n\n`,
  );
  md.appendMarkdown(
    `subset **${s.subset}** · label **${s.className ?? (s.label >= 0 ? s.label : '—')}** · L_f ${s.lf.toFixed(4)} · L_g ${s.lg.toFixed(4)}\n\n`,
  );
  md.appendMarkdown(`run \`${s.runId}\``);
  return md;
}
