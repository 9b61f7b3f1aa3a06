// Live training view (browser bundle dist/webview/training.js): one loss curve per encoder (f and g, each seed
// pair's, a whole run's encoder j), images/s, stage progress and a Cancel button. Everything shown comes from the backend's progress events, via the host.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import type { RunProgress } from '../../src/protocol/backend';
import { isHostToTraining, lossSeriesOf, type HostToTraining, type TrainingToHost } from '../../src/protocol/training';
import {
  buildLossSeries,
  etaSeconds,
  formatDuration,
  lossAxisRange,
  lossSeriesStyle,
  overallFraction,
  taskRow,
  type LossSeries,
} from './progress';
import { el, themeColor, vscodeApi } from '../shared/dom';
import { describeChosen, isProviderDecision, type ProviderDecision } from '../../src/engine/runtime/providers';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);
const vscode = vscodeApi();
const post = (m: TrainingToHost) => vscode.postMessage(m);

const stageRows = new Map<string, HTMLElement>();
/** Training stages executed as Slurm tasks: their row keeps the task's job and node once the stage is done. */
const taskRows = new Map<string, ReturnType<typeof taskRow>>();
let stageNames: string[] = [];
const stageDone = new Map<string, number>();
let startedAt = 0;
/** When this job's own work began, and how much of the run was done then (a resumed run starts part-way). */
let paceFrom: { at: number; fraction: number } | undefined;
let clock: ReturnType<typeof setInterval> | undefined;
let chart: Chart | undefined;
/** The chart's curves, one per encoder; chart.data.datasets[i] draws series[i].points. */
let series: LossSeries[] = [];

function start(msg: Extract<HostToTraining, { type: 'start' }>): void {
  const cancel = el('vscode-button', { id: 'cancel', text: 'Cancel run' });
  cancel.addEventListener('click', () => {
    post({ type: 'cancel' });
    // Cancelling takes until the current step (or scoring batch) ends: say so at once.
    cancel.setAttribute('disabled', '');
    cancel.textContent = 'Cancelling…';
    text('status', 'Cancelling… the run stops after the current step; it stays resumable (SSLMem: Resume Run).');
    document.getElementById('status')?.classList.add('cancelling');
  });
  stageNames = [...msg.stages];
  stageDone.clear();
  stageRows.clear();
  taskRows.clear();
  // The run's start as the host knows it (a page that loads late, or a resumed run, still reads the right time).
  startedAt = Date.now() - (msg.elapsedS ?? 0) * 1000;
  paceFrom = undefined;
  // A resumed run: the curves start with what was trained before the cancel (the run's train-loss.csv).
  series = buildLossSeries(msg.stages, msg.history ?? []);
  chart?.destroy();
  clearInterval(clock);
  clock = setInterval(tick, 1000);
  const stages = el('ol', { id: 'stages', className: 'stages' });
  for (const s of msg.stages) {
    const row = el(
      'li',
      { className: 'stage pending' },
      el('span', { className: 'name', text: s }),
      el('span', { className: 'detail muted', text: 'pending' }),
    );
    stageRows.set(s, row);
    stages.append(row);
  }
  const canvas = el('canvas', { id: 'loss-chart' });
  document
    .getElementById('app')!
    .replaceChildren(
      el(
        'header',
        {},
        el('h1', { id: 'title', text: msg.title }),
        el('span', { className: 'muted', text: `${msg.preset} · ${msg.dataset}` }),
        cancel,
      ),
      el(
        'div',
        { className: 'stats' },
        el('div', { className: 'stat' }, el('span', { className: 'muted', text: 'stage' }), el('strong', { id: 'stat-stage', text: '—' })),
        el('div', { className: 'stat' }, el('span', { className: 'muted', text: 'step' }), el('strong', { id: 'stat-step', text: '—' })),
        el('div', { className: 'stat' }, el('span', { className: 'muted', text: 'loss' }), el('strong', { id: 'stat-loss', text: '—' })),
        el('div', { className: 'stat' }, el('span', { className: 'muted', text: 'images/s' }), el('strong', { id: 'stat-ips', text: '—' })),
        el(
          'div',
          { className: 'stat' },
          el('span', { className: 'muted', text: 'overall' }),
          el('strong', { id: 'stat-overall', text: '0%' }),
        ),
        el(
          'div',
          { className: 'stat' },
          el('span', { className: 'muted', text: 'elapsed' }),
          el('strong', { id: 'stat-elapsed', text: '0 s' }),
        ),
        el('div', { className: 'stat' }, el('span', { className: 'muted', text: 'ETA' }), el('strong', { id: 'stat-eta', text: '—' })),
        el(
          'div',
          { className: 'stat' },
          el('span', { className: 'muted', text: 'execution provider' }),
          el('strong', { id: 'stat-provider', text: '—' }),
        ),
      ),
      el('ul', { id: 'provider-reasons', className: 'muted provider-reasons', attrs: { 'aria-label': 'execution providers not used' } }),
      el('vscode-progress-bar', { id: 'progress', attrs: { value: '0', max: '1' } }),
      el('div', { className: 'body' }, el('div', { className: 'chart' }, canvas), stages),
      el('p', { id: 'resumed-note', className: 'muted' }),
      el('p', { id: 'executor-note', className: 'muted executor-note', attrs: { role: 'status' } }),
      el('p', { id: 'status', className: 'status', attrs: { role: 'status' } }),
    );
  const before = series.reduce((n, s) => n + s.points.length, 0);
  if (before)
    text(
      'resumed-note',
      `Resumed: the curves up to the dashed line (${before} points) are the losses trained before the cancel (the run's train-loss.csv).`,
    );
  canvas.dataset.historyPoints = String(before);
  // Where each curve's history ends: the resume point, marked on the chart.
  resumedAt = series.flatMap((s) => (s.points.length ? [s.points[s.points.length - 1].x] : []));
  canvas.dataset.series = series.map((s) => s.label).join(' | ');
  chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: series.map(datasetOf),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'SSL loss' } } },
    },
    plugins: [resumeMarker],
  });
  fitLossAxis();
  restyle();
}

/** Steps at which a resumed run's history ends (one per curve that has one). */
let resumedAt: number[] = [];
/** A dashed vertical line, labelled "resumed", at each step where a curve's history from before the cancel ends. */
const resumeMarker: Plugin<'line'> = {
  id: 'resumeMarker',
  afterDatasetsDraw(c) {
    const {
      ctx,
      chartArea,
      scales: { x },
    } = c;
    ctx.save();
    ctx.strokeStyle = ctx.fillStyle = themeColor('descriptionForeground', '#999');
    ctx.setLineDash([4, 3]);
    ctx.font = '10px sans-serif';
    for (const step of new Set(resumedAt)) {
      const px = x.getPixelForValue(step);
      if (px < chartArea.left || px > chartArea.right) continue;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText('resumed', px + 4, chartArea.top + 10);
    }
    ctx.restore();
  },
};

/**
 * The chart's colours from the theme's CSS variables (issue 17 item 6): legend and axis titles in the editor's
 * foreground (descriptionForeground read dark grey on dark). Called again when the theme changes.
 */
function restyle(): void {
  if (!chart) return;
  const fg = themeColor('foreground', '#ccc'),
    muted = themeColor('descriptionForeground', '#999');
  const grid = themeColor('editorWidget-border', 'rgba(128,128,128,0.25)');
  chart.data.datasets.forEach((d, i) => {
    const style = lossSeriesStyle(series[i]);
    d.borderColor = d.backgroundColor = themeColor(...style.color); // background: the legend's swatch
    (d as ChartDataset<'line'>).borderDash = style.dash;
  });
  const o = chart.options;
  o.plugins = { ...o.plugins, legend: { ...o.plugins?.legend, labels: { ...o.plugins?.legend?.labels, color: fg } } };
  for (const axis of [o.scales?.x, o.scales?.y]) {
    if (!axis) continue;
    axis.ticks = { ...axis.ticks, color: muted };
    axis.grid = { ...axis.grid, color: grid };
    const title = (axis as { title?: { color?: string } }).title;
    if (title) title.color = fg;
  }
  chart.canvas.dataset.fg = fg; // what the legend and axis titles are painted in (the UI scenario reads it)
  chart.update('none');
}

// VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) when the theme changes.
new MutationObserver(() => restyle()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** Overall progress (all stages, weighted), elapsed time and ETA; called on progress and every second. */
function tick(): void {
  const fraction = overallFraction(stageNames, stageDone);
  const elapsed = (Date.now() - startedAt) / 1000;
  text('stat-overall', `${Math.floor(fraction * 100)}%`);
  text('stat-elapsed', formatDuration(elapsed));
  const eta = paceFrom && etaSeconds((Date.now() - paceFrom.at) / 1000, fraction, paceFrom.fraction);
  text('stat-eta', eta === undefined ? '—' : formatDuration(eta));
  document.getElementById('progress')?.setAttribute('value', String(fraction));
}

function fitLossAxis(): void {
  const r = lossAxisRange(series.flatMap((s) => s.points.map((p) => p.y)));
  const y = chart?.options.scales?.y;
  if (!r || !y) return;
  y.min = r.min;
  y.max = r.max;
}

const text = (id: string, t: string) => {
  const e = document.getElementById(id);
  if (e) e.textContent = t;
};

function setStage(stage: string, cls: string, detail: string): void {
  const row = stageRows.get(stage);
  if (!row) return;
  row.className = `stage ${cls}`;
  row.querySelector('.detail')!.textContent = detail;
}

function progress(e: RunProgress): void {
  switch (e.kind) {
    case 'dataset':
      text('status', `dataset: ${e.n} images (${e.skipped} skipped, decode cache ${e.cache})`);
      break;
    case 'stage': {
      // A stage a Slurm task finished is skipped by the controller: its row keeps the task's job and node.
      const task = e.status === 'skip' ? taskRows.get(e.stage) : undefined;
      if (task) setStage(e.stage, task.cls, task.detail);
      else
        setStage(
          e.stage,
          e.status === 'start' ? 'running' : 'done',
          e.status === 'start' ? 'running' : e.status === 'skip' ? 'done earlier' : 'done',
        );
      stageDone.set(e.stage, e.status === 'start' ? 0 : 1);
      tick();
      if (e.status === 'start') text('stat-stage', e.stage);
      break;
    }
    case 'task': {
      const row = taskRow(e);
      taskRows.set(e.stage, row);
      setStage(e.stage, row.cls, row.detail);
      const r = stageRows.get(e.stage);
      if (r) r.title = `Slurm job ${e.job}: log ${e.log}`;
      if (e.state === 'done') stageDone.set(e.stage, 1);
      tick();
      break;
    }
    case 'executor':
      text('executor-note', e.message);
      break;
    case 'train': {
      paceFrom ??= { at: Date.now(), fraction: overallFraction(stageNames, stageDone) };
      const curve = curveOf(e.stage);
      // A diverged step's loss arrives as null (NaN in JSON): counted, not drawn.
      const loss = typeof e.loss === 'number' && Number.isFinite(e.loss) ? e.loss : undefined;
      if (curve && loss !== undefined) curve.points.push({ x: e.step, y: loss });
      // Points per curve, history included (the UI scenarios read it: a tiny run's stage can finish between polls).
      if (chart) chart.canvas.dataset.points = series.map((s) => s.points.length).join(' | ');
      fitLossAxis();
      chart?.update('none');
      text('stat-step', `${e.step} / ${e.total}`);
      text('stat-loss', loss === undefined ? '—' : loss.toFixed(4));
      text('stat-ips', e.imagesPerSec.toFixed(0));
      setStage(e.stage, 'running', `${e.step}/${e.total}`);
      stageDone.set(e.stage, e.step / e.total);
      tick();
      break;
    }
    case 'provider':
      if (isProviderDecision(e.decision)) showProvider(e.decision);
      break;
    case 'score':
      paceFrom ??= { at: Date.now(), fraction: overallFraction(stageNames, stageDone) };
      setStage(e.stage, 'running', `${e.done}/${e.total}`);
      text('stat-step', `${e.done} / ${e.total}`);
      stageDone.set(e.stage, e.done / e.total);
      tick();
      break;
  }
}

function datasetOf(s: LossSeries) {
  return { label: s.label, data: s.points, pointRadius: 0, borderWidth: 2 };
}

/** The curve a training stage draws on; one the start message did not list gets a curve of its own. */
function curveOf(stage: string): LossSeries | undefined {
  const id = lossSeriesOf(stage);
  if (!id) return undefined;
  let s = series.find((c) => c.key === id.key);
  if (!s) {
    s = { ...id, points: [] };
    series.push(s);
    chart?.data.datasets.push(datasetOf(s));
    restyle();
  }
  return s;
}

/** What trains (provider, threads, measured step) and, one line each, why the other providers were not used. */
function showProvider(d: ProviderDecision): void {
  const chosen = d.candidates.find((c) => c.provider === d.chosen);
  const ms = chosen?.msPerStep !== undefined ? ` · ${Math.round(chosen.msPerStep)} ms/step` : '';
  text('stat-provider', `${describeChosen(d)}${ms}`);
  const when = d.measuredAt ? `, ${d.measuredAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  const why =
    d.setting === 'auto'
      ? `chosen by auto (${d.cached ? `measured earlier on this machine${when}` : 'measured now'})`
      : `${d.setting} asked for explicitly (sslmem.executionProvider): the others were not tried`;
  document
    .getElementById('provider-reasons')
    ?.replaceChildren(
      el('li', { text: why }),
      ...d.candidates.filter((c) => c.provider !== d.chosen).map((c) => el('li', { text: `${c.provider}: ${c.reason}` })),
    );
}

function finished(msg: Extract<HostToTraining, { type: 'finished' }>): void {
  clearInterval(clock);
  clock = undefined;
  if (msg.status === 'done') {
    for (const s of stageNames) stageDone.set(s, 1);
    tick();
    text('stat-eta', '—');
  }
  document.getElementById('status')?.classList.remove('cancelling');
  text('status', msg.message);
  document.getElementById('status')?.classList.add(msg.status);
  document.getElementById('cancel')?.remove();
  if (msg.status === 'cancelled' && msg.resumable) {
    // Resuming continues in this view: the curves so far stay, and the new steps join them.
    const resume = el('vscode-button', { id: 'resume', text: 'Resume run' });
    resume.addEventListener('click', () => {
      resume.setAttribute('disabled', '');
      post({ type: 'resume' });
    });
    document.querySelector('header')?.append(resume);
  }
  if (msg.status === 'done') {
    const open = el('vscode-button', { id: 'open-scores', text: 'Open scores' });
    open.addEventListener('click', () => post({ type: 'openScores' }));
    document.querySelector('header')?.append(open);
  }
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const msg = ev.data;
  if (!isHostToTraining(msg)) return;
  if (msg.type === 'start') start(msg);
  else if (msg.type === 'progress') progress(msg.event);
  else finished(msg);
});
post({ type: 'ready' });
