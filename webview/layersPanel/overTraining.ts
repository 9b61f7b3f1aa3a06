// The Layers & Units panel's "Memorization over training" section (issue 16 item 3): mean score of S_C and S_S
// at each f/g snapshot, training loss and kNN accuracy at the same steps, and the numbers as a table.
import { Chart, type ChartOptions } from 'chart.js';
import type { OverTrainingSummary } from '../../src/protocol/layersPanel';
import { el } from '../shared/dom';
import { chartBox, charts, color, computeButton, f3 } from './common';

export /** Memorization over training: two charts on the same x axis (training step) and the numbers as a table. */
function overTrainingSection(o: OverTrainingSummary | null): HTMLElement {
  const section = el('section', { id: 'over-training' }, el('h2', { text: 'Memorization over training' }));
  const compute = computeButton('compute-history', 'over training', o !== null, 'history');
  if (!o) {
    section.append(
      el('p', {
        className: 'muted',
        text: 'No over-training results yet. Needs a run trained with snapshots (CLI: sslmem run … --snapshots 10; then sslmem history <run>).',
      }),
      compute,
    );
    return section;
  }
  section.append(
    el('p', {
      className: 'muted',
      text: `Mean score (L_g − L_f)/(L_g + L_f) of a fixed sample (${o.sampleSC} points of S_C, ${o.sampleSS} of S_S; K = ${o.pairs}) at each f/g snapshot of the ${o.totalSteps} training steps. Right: training loss (mean since the previous snapshot) and kNN accuracy${o.knn ? ` (${o.knn})` : ' (not measured: no labels)'}. Does the score keep rising while the loss plateaus?`,
    }),
  );
  const fg = color('--vscode-foreground', '#ccc');
  const axis = (title: string, position?: 'left' | 'right') => ({
    type: 'linear' as const,
    position,
    title: { display: true, text: title, color: fg },
    ticks: { color: fg },
  });
  const stepAxis = { type: 'category' as const, title: { display: true, text: 'training step', color: fg }, ticks: { color: fg } };
  const labels = o.rows.map((r) => String(r.step));
  const line = (label: string, data: (number | null)[], c: string, yAxisID?: string, dash?: number[]) => ({
    label,
    data,
    borderColor: c,
    backgroundColor: c,
    yAxisID,
    borderDash: dash,
    spanGaps: true,
    pointRadius: 3,
  });
  const scores = chartBox(),
    train = chartBox();
  section.append(el('div', { className: 'row' }, scores.box, train.box), overTrainingTable(o), compute);
  const options = (scales: NonNullable<ChartOptions<'line'>['scales']>): ChartOptions<'line'> => ({
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: { legend: { labels: { color: fg } } },
    scales,
  });
  charts.push(
    new Chart(scores.canvas, {
      type: 'line',
      data: {
        labels,
        datasets: [
          line(
            'score S_C',
            o.rows.map((r) => r.scoreSC),
            color('--vscode-charts-red', '#f14c4c'),
          ),
          line(
            'score S_S',
            o.rows.map((r) => r.scoreSS),
            color('--vscode-charts-blue', '#3794ff'),
          ),
          line(
            'S_C − S_S',
            o.rows.map((r) => r.scoreSC - r.scoreSS),
            color('--vscode-charts-purple', '#b180d7'),
            undefined,
            [4, 3],
          ),
        ],
      },
      options: options({ x: stepAxis, y: axis('mean score') }),
    }),
  );
  charts.push(
    new Chart(train.canvas, {
      type: 'line',
      data: {
        labels,
        datasets: [
          line(
            'loss f',
            o.rows.map((r) => r.lossF),
            color('--vscode-charts-orange', '#d18616'),
            'loss',
          ),
          line(
            'loss g',
            o.rows.map((r) => r.lossG),
            color('--vscode-charts-yellow', '#cca700'),
            'loss',
            [4, 3],
          ),
          line(
            'kNN f',
            o.rows.map((r) => r.knnF),
            color('--vscode-charts-green', '#89d185'),
            'acc',
          ),
          line(
            'kNN g',
            o.rows.map((r) => r.knnG),
            color('--vscode-charts-green', '#89d185'),
            'acc',
            [4, 3],
          ),
        ],
      },
      options: options({
        x: stepAxis,
        loss: axis('training loss', 'left'),
        acc: { ...axis('kNN accuracy', 'right'), grid: { drawOnChartArea: false } },
      }),
    }),
  );
  return section;
}

function overTrainingTable(o: OverTrainingSummary): HTMLElement {
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
  const t = el(
    'table',
    { id: 'over-training-table' },
    el('tr', {}, ...['step', 'epoch', 'loss f', 'loss g', 'kNN f', 'kNN g', 'score S_C', 'score S_S'].map((h) => el('th', { text: h }))),
  );
  for (const r of o.rows) {
    t.append(
      el(
        'tr',
        {},
        ...[
          String(r.step),
          r.epoch.toFixed(1),
          f3(r.lossF),
          f3(r.lossG),
          pct(r.knnF),
          pct(r.knnG),
          `${f3(r.scoreSC)} ± ${f3(r.scoreSCStderr)}`,
          `${f3(r.scoreSS)} ± ${f3(r.scoreSSStderr)}`,
        ].map((x) => el('td', { text: x })),
      ),
    );
  }
  return t;
}
