// Pieces of every webview page that need no `vscode` import, so unit tests check them directly:
// the nonce, the Content-Security-Policy, the page skeleton and the localResourceRoots list.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** A fresh nonce per page load: only scripts/styles carrying it may run. */
export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c] ?? '');
}

/** Nothing by default; images and stylesheets only from the webview's own resource origin; scripts only with the nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `img-src ${cspSource}`, `style-src ${cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join(
    '; ',
  );
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface PageParts {
  title: string;
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
}

/** The page skeleton; the bundled script renders everything inside #app. */
export function webviewPage(p: PageParts): string {
  const styles = p.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}" nonce="${p.nonce}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, p.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escapeAttr(p.title)}</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${p.nonce}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>`;
}

/**
 * Folders a webview may load files from: the extension's bundles and media, the run-store folders
 * (thumbnails and plots a run writes) and the dataset folders of the runs shown. Kept tight on purpose:
 * relative or empty paths and the filesystem root are dropped (a root would expose every file), duplicates
 * removed, and a folder already inside another listed folder left out.
 */
export function computeLocalResourceRoots(
  extensionPath: string,
  runStoreFolders: readonly string[],
  datasetFolders: readonly string[],
): string[] {
  const candidates = [path.join(extensionPath, 'dist'), path.join(extensionPath, 'media'), ...runStoreFolders, ...datasetFolders];
  const clean = candidates
    .filter((p) => p && path.isAbsolute(p))
    .map((p) => path.resolve(p))
    .filter((p) => path.dirname(p) !== p); // the root of a drive or filesystem
  const unique = [...new Set(clean)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of unique) if (!kept.some((k) => p.startsWith(k.endsWith(path.sep) ? k : k + path.sep))) kept.push(p);
  return kept;
}

/** A dataset entry may name a file (an IDX or CIFAR binary); the folder holding it is what gets served. */
export function datasetFolderOf(dataset: string): string {
  return path.extname(dataset) ? path.dirname(dataset) : dataset;
}
