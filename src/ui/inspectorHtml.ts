// The Image Inspector's page, as a pure function (no `vscode`), so a unit test can check its CSP and escaping.
import { SUBSET_MEANING } from '../protocol/scorePanel';
import { BAND_LIMITS, BAND_TEXT, type SampleScore } from './scoreIndex';

/** The inspector's table for a scored image: every term explained where it appears (S_C, band, L_f, …). */
export function inspectorRows(s: SampleScore): [string, string][] {
  const pct = (q: number) => `${Math.round(q * 100)}%`;
  const among = s.question.length === 1 ? s.question[0] : 'all scored images';
  const bandRule =
    s.band === 'high'
      ? `rank in the top ${pct(BAND_LIMITS.high)} of ${among}`
      : s.band === 'mid'
        ? `rank in the top ${pct(BAND_LIMITS.high)}–${pct(BAND_LIMITS.mid)} of ${among}`
        : s.band === 'low'
          ? `rank below the top ${pct(BAND_LIMITS.mid)} of ${among}`
          : `not ranked: only ${among} measure memorization`;
  return [
    [
      'score',
      `${s.score.toFixed(4)} ± ${s.stderr.toFixed(4)} (normalised ± standard error; higher = f aligns this image's views better than g: memorized)`,
    ],
    [
      'noise',
      s.noise
        ? 'within noise: as high or low as the scores of images f and g treated alike (S_S, S_E)'
        : "outside the control images' noise band",
    ],
    s.candidateRank !== undefined
      ? ['rank', `${s.candidateRank} of ${s.candidates} in ${among} (1 = most memorized); ${s.rank} of ${s.n} over all subsets`]
      : ['rank', `${s.rank} of ${s.n} over all subsets; a control, not ranked among ${among}`],
    ['band', `${s.band} — ${bandRule}${s.band === 'low' ? '' : ` (Explorer badge ${BAND_TEXT[s.band].split(' ')[0]})`}`],
    ['subset', `${s.subset} — ${SUBSET_MEANING[s.subset]}`],
    ['label', s.className ?? String(s.label)],
    ['L_f', `${s.lf.toFixed(4)} (alignment loss of f, the encoder under test)`],
    ['L_g', `${s.lg.toFixed(4)} (alignment loss of g, the reference encoder)`],
    ['raw L_g − L_f', s.raw.toFixed(4)],
    ['run', s.runId],
  ];
}
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
