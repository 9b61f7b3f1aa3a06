// Retrain-after-removal panel (browser bundle dist/webview/retrain.js): accuracy vs k for memorized vs
// random removal (chart.js; random removal drawn as mean over seeds with min–max whiskers from a small
// plugin), the verdict lines, every encoder's numbers, and the per-sample score changes when present.
// Everything arrives from the host as validated plain data; text goes in with textContent only.
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type Plugin } from 'chart.js';
import type { RetrainEvent, RetrainResults, RetrainRow } from '../../src/engine/sslmem/removal/types';
import { isHostToRetrain, type RetrainToHost, type ScoreDiffSummary } from '../../src/protocol/retrain';
import { el, themeColor, vscodeApi } from '../shared/dom';
import { plural } from '../shared/text';
import css from './retrain.css';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);
const vscode = vscodeApi();
const post = (m: RetrainToHost) => vscode.postMessage(m);

// The stylesheet rides in the bundle; the page's CSP admits it through the script's own nonce.
const style = document.createElement('style');
style.nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
style.textContent = css;
document.head.append(style);

type Metric = 'linearProbeAccuracy' | 'knnAccuracy';
const charts: Chart[] = [];
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);

interface Whisker {
  x: number;
  min: number;
  max: number;
}
/** Vertical min–max bars with caps, drawn after the datasets (chart.js has no error bars built in). */
function whiskerPlugin(whiskers: Whisker[], color: string): Plugin<'line'> {
  return {
    id: 'minMaxWhiskers',
    afterDatasetsDraw(chart) {
      const {
        ctx,
        scales: { x, y },
      } = chart;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      for (const w of whiskers) {
        const px = x.getPixelForValue(w.x),
          top = y.getPixelForValue(100 * w.max),
          bottom = y.getPixelForValue(100 * w.min);
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, bottom);
        ctx.moveTo(px - 5, top);
        ctx.lineTo(px + 5, top);
        ctx.moveTo(px - 5, bottom);
        ctx.lineTo(px + 5, bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

function reference(rows: RetrainRow[]): RetrainRow | undefined {
  return rows.find((r) => r.removal === 'none' && r.encoder === 'retrained') ?? rows.find((r) => r.removal === 'none');
}

function chartFor(results: RetrainResults, metric: Metric, title: string): HTMLElement {
  const canvas = el('canvas', { attrs: { 'aria-label': `${title} accuracy versus k` } });
  const ref = reference(results.rows);
  const start = ref ? [{ x: 0, y: 100 * ref[metric] }] : [];
  const memorized = [
    ...start,
    ...results.kResolved.flatMap((k) =>
      results.rows.filter((r) => r.removal === 'memorized' && r.k === k).map((r) => ({ x: k, y: 100 * r[metric] })),
    ),
  ];
  const whiskers: Whisker[] = [];
  const random = [...start];
  for (const k of results.kResolved) {
    const values = results.rows.filter((r) => r.removal === 'random' && r.k === k).map((r) => r[metric]);
    if (values.length === 0) continue;
    random.push({ x: k, y: (100 * values.reduce((s, v) => s + v, 0)) / values.length });
    whiskers.push({ x: k, min: Math.min(...values), max: Math.max(...values) });
  }
  // Legend and axis titles in the editor's foreground (descriptionForeground read dark grey on Dark Modern),
  // tick labels muted; read now, so a theme change draws the charts again (see the MutationObserver below).
  const fg = themeColor('foreground', '#ccc'),
    muted = themeColor('descriptionForeground', '#999');
  const grid = themeColor('editorWidget-border', 'rgba(128,128,128,0.25)');
  const red = themeColor('charts-red', '#f14c4c'),
    blue = themeColor('charts-blue', '#3794ff');
  const scale = { ticks: { color: muted }, grid: { color: grid } };
  canvas.dataset.fg = fg; // what the legend and titles are painted in (the UI scenario reads it)
  // The whiskers are not data chart.js knows about: widen the y range so they stay inside the plot.
  const ys = [...memorized.map((p) => p.y), ...random.map((p) => p.y), ...whiskers.flatMap((w) => [100 * w.min, 100 * w.max])];
  const yRange = { suggestedMin: Math.floor(Math.min(...ys) - 1), suggestedMax: Math.ceil(Math.max(...ys) + 1) };
  charts.push(
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'memorized removal', data: memorized, borderColor: red, backgroundColor: red, pointRadius: 4, borderWidth: 2 },
          {
            label: `random removal (mean, min–max over ${plural(results.seeds, 'seed')})`,
            data: random,
            borderColor: blue,
            backgroundColor: blue,
            pointRadius: 4,
            borderWidth: 2,
            borderDash: [6, 3],
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          legend: { labels: { color: fg } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${(c.parsed.y ?? NaN).toFixed(1)}%` } },
        },
        // k counts removed points: integer ticks only (chart.js would otherwise put ticks at 0.5, 1.5 for small k).
        scales: {
          x: {
            ...scale,
            ticks: { ...scale.ticks, precision: 0 },
            type: 'linear',
            title: {
              display: true,
              text: `k (points removed from ${results.mode === 'whole' ? 'the training pool' : "f's training data"})`,
              color: fg,
            },
          },
          y: { ...scale, ...yRange, title: { display: true, text: `${title} accuracy (%)`, color: fg } },
        },
      },
      plugins: [whiskerPlugin(whiskers, blue)],
    }),
  );
  return el('figure', { className: 'chart' }, el('figcaption', { text: title }), el('div', { className: 'canvas' }, canvas));
}

function rowsTable(rows: RetrainRow[]): HTMLElement {
  const transfer = rows.some((r) => r.transferLinearProbeAccuracy !== undefined);
  const head = [
    'encoder',
    'k',
    'removal',
    'seed',
    'training size',
    'linear probe',
    'kNN',
    ...(transfer ? ['transfer linear', 'transfer kNN'] : []),
    'epochs',
  ];
  const table = el('table', { id: 'rows' }, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))));
  const body = el('tbody');
  for (const r of rows) {
    const cells = [
      r.dir,
      String(r.k),
      r.removal,
      String(r.seed),
      String(r.trainingSize),
      pct(r.linearProbeAccuracy),
      pct(r.knnAccuracy),
      ...(transfer ? [pct(r.transferLinearProbeAccuracy), pct(r.transferKnnAccuracy)] : []),
      String(r.epochs),
    ];
    body.append(el('tr', { className: r.removal }, ...cells.map((c) => el('td', { text: c }))));
  }
  table.append(body);
  return table;
}

function diffSection(diff: ScoreDiffSummary): HTMLElement {
  const f = (x: number) => x.toFixed(3);
  const subsets = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...['subset', 'n', 'mean score before', 'after'].map((h) => el('th', { text: h })))),
    el(
      'tbody',
      {},
      ...diff.subsets.map((s) => el('tr', {}, ...[s.subset, String(s.n), f(s.before), f(s.after)].map((c) => el('td', { text: c })))),
    ),
  );
  const risers = el(
    'table',
    { id: 'risers' },
    el('thead', {}, el('tr', {}, ...['path', 'subset', 'before', 'after', 'change'].map((h) => el('th', { text: h })))),
    el(
      'tbody',
      {},
      ...diff.risers.map((r) =>
        el('tr', {}, ...[r.path, r.subset, f(r.before), f(r.after), f(r.after - r.before)].map((c) => el('td', { text: c }))),
      ),
    ),
  );
  const sideBySide = el('button', { id: 'compare-galleries', text: 'Side by side: original vs retrained galleries' });
  sideBySide.addEventListener('click', () => post({ type: 'compareGalleries' }));
  return el(
    'section',
    {},
    el('h2', { text: `Score changes after removing the ${diff.k} most memorized points (${diff.dir}, re-scored against the same g)` }),
    sideBySide,
    subsets,
    el('h3', {
      text: 'Largest score increases among the points that stayed (in S_S or S_C they may be newly memorized; in S_I or S_E, f never saw them)',
    }),
    risers,
  );
}

/** What the panel shows, kept to draw it again in a new theme's colours. */
let shown: { title: string; results: RetrainResults; diff: ScoreDiffSummary | null } | undefined;

function showResults(title: string, results: RetrainResults, diff: ScoreDiffSummary | null): void {
  shown = { title, results, diff };
  for (const c of charts.splice(0)) c.destroy();
  const summary = el('button', { id: 'open-summary', text: 'Open summary (markdown)' });
  summary.addEventListener('click', () => post({ type: 'openSummary' }));
  const p = results.protocol;
  document.getElementById('app')!.replaceChildren(
    el('header', {}, el('h1', { text: title }), summary),
    el('p', {
      className: 'muted',
      text:
        (results.mode === 'whole'
          ? `Whole-dataset run: training pool of ${results.poolSize} images (all but the controls; reference: a full-pool retraining)`
          : `f trained on ${results.poolSize} points (S_S ∪ S_C)`) +
        `; k = ${results.kResolved.join(', ')}; ${plural(results.seeds, 'random seed')}. Probe-train ${p.probeTrain} (${p.probeTrainSize}), probe-test ${p.probeTest} (${p.probeTestSize}); encoders frozen.`,
    }),
    el('div', { id: 'progress', className: 'muted' }),
    el('section', { id: 'verdict' }, el('h2', { text: 'Verdict' }), el('ul', {}, ...results.conclusion.map((l) => el('li', { text: l })))),
    el('div', { className: 'charts' }, chartFor(results, 'linearProbeAccuracy', 'Linear probe'), chartFor(results, 'knnAccuracy', 'kNN')),
    el('section', {}, el('h2', { text: 'Every encoder' }), rowsTable(results.rows)),
    ...(diff ? [diffSection(diff)] : []),
  );
}

function showProgress(e: RetrainEvent): void {
  let line = document.getElementById('progress');
  if (!line) {
    line = el('div', { id: 'progress', className: 'muted' });
    document.getElementById('app')!.prepend(line);
  }
  if (e.kind === 'encoder') line.textContent = `${e.name}: ${e.status} (${e.index + 1}/${e.total})`;
  else if (e.kind === 'train') line.textContent = `${e.name}: step ${e.step}/${e.total}, loss ${e.loss.toFixed(4)}`;
  else if (e.kind === 'evaluate') line.textContent = `${e.name}: kNN and linear probe`;
  else if (e.kind === 'score') line.textContent = `${e.name}: re-scoring ${e.done}/${e.total}`;
  else line.textContent = `plan: ${e.encoders.length} encoders`;
}

// VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) when the theme changes:
// chart.js paints with the colours it was given, so the results are drawn again (the scroll position stays).
new MutationObserver(() => {
  if (!shown) return;
  const top = document.scrollingElement?.scrollTop ?? 0;
  showResults(shown.title, shown.results, shown.diff);
  if (document.scrollingElement) document.scrollingElement.scrollTop = top;
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const msg = ev.data;
  if (!isHostToRetrain(msg)) return;
  if (msg.type === 'results') showResults(msg.title, msg.results, msg.diff);
  else if (msg.type === 'progress') showProgress(msg.event);
  else document.getElementById('app')!.replaceChildren(el('p', { id: 'error', className: 'error', text: msg.message }));
});
post({ type: 'ready' });
