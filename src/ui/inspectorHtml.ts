// The Image Inspector's page, as a pure function (no `vscode`), so a unit test can check its CSP and escaping.
/** Text and double-quoted attribute values (every attribute here is double-quoted, so ' may stay as is: the CSP needs it). */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface InspectorPage {
  cspSource: string;
  styleUri: string;
  imageUri: string;
  title: string;
  file: string;
  rows: [string, string][];
  /** Webview URIs of augmented views (may be empty). */
  views?: string[];
  note?: string;
}

export function inspectorHtml(p: InspectorPage): string {
  // No script-src at all: default-src 'none' forbids every script, which this page does not need.
  const csp = `default-src 'none'; img-src ${p.cspSource}; style-src ${p.cspSource}`;
  const rows = p.rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}">
<title>${escapeHtml(p.title)}</title></head>
<body><main class="inspector">
<figure><img id="image" src="${escapeHtml(p.imageUri)}" alt="${escapeHtml(p.title)}"><figcaption>${escapeHtml(p.file)}</figcaption></figure>
<section><h1>${escapeHtml(p.title)}</h1>
${rows ? `<table id="scores">${rows}</table>` : ''}
${p.views?.length ? `<h2>Augmented views (as scored)</h2><div class="views" id="views">${p.views.map((v) => `<img src="${escapeHtml(v)}" alt="augmented view">`).join('')}</div>` : ''}
${p.note ? `<p class="note" id="note">${escapeHtml(p.note)}</p>` : ''}
</section></main></body></html>`;
}
