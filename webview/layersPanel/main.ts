// "Layers & Units" panel (browser bundle dist/webview/layersPanel.js): LayerMem and ΔLayerMem bars per layer,
// the L_f vs L_g scatter of one layer (points coloured by the run's score), a UnitMem histogram per layer, the
// layer's units ranked by UnitMem, a clicked unit's most-selective images in pages, and memorization over
// training (mean score of S_C and S_S per snapshot step; training loss and kNN accuracy at the same steps). Everything arrives as
// validated plain data from the host; text goes in with textContent only; only UI state is persisted.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import { isHostToLayersPanel, type HostToLayersPanel, type LayersSummary, type UnitsSummary } from '../../src/protocol/layersPanel';
import { el } from '../shared/dom';
import { axis, chartBox, charts, computeButton, color, f3, post, vscode } from './common';
import { overTrainingSection } from './overTraining';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  Legend,
);

const CSS = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px 24px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { position: relative; width: min(560px, 100%); height: 260px; }
.muted { opacity: 0.75; } .note { border-left: 3px solid var(--vscode-charts-yellow); padding-left: 8px; } .error { color: var(--vscode-errorForeground); }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:disabled { opacity: 0.5; cursor: default; }
table { border-collapse: collapse; } td, th { padding: 2px 8px; text-align: right; } th:first-child, td:first-child { text-align: left; }
.units { max-height: 260px; overflow-y: auto; min-width: 180px; }
.units button { display: block; width: 100%; text-align: left; margin: 1px 0; }
.units button.selected { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.images { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 8px; max-width: 900px; }
.images figure { margin: 0; font-size: 0.85em; overflow-wrap: anywhere; }
.images img { width: 96px; height: 96px; object-fit: contain; image-rendering: pixelated; background: #000; }
`;
const style = document.createElement('style');
style.nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
style.textContent = CSS;
document.head.append(style);

/** UI state only (vscode.setState): chosen layers and unit. */
interface UiState {
  scatterLayer?: string;
  unitLayer?: string;
  unit?: number;
  page?: number;
}
const state: UiState = (vscode.getState() as UiState | null) ?? {};
const save = () => vscode.setState(state);

const app = document.getElementById('app')!;
function layersSection(l: LayersSummary | null): HTMLElement {
  const section = el('section', { id: 'layers' }, el('h2', { text: 'LayerMem per layer' }));
  const compute = computeButton('compute-layers', 'LayerMem', l !== null, 'layers');
  if (!l) {
    section.append(
      el('p', { className: 'muted', text: 'No LayerMem yet for this run (needs f and g; CLI: sslmem layers <run>).' }),
      compute,
    );
    return section;
  }
  section.append(
    el('p', {
      className: 'muted',
      text: `Normalised score (L_g − L_f)/(L_g + L_f) on each layer's output, mean over ${l.setLabel} (${l.points} points, K = ${l.pairs}, outputs ${l.reduce === 'flatten' ? 'flattened' : 'as unit means'}). ΔLayerMem = LayerMem(l) − LayerMem(l−1).`,
    }),
  );
  if (l.finalLayerOnly)
    section.append(el('p', { id: 'final-layer-only', className: 'note', text: `Final layer only: ${l.finalLayerOnly}.` }));
  const bars = chartBox();
  section.append(el('div', { className: 'row' }, bars.box, table(l)), compute);
  charts.push(
    new Chart(bars.canvas, {
      type: 'bar',
      data: {
        labels: l.bars.map((b) => b.name),
        datasets: [
          { label: 'LayerMem', data: l.bars.map((b) => b.layerMem), backgroundColor: color('--vscode-charts-blue', '#3794ff') },
          { label: 'ΔLayerMem', data: l.bars.map((b) => b.delta), backgroundColor: color('--vscode-charts-orange', '#d18616') },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { color: color('--vscode-foreground', '#ccc') } } },
        scales: { x: axis(), y: axis() },
      },
    }),
  );
  // Alignment scatter: L_f vs L_g per point for one layer, coloured by the run's (final-layer) score.
  const pick = el('select', { id: 'scatter-layer' });
  for (const s of l.scatter) pick.append(el('option', { text: s.name, attrs: { value: s.name } }));
  pick.value =
    state.scatterLayer && l.scatter.some((s) => s.name === state.scatterLayer) ? state.scatterLayer : l.scatter[l.scatter.length - 1].name;
  const sc = chartBox();
  section.append(
    el('h2', { text: 'Alignment per point' }),
    el('p', {
      className: 'muted',
      text: "L_f (x) vs L_g (y) of every point of the set on the chosen layer; above the diagonal f aligns the point better than g. Colour: the run's score (red high, blue low).",
    }),
    pick,
    sc.box,
  );
  const scoreColour = (s: number | null) =>
    s === null
      ? '#888'
      : s > 0
        ? `rgba(241,76,76,${0.25 + 0.75 * Math.min(1, s / 0.5)})`
        : `rgba(55,148,255,${0.25 + 0.75 * Math.min(1, -s / 0.5)})`;
  const scatter = new Chart(sc.canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'points', data: [] as { x: number; y: number }[], pointBackgroundColor: l.runScore.map(scoreColour), pointRadius: 3 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: axis('L_f'), y: axis('L_g') },
    },
  });
  charts.push(scatter);
  const draw = () => {
    const s = l.scatter.find((x) => x.name === pick.value)!;
    scatter.data.datasets[0].data = s.lf.map((x, i) => ({ x, y: s.lg[i] }));
    scatter.update();
    state.scatterLayer = pick.value;
    save();
  };
  pick.addEventListener('change', draw);
  draw();
  return section;
}

function table(l: LayersSummary): HTMLElement {
  const t = el(
    'table',
    { id: 'layers-table' },
    el('tr', {}, ...['layer', 'shape', 'LayerMem', '± s.e.', 'Δ'].map((h) => el('th', { text: h }))),
  );
  for (const b of l.bars)
    t.append(
      el(
        'tr',
        {},
        el('td', { text: b.name }),
        el('td', { text: b.shape.join('×') }),
        el('td', { text: f3(b.layerMem) }),
        el('td', { text: f3(b.stderr) }),
        el('td', { text: f3(b.delta) }),
      ),
    );
  return t;
}

let imagesBox: HTMLElement | null = null;

function unitsSection(u: UnitsSummary | null): HTMLElement {
  const section = el('section', { id: 'units' }, el('h2', { text: 'UnitMem per layer' }));
  const compute = computeButton('compute-units', 'UnitMem (f)', u !== null, 'units');
  if (!u) {
    section.append(
      el('p', {
        className: 'muted',
        text: 'No UnitMem yet for this run (one encoder; CLI: sslmem units <run> [--encoder f|g|file.onnx]).',
      }),
      compute,
    );
    return section;
  }
  section.append(
    el('p', {
      className: 'muted',
      text: `Encoder ${u.encoder}; μ over ${u.augmentations} augmentations, ${u.points} points (${u.setLabel}); μ_rest = ${u.rest}; negative units: ${u.negative === 'exclude' ? 'excluded' : 'shifted'}. Click a unit for the images it is most selective for.`,
    }),
  );
  const pick = el('select', { id: 'unit-layer' });
  for (const l of u.layers)
    pick.append(
      el('option', {
        text: `${l.name} (${l.units} units, ${l.summary.scored} scored, mean ${f3(l.summary.mean)})`,
        attrs: { value: l.name },
      }),
    );
  pick.value = state.unitLayer && u.layers.some((l) => l.name === state.unitLayer) ? state.unitLayer : u.layers[0].name;
  const hist = chartBox();
  const list = el('div', { className: 'units', id: 'unit-list' });
  imagesBox = el('div', { id: 'unit-images' });
  section.append(pick, el('div', { className: 'row' }, hist.box, list), imagesBox, compute);
  const chart = new Chart(hist.canvas, {
    type: 'bar',
    data: {
      labels: [] as string[],
      datasets: [{ label: 'units', data: [] as number[], backgroundColor: color('--vscode-charts-purple', '#b180d7') }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: axis('UnitMem'), y: axis('units') },
    },
  });
  charts.push(chart);
  const draw = () => {
    const l = u.layers.find((x) => x.name === pick.value)!;
    chart.data.labels = l.histogram.edges.slice(0, -1).map((e, i) => `${e.toFixed(2)}–${l.histogram.edges[i + 1].toFixed(2)}`);
    chart.data.datasets[0].data = l.histogram.counts;
    chart.update();
    list.replaceChildren(
      ...l.ranked.map((r) => {
        const b = el('button', { text: `unit ${r.unit}: ${f3(r.score)}`, attrs: { 'data-unit': String(r.unit) } });
        if (state.unitLayer === l.name && state.unit === r.unit) b.className = 'selected';
        b.addEventListener('click', () => {
          state.unit = r.unit;
          state.page = 0;
          save();
          requestImages();
          for (const o of list.children) o.className = o === b ? 'selected' : '';
        });
        return b;
      }),
    );
    if (state.unitLayer !== l.name) {
      state.unitLayer = l.name;
      state.unit = undefined;
      save();
      imagesBox!.replaceChildren();
    }
  };
  pick.addEventListener('change', draw);
  draw();
  if (state.unit !== undefined) requestImages();
  return section;
}

function requestImages(): void {
  if (!state.unitLayer || state.unit === undefined) return;
  post({ type: 'unitImages', layer: state.unitLayer, unit: state.unit, page: state.page ?? 0 });
}

function showImages(m: Extract<HostToLayersPanel, { type: 'unitImages' }>): void {
  if (!imagesBox) return;
  const prev = el('button', { id: 'page-prev', text: '‹ Previous' }),
    next = el('button', { id: 'page-next', text: 'Next ›' });
  prev.disabled = m.page === 0;
  next.disabled = m.page >= m.pages - 1;
  prev.addEventListener('click', () => {
    state.page = m.page - 1;
    save();
    requestImages();
  });
  next.addEventListener('click', () => {
    state.page = m.page + 1;
    save();
    requestImages();
  });
  const grid = el(
    'div',
    { className: 'images' },
    ...m.images.map((im) =>
      el(
        'figure',
        {},
        im.uri ? el('img', { attrs: { src: im.uri, alt: im.path } }) : el('div', { className: 'muted', text: '(no image file)' }),
        el('figcaption', { text: `${im.path} · μ ${f3(im.mu)}` }),
      ),
    ),
  );
  imagesBox.replaceChildren(
    el('h2', { text: `${m.layer} · unit ${m.unit} (UnitMem ${f3(m.score)}): most selective images` }),
    el('div', {}, prev, el('span', { id: 'page-label', text: ` page ${m.page + 1} of ${m.pages} (${m.total} images) ` }), next),
    grid,
  );
}

/** The last data shown, to draw it again in a new theme's colours. */
let shown: Extract<HostToLayersPanel, { type: 'data' }> | undefined;
function showData(m: Extract<HostToLayersPanel, { type: 'data' }>): void {
  shown = m;
  for (const c of charts.splice(0)) c.destroy();
  app.replaceChildren(
    el('h1', { text: m.title }),
    ...m.notes.map((n) => el('p', { className: 'error', text: n })),
    layersSection(m.layers),
    unitsSection(m.units),
    overTrainingSection(m.overTraining),
  );
}
// VS Code swaps the body's theme class when the theme changes: chart.js keeps the colours it was given, so
// the panel is drawn again (the scroll position stays).
new MutationObserver(() => {
  if (!shown) return;
  const top = document.scrollingElement?.scrollTop ?? 0;
  showData(shown);
  if (document.scrollingElement) document.scrollingElement.scrollTop = top;
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (ev: MessageEvent) => {
  const m: unknown = ev.data;
  if (!isHostToLayersPanel(m)) return;
  switch (m.type) {
    case 'data':
      showData(m);
      break;
    case 'unitImages':
      showImages(m);
      break;
    case 'busy':
      app.prepend(el('p', { className: 'muted', id: 'busy', text: m.message }));
      break;
    case 'error':
      app.prepend(el('p', { className: 'error', text: m.message }));
      break;
  }
});
post({ type: 'ready' });
