// The panel's left column: subset/class/mark filters, the histogram (range filter), the threshold slider
// with the live fraction of S_C above it, the fraction-vs-threshold curve and the t-test summary.
import { SUBSET_NAMES, type InitMessage, type RowFilter, type SubsetName } from '../../src/protocol/scorePanel';
import { el, fmt } from '../shared/dom';
import { SUBSET_LABELS, ScoreHistogram, ThresholdCurve, subsetColor } from './charts';

export interface SidebarHost {
  onFilterChange(filter: RowFilter): void;
  onThresholdChange(tau: number): void;
}

/** Fraction of the (ascending) scores strictly above tau: binary search, so the slider stays live at 50k. */
export function fractionAbove(sorted: readonly number[], tau: number): number {
  if (sorted.length === 0) return NaN;
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= tau) lo = mid + 1; else hi = mid; }
  return (sorted.length - lo) / sorted.length;
}

export class Sidebar {
  private filter: RowFilter;
  private histogram: ScoreHistogram | undefined;
  private curve: ThresholdCurve | undefined;
  private readonly fraction = el('div', { id: 'fraction', className: 'fraction' });
  private readonly slider = el('input', { id: 'threshold', attrs: { type: 'range', 'aria-label': 'threshold τ' } });
  private readonly rangeLabel = el('span', { id: 'range-label', className: 'muted' });
  private chartMakers: (() => void)[] = [];

  constructor(private readonly root: HTMLElement, private readonly init: InitMessage, filter: RowFilter, private tau: number, private readonly host: SidebarHost) {
    this.filter = { ...filter };
    root.replaceChildren(this.filters(), this.histogramSection(), this.thresholdSection(), this.testsSection());
    this.setTau(tau);
  }

  /**
   * Creates the charts. Called once the first gallery page is on screen: chart.js setup costs tens of
   * milliseconds, which the images a person opened the panel for should not wait for.
   */
  drawCharts(): void {
    for (const make of this.chartMakers.splice(0)) make();
  }

  private emit(): void { this.host.onFilterChange({ ...this.filter }); }

  private filters(): HTMLElement {
    const subsetBoxes = el('div', { className: 'subset-boxes' });
    for (const s of SUBSET_NAMES) {
      const box = el('vscode-checkbox', { id: `subset-${s}`, attrs: { label: `${s} (${this.init.subsetCounts[s]})`, title: SUBSET_LABELS[s] } });
      (box as unknown as { checked: boolean }).checked = this.filter.subsets.length === 0 || this.filter.subsets.includes(s);
      box.style.setProperty('--swatch', subsetColor(s));
      box.addEventListener('change', () => {
        const checked = SUBSET_NAMES.filter((n) => (document.getElementById(`subset-${n}`) as unknown as { checked: boolean }).checked);
        this.filter.subsets = checked.length === SUBSET_NAMES.length ? [] : checked;
        this.emit();
      });
      subsetBoxes.append(box);
    }
    const classes = el('vscode-multi-select', { id: 'class-filter', attrs: { 'aria-label': 'classes' } });
    this.init.classNames.forEach((name, i) => {
      const o = el('vscode-option', { text: name, attrs: { value: String(i) } });
      if (this.filter.classes.includes(i)) o.setAttribute('selected', '');
      classes.append(o);
    });
    classes.addEventListener('change', () => {
      this.filter.classes = ((classes as unknown as { value: string[] }).value ?? []).map(Number);
      this.emit();
    });
    const marks = el('vscode-single-select', { id: 'mark-filter', attrs: { 'aria-label': 'marks' } });
    for (const [v, t] of [['any', 'all samples'], ['keep', 'kept'], ['exclude', 'excluded'], ['unmarked', 'unmarked']]) {
      const o = el('vscode-option', { text: t, attrs: { value: v } });
      if ((this.filter.marks ?? 'any') === v) o.setAttribute('selected', '');
      marks.append(o);
    }
    marks.addEventListener('change', () => { this.filter.marks = (marks as unknown as { value: RowFilter['marks'] }).value; this.emit(); });
    return el('section', {}, el('h3', { text: 'Filter' }), subsetBoxes,
      el('label', { className: 'field' }, el('span', { text: 'Classes' }), classes),
      el('label', { className: 'field' }, el('span', { text: 'Marks' }), marks));
  }

  private histogramSection(): HTMLElement {
    const canvas = el('canvas', { id: 'histogram', attrs: { role: 'img', 'aria-label': 'histogram of scores per subset' } });
    const box = el('div', { className: 'chart' }, canvas);
    const section = el('section', {}, el('h3', { text: 'Score histogram' }), box,
      el('div', { className: 'hint' }, el('span', { text: 'Drag across bins to show only that score range. ' }), this.rangeLabel));
    this.showRange();
    this.chartMakers.push(() => {
      this.histogram = new ScoreHistogram(canvas, this.init.histogram, (range) => {
        this.filter.min = range?.[0];
        this.filter.max = range?.[1];
        this.showRange();
        this.emit();
      });
      this.histogram.setRange(this.filter.min, this.filter.max);
      this.histogram.setTau(this.tau);
    });
    return section;
  }

  private showRange(): void {
    const { min, max } = this.filter;
    this.rangeLabel.textContent = min === undefined || max === undefined ? 'Showing all scores.' : `Showing scores ${fmt(min, 2)} … ${fmt(max, 2)}.`;
  }

  private thresholdSection(): HTMLElement {
    const { lo, hi } = this.init.histogram;
    this.slider.min = String(lo);
    this.slider.max = String(hi);
    this.slider.step = String((hi - lo) / 400);
    this.slider.addEventListener('input', () => this.setTau(Number(this.slider.value), true));
    const above = el('vscode-button', { id: 'filter-above', text: 'Show scores > τ', attrs: { secondary: '' } });
    above.addEventListener('click', () => {
      this.filter.min = this.tau; this.filter.max = undefined; this.filter.subsets = [];
      this.histogram?.setRange(undefined, undefined);
      this.rangeLabel.textContent = `Showing scores above ${fmt(this.tau, 2)}.`;
      this.emit();
    });
    const canvas = el('canvas', { id: 'curve', attrs: { role: 'img', 'aria-label': 'fraction of candidates above the threshold' } });
    this.chartMakers.push(() => { this.curve = new ThresholdCurve(canvas, this.init.thresholdCurve); this.curve.setTau(this.tau); });
    return el('section', {}, el('h3', { text: 'Threshold' }), this.slider, this.fraction, above,
      el('div', { className: 'chart small' }, canvas));
  }

  setTau(tau: number, fromUser = false): void {
    this.tau = tau;
    this.slider.value = String(tau);
    const f = fractionAbove(this.init.candidateScores, tau);
    const count = Math.round(f * this.init.candidateScores.length);
    this.fraction.replaceChildren(el('strong', { text: Number.isNaN(f) ? '—' : `${(100 * f).toFixed(1)}%` }),
      el('span', { text: ` of S_C memorized (score > τ = ${fmt(tau, 2)}; ${count} of ${this.init.subsetCounts.S_C})` }));
    this.histogram?.setTau(tau);
    this.curve?.setTau(tau);
    if (fromUser) this.host.onThresholdChange(tau);
  }

  private testsSection(): HTMLElement {
    const table = el('table', { className: 'tests' },
      el('tr', {}, ...['test', 't', 'p', 'Δ mean', ''].map((h) => el('th', { text: h }))));
    const names: Record<string, string> = { C_vs_S: 'S_C > S_S', C_vs_E: 'S_C > S_E', I_vs_S: 'S_I < S_S' };
    for (const t of this.init.tests) {
      table.append(el('tr', { title: `Welch t-test, expected ${t.expected}` },
        el('td', { text: names[t.name] ?? t.name }), el('td', { text: fmt(t.t, 2) }), el('td', { text: t.p === null ? '—' : t.p < 1e-4 ? t.p.toExponential(1) : t.p.toFixed(4) }),
        el('td', { text: fmt(t.meanDifference, 3) }), el('td', { className: t.holds ? 'holds' : 'fails', text: t.holds ? '✓' : '✗', title: t.holds ? 'significant in the expected direction (p < 0.01)' : 'not significant at p < 0.01' })));
    }
    return el('section', {}, el('h3', { text: 'Statistical tests' }), table);
  }
}

export const subsetName = (s: string): s is SubsetName => (SUBSET_NAMES as readonly string[]).includes(s);
