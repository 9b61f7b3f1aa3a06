// Histogram of scores per subset (it doubles as a range filter: drag or click across bins) and the
// fraction-of-S_C-vs-threshold curve, both with a marker at the threshold τ of the slider; for whole-dataset runs
// the score against atypicality (AtypicalityScatter). chart.js is
// bundled into the page (no CDN under a strict CSP); colours come from the theme's chart variables.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type Plugin,
} from 'chart.js';
import { type AtypicalityChart, type Histogram, type SubsetName } from '../../src/protocol/scorePanel';
import { histogramSeries, type HistogramSeries } from './scoreSeries';
import { distinctDecimals, fixed } from '../../src/engine/sslmem/report/tau-labels';
import { themeColor } from '../shared/dom';
import { binsOfRange, rangeOfBins, type Bins } from './filter';

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
  Filler,
);

export const SUBSET_LABELS: Record<SubsetName, string> = {
  S_S: 'S_S shared (f and g)',
  S_C: 'S_C candidates (f only)',
  S_I: 'S_I independent (g only)',
  S_E: 'S_E extra (neither)',
};
const SUBSET_COLORS: Record<SubsetName, [string, string]> = {
  S_S: ['charts-blue', '#3794ff'],
  S_C: ['charts-red', '#f14c4c'],
  S_I: ['charts-green', '#89d185'],
  S_E: ['charts-yellow', '#cca700'],
};
export const subsetColor = (s: SubsetName) => themeColor(...SUBSET_COLORS[s]);

/** Draws a vertical line at a value of a linear or category x scale (the threshold τ). */
function markerPlugin(getX: (chart: Chart) => number | undefined, color: () => string): Plugin {
  return {
    id: 'tauMarker',
    afterDatasetsDraw(chart) {
      const x = getX(chart);
      if (x === undefined) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = color();
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}

function baseOptions() {
  const fg = themeColor('descriptionForeground', '#999'),
    grid = themeColor('editorWidget-border', 'rgba(128,128,128,0.25)');
  return { fg, grid, scale: { ticks: { color: fg, font: { size: 10 } }, grid: { color: grid } } };
}

export class ScoreHistogram {
  private readonly chart: Chart;
  private brushStart: number | undefined;
  private selection: [number, number] | undefined;
  tau = 0;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly hist: Histogram,
    private readonly onRange: (range: [number, number] | undefined) => void,
    /** A whole-dataset run: scored images and the control set's null side by side (scoreSeries.ts). */
    whole = false,
  ) {
    const { series, fraction } = histogramSeries(hist, whole);
    this.series = series;
    const bins = hist.counts.S_S.length;
    const width = (hist.hi - hist.lo) / bins;
    this.bins = { lo: hist.lo, hi: hist.hi, count: bins };
    // Bin centres with enough decimals to differ: with scores in a narrow band two decimals repeat.
    const centres = Array.from({ length: bins }, (_, i) => hist.lo + (i + 0.5) * width);
    const decimals = distinctDecimals(centres);
    const labels = centres.map((c) => fixed(c, decimals));
    const { fg, scale } = baseOptions();
    canvas.dataset.fg = fg; // the colour the axes and legend are painted in: what a theme switch must change
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          stack: s.stack,
          borderWidth: 0,
          barPercentage: 1,
          categoryPercentage: 1,
          backgroundColor: (ctx: { dataIndex: number }) =>
            withAlpha(subsetColor(s.subset), this.inSelection(ctx.dataIndex) ? 0.95 : this.selection ? 0.25 : 0.8),
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { labels: { color: fg, boxWidth: 10, font: { size: 10 } } },
          tooltip: {
            mode: 'index',
            intersect: false,
            // Fractions (whole runs) say how many images they are, too.
            callbacks: fraction
              ? {
                  label: (item: { datasetIndex: number; dataIndex: number; parsed: { y: number | null } }) =>
                    `${series[item.datasetIndex].label}: ${series[item.datasetIndex].counts[item.dataIndex]} (${(100 * (item.parsed.y ?? 0)).toFixed(1)}%)`,
                }
              : {},
          },
        },
        scales: {
          x: { ...scale, stacked: true, ticks: { ...scale.ticks, maxTicksLimit: 6 } },
          y: {
            ...scale,
            stacked: true,
            ...(fraction ? { title: { display: true, text: 'fraction of its set', color: fg, font: { size: 10 } } } : {}),
          },
        },
      },
      plugins: [
        markerPlugin(
          (c) => this.xOf(c, this.tau),
          () => themeColor('focusBorder', '#007fd4'),
        ),
      ],
    });
    // Brush: press on a bin, release on another; a click without a drag picks one bin; a click on the
    // picked range clears it.
    const signal = this.listeners.signal;
    canvas.addEventListener(
      'mousedown',
      (e) => {
        this.brushStart = this.binAt(e);
      },
      { signal },
    );
    canvas.addEventListener(
      'mouseup',
      (e) => {
        const a = this.brushStart,
          b = this.binAt(e);
        this.brushStart = undefined;
        if (a === undefined || b === undefined) return;
        const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
        if (lo === hi && this.selection && this.selection[0] === lo && this.selection[1] === hi) this.setBins(undefined);
        else this.setBins([lo, hi]);
        this.onRange(this.range());
      },
      { signal },
    );
  }
  private readonly listeners = new AbortController();

  destroy(): void {
    this.listeners.abort();
    this.chart.destroy();
  }
  private readonly bins: Bins;

  /** The selected score range [min, max], or undefined for all. */
  range(): [number, number] | undefined {
    return this.selection && rangeOfBins(this.bins, this.selection);
  }

  /** Shows the filter's score range as brushed bins (a missing bound runs to the histogram's end). */
  setRange(min: number | undefined, max: number | undefined): void {
    this.setBins(binsOfRange(this.bins, min, max));
  }

  setTau(tau: number): void {
    this.tau = tau;
    this.chart.draw();
  }

  private readonly series: HistogramSeries[];

  /** Shows only the subsets the filter lets through (empty = all). */
  showSubsets(subsets: readonly SubsetName[]): void {
    this.series.forEach((s, i) => this.chart.setDatasetVisibility(i, subsets.length === 0 || subsets.includes(s.subset)));
    this.chart.update();
  }

  private setBins(bins: [number, number] | undefined): void {
    this.selection = bins;
    this.chart.update();
  }
  private inSelection(i: number): boolean {
    return !!this.selection && i >= this.selection[0] && i <= this.selection[1];
  }

  private binAt(e: MouseEvent): number | undefined {
    const x = this.chart.scales.x;
    const rect = this.chart.canvas.getBoundingClientRect();
    const px = e.clientX - rect.left;
    if (px < x.left || px > x.right) return undefined;
    return Math.max(
      0,
      Math.min(this.hist.counts.S_S.length - 1, Math.floor(((px - x.left) / (x.right - x.left)) * this.hist.counts.S_S.length)),
    );
  }

  private xOf(chart: Chart, value: number): number | undefined {
    const x = chart.scales.x;
    // The slider's first position lies one step below the lowest score: draw it at the left edge.
    const t = Math.max(0, Math.min(1, (value - this.hist.lo) / (this.hist.hi - this.hist.lo)));
    return Number.isFinite(t) ? x.left + t * (x.right - x.left) : undefined;
  }
}

export class ThresholdCurve {
  private readonly chart: Chart;
  tau = 0;

  /** `formatTau` prints τ in the tooltip as the slider's headline does. */
  constructor(
    canvas: HTMLCanvasElement,
    curve: { tau: number; fraction: number }[],
    reported: { tau: number; fraction: number }[],
    formatTau: (tau: number) => string,
  ) {
    const { scale } = baseOptions();
    const color = subsetColor('S_C');
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'fraction of S_C with score > τ',
            data: curve.map((p) => ({ x: p.tau, y: p.fraction })),
            borderColor: color,
            backgroundColor: withAlpha(color, 0.15),
            fill: true,
            pointRadius: 0,
            borderWidth: 2,
            stepped: 'after',
          },
          {
            label: 'report.json',
            data: reported.map((p) => ({ x: p.tau, y: p.fraction })),
            showLine: false,
            pointRadius: 3,
            borderColor: color,
            backgroundColor: color,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            intersect: false,
            mode: 'nearest',
            axis: 'x',
            callbacks: {
              title: (items) => (items.length ? `τ = ${formatTau(items[0].parsed.x ?? NaN)}` : ''),
              label: (item) => `${item.datasetIndex === 0 ? 'S_C above τ' : 'report.json'}: ${(100 * (item.parsed.y ?? NaN)).toFixed(1)}%`,
            },
          },
        },
        scales: {
          x: { ...scale, type: 'linear', title: { display: true, text: 'τ', color: scale.ticks.color } },
          y: { ...scale, min: 0, max: 1 },
        },
      },
      plugins: [
        markerPlugin(
          (c) => {
            const x = c.scales.x;
            return this.tau >= x.min && this.tau <= x.max ? x.getPixelForValue(this.tau) : undefined;
          },
          () => themeColor('focusBorder', '#007fd4'),
        ),
      ],
    });
  }

  setTau(tau: number): void {
    this.tau = tau;
    this.chart.draw();
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Score (y) against atypicality (x), one dot per image: scored images in the scored colour, controls grey (not in
 *  ρ), "planted-" images of the validation set as orange diamonds. Read-only: no filter hangs on it. */
export class AtypicalityScatter {
  private readonly chart: Chart;

  constructor(canvas: HTMLCanvasElement, data: AtypicalityChart) {
    const { fg, scale } = baseOptions();
    canvas.dataset.fg = fg; // as the histogram: what a theme switch must change
    const grey = themeColor('descriptionForeground', '#999');
    const scored = subsetColor('S_C'),
      planted = themeColor('charts-orange', '#d18616');
    const sets = [
      { label: `scored (${data.scored.length})`, data: data.scored, color: withAlpha(scored, 0.6), style: 'circle' as const, radius: 2 },
      {
        label: `control, not in ρ (${data.control.length})`,
        data: data.control,
        color: withAlpha(grey, 0.45),
        style: 'circle' as const,
        radius: 2,
      },
      { label: `planted- (${data.planted.length})`, data: data.planted, color: planted, style: 'rectRot' as const, radius: 4 },
    ].filter((s) => s.data.length > 0);
    this.chart = new Chart(canvas, {
      type: 'scatter',
      data: {
        datasets: sets.map((s) => ({
          label: s.label,
          data: s.data,
          backgroundColor: s.color,
          borderColor: s.color,
          pointStyle: s.style,
          pointRadius: s.radius,
          pointHoverRadius: s.radius + 2,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          legend: { labels: { color: fg, boxWidth: 8, font: { size: 10 }, usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (item) => `atypicality ${(item.parsed.x ?? NaN).toFixed(4)}, score ${(item.parsed.y ?? NaN).toFixed(4)}`,
            },
          },
        },
        scales: {
          x: { ...scale, type: 'linear', title: { display: true, text: `atypicality (k = ${data.k})`, color: fg, font: { size: 10 } } },
          y: { ...scale, type: 'linear', title: { display: true, text: 'score', color: fg, font: { size: 10 } } },
        },
      },
    });
  }

  /** How many points each drawn set has (scored, control, planted — empty sets are not drawn). */
  counts(): number[] {
    return this.chart.data.datasets.map((d) => d.data.length);
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** `#rrggbb` or `rgb(...)` with an alpha. */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})/i.exec(color);
  if (hex) {
    const v = parseInt(hex[1], 16);
    return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
  }
  return color;
}
