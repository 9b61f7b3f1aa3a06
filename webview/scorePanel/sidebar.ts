// The panel's left column: subset/class/mark filters, the histogram (range filter), the threshold slider
// with the live fraction of S_C above it, the fraction-vs-threshold curve, the t-test summary (whole-dataset
// runs: the FDR count) and, for whole-dataset runs that have it, the score against atypicality.
import { SUBSET_NAMES, type InitMessage, type RowFilter, type SubsetName } from '../../src/protocol/scorePanel';
import { distinctDecimals, fixed } from '../../src/engine/sslmem/report/tau-labels';
import { el, fmt } from '../shared/dom';
import { AtypicalityScatter, SUBSET_LABELS, ScoreHistogram, ThresholdCurve, subsetColor } from './charts';
import { subsetCaption } from '../../src/engine/runs/subsets';
import { fmtP, fmtRho } from '../../src/engine/sslmem/whole/atypicality-svg';

const WHOLE_TITLES: Record<SubsetName, string> = {
  S_C: 'scored: in the training data of half the encoders',
  S_E: 'control: no encoder trained on it (the null distribution)',
  S_S: 'not used in whole-dataset runs',
  S_I: 'not used in whole-dataset runs',
};
import { applyThresholdFilter, subsetShown, subsetsFromChecks } from './filter';
import { clampPosition, formatTau, fractionAbove, headline, positionOf, tauAt, tauScale, type TauScale } from './threshold';

export interface SidebarHost {
  onFilterChange(filter: RowFilter): void;
  onThresholdChange(tau: number): void;
}

export class Sidebar {
  private filter: RowFilter;
  private histogram: ScoreHistogram | undefined;
  private curve: ThresholdCurve | undefined;
  private atypicality: AtypicalityScatter | undefined;
  private readonly fraction = el('div', { id: 'fraction', className: 'fraction' });
  private readonly slider = el('input', { id: 'threshold', attrs: { type: 'range', 'aria-label': 'threshold τ' } });
  private readonly rangeLabel = el('span', { id: 'range-label', className: 'muted' });
  private readonly chartMakers: (() => void)[] = [];
  private readonly scale: TauScale;
  /** Decimals at which the histogram's bin edges differ: the brushed range's label. */
  private readonly edgeDecimals: number;
  private tau: number;

  constructor(
    private readonly root: HTMLElement,
    private readonly init: InitMessage,
    filter: RowFilter,
    tau: number,
    private readonly host: SidebarHost,
  ) {
    this.filter = { ...filter };
    const { lo, hi, counts } = init.histogram;
    this.scale = tauScale(lo, hi, init.candidateScores);
    const bins = counts.S_S.length;
    this.edgeDecimals = distinctDecimals(Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins));
    // The page's state keeps τ (not a position): restored to the nearest position of this run's scale.
    const position = positionOf(this.scale, tau);
    this.tau = tauAt(this.scale, position);
    root.replaceChildren(
      this.filters(),
      this.histogramSection(),
      this.thresholdSection(),
      this.testsSection(),
      ...this.atypicalitySection(),
    );
    this.setPosition(position);
  }

  /**
   * Creates the charts. Called once the first gallery page is on screen: chart.js setup costs tens of
   * milliseconds, which the images a person opened the panel for should not wait for.
   */
  drawCharts(): void {
    if (this.chartsDrawn) return;
    this.chartsDrawn = true;
    for (const make of this.chartMakers) make();
  }

  /** The theme changed: chart.js paints with colours read at creation, so the charts are made again. */
  restyle(): void {
    if (!this.chartsDrawn) return;
    this.histogram?.destroy();
    this.curve?.destroy();
    this.atypicality?.destroy();
    for (const make of this.chartMakers) make();
  }
  private chartsDrawn = false;

  private emit(): void {
    this.histogram?.showSubsets(this.filter.subsets);
    this.host.onFilterChange({ ...this.filter });
  }

  private filters(): HTMLElement {
    const subsetBoxes = el('div', { className: 'subset-boxes' });
    for (const s of SUBSET_NAMES) {
      // A whole-dataset run's rows are S_C "scored" and S_E "control" (engine runs/subsets.ts WHOLE_SUBSETS).
      const name = this.init.whole ? subsetCaption(s, 'whole') : s;
      const box = el('vscode-checkbox', {
        id: `subset-${s}`,
        attrs: { label: `${name} (${this.init.subsetCounts[s]})`, title: this.init.whole ? WHOLE_TITLES[s] : SUBSET_LABELS[s] },
      });
      (box as unknown as { checked: boolean }).checked = subsetShown(this.filter, s);
      box.style.setProperty('--swatch', subsetColor(s));
      box.addEventListener('change', () => {
        const checked = SUBSET_NAMES.filter((n) => (document.getElementById(`subset-${n}`) as unknown as { checked: boolean }).checked);
        this.filter.subsets = subsetsFromChecks(checked);
        this.emit();
      });
      subsetBoxes.append(box);
    }
    // Class chips: all visible at once (a multi-select hides its choices); none pressed = every class.
    const classes = el('div', { id: 'class-filter', className: 'chips', attrs: { role: 'group', 'aria-label': 'classes' } });
    this.init.classNames.forEach((name, i) => {
      const chip = el('button', {
        className: 'chip',
        text: name,
        attrs: { 'aria-pressed': String(this.filter.classes.includes(i)), 'data-class': String(i) },
      });
      chip.addEventListener('click', () => {
        const on = chip.getAttribute('aria-pressed') !== 'true';
        chip.setAttribute('aria-pressed', String(on));
        this.filter.classes = on ? [...this.filter.classes, i].sort((a, b) => a - b) : this.filter.classes.filter((c) => c !== i);
        this.emit();
      });
      classes.append(chip);
    });
    const marks = el('vscode-single-select', { id: 'mark-filter', attrs: { 'aria-label': 'marks' } });
    for (const [v, t] of [
      ['any', 'all samples'],
      ['keep', 'kept'],
      ['exclude', 'excluded'],
      ['unmarked', 'unmarked'],
    ]) {
      const o = el('vscode-option', { text: t, attrs: { value: v } });
      if ((this.filter.marks ?? 'any') === v) o.setAttribute('selected', '');
      marks.append(o);
    }
    marks.addEventListener('change', () => {
      this.filter.marks = (marks as unknown as { value: RowFilter['marks'] }).value;
      this.emit();
    });
    return el(
      'section',
      {},
      el('h3', { text: 'Filter' }),
      subsetBoxes,
      el('div', { className: 'field-label', text: 'Classes' }),
      classes,
      el('label', { className: 'field' }, el('span', { text: 'Marks' }), marks),
    );
  }

  private histogramSection(): HTMLElement {
    const canvas = el('canvas', {
      id: 'histogram',
      attrs: {
        role: 'img',
        'aria-label': this.init.whole
          ? "histogram of the scored images' scores beside the control set's (the null), each as a fraction of its set"
          : 'histogram of scores per subset',
      },
    });
    const box = el('div', { className: 'chart' }, canvas);
    const section = el(
      'section',
      {},
      el('h3', { text: 'Score histogram' }),
      box,
      el(
        'div',
        { className: 'hint' },
        el('span', { text: 'Drag across bins to show only that score range; click inside the range to clear it. ' }),
        this.rangeLabel,
      ),
    );
    this.showRange();
    this.chartMakers.push(() => {
      this.histogram = new ScoreHistogram(
        canvas,
        this.init.histogram,
        (range) => {
          this.filter.min = range?.[0];
          this.filter.minExclusive = undefined; // a brushed range includes its ends
          this.filter.max = range?.[1];
          this.showRange();
          this.emit();
        },
        !!this.init.whole,
      );
      this.histogram.setRange(this.filter.min, this.filter.max);
      this.histogram.setTau(this.tau);
      this.histogram.showSubsets(this.filter.subsets);
    });
    return section;
  }

  private showRange(): void {
    const { min, max } = this.filter;
    const edge = (x: number) => fixed(x, this.edgeDecimals);
    this.rangeLabel.textContent =
      min === undefined && max === undefined
        ? 'Showing all scores.'
        : // A lower bound alone comes from "Show scores > τ": print it as τ is printed.
          max === undefined
          ? `Showing scores above τ = ${formatTau(this.scale, min!)}.`
          : min === undefined
            ? `Showing scores up to ${edge(max)}.`
            : `Showing scores ${edge(min)} … ${edge(max)}.`;
  }

  private thresholdSection(): HTMLElement {
    // Integer positions, mapped to τ by threshold.ts: the left end means every sample, the right end none.
    this.slider.min = '0';
    this.slider.max = String(this.scale.steps);
    this.slider.step = '1';
    this.slider.addEventListener('input', () => this.setPosition(Number(this.slider.value), true));
    const ends = el(
      'div',
      { className: 'slider-ends', attrs: { 'aria-hidden': 'true' } },
      el('span', { text: '◂ all of S_C' }),
      el('span', { text: 'none ▸' }),
    );
    const above = el('vscode-button', { id: 'filter-above', text: 'Show scores > τ', attrs: { secondary: '' } });
    above.addEventListener('click', () => {
      this.filter = applyThresholdFilter(this.filter, this.tau);
      this.histogram?.setRange(this.filter.min, this.filter.max);
      this.showRange();
      this.emit();
    });
    const canvas = el('canvas', { id: 'curve', attrs: { role: 'img', 'aria-label': 'fraction of candidates above the threshold' } });
    // The exact curve from S_C's scores over the slider's whole range (1 at its left end, 0 at its right);
    // the report's own points are drawn on it.
    const points = 80;
    const exact = Array.from({ length: points + 1 }, (_, i) => {
      const tau = tauAt(this.scale, Math.round((this.scale.steps * i) / points));
      return { tau, fraction: fractionAbove(this.init.candidateScores, tau) };
    });
    // The report's grid reaches one of its steps (about 2.5 % of S_C's range) past S_C's scores: keep its end
    // rows; an older report's −1..1 grid would squash the curve, so the rest is left out.
    const from = tauAt(this.scale, 0),
      to = this.scale.last,
      margin = 0.05 * (to - from);
    const reported = this.init.thresholdCurve.filter((p) => p.tau >= from - margin && p.tau <= to + margin);
    this.chartMakers.push(() => {
      this.curve = new ThresholdCurve(canvas, exact, reported, (tau) => formatTau(this.scale, tau));
      this.curve.setTau(this.tau);
    });
    const noise = this.init.noiseLevel;
    const noiseHint =
      noise === undefined
        ? []
        : [
            el('div', {
              id: 'noise-hint',
              className: 'hint',
              text: `τ starts at ${formatTau(this.scale, noise)}: 95% of the control images (${this.init.whole ? 'no encoder trained on them' : 'S_S, S_E — f and g saw them alike'}) score below it, so lower scores are within noise. `,
            }),
          ];
    return el(
      'section',
      {},
      el('h3', { text: 'Threshold' }),
      this.slider,
      ends,
      this.fraction,
      ...noiseHint,
      above,
      el('div', { className: 'chart small' }, canvas),
      el('div', { className: 'hint', text: 'Fraction of S_C with score > τ (dots: report.json).' }),
    );
  }

  /** Moves the slider to a position (0 = every sample, the last = none) and shows what it means. */
  setPosition(position: number, fromUser = false): void {
    const p = clampPosition(this.scale, position);
    const tau = tauAt(this.scale, p);
    this.tau = tau;
    this.slider.value = String(p);
    const { percent, detail } = headline(this.scale, p, this.init.candidateScores, this.init.subsetCounts.S_C);
    this.fraction.replaceChildren(el('strong', { text: percent }), el('span', { text: detail }));
    this.slider.setAttribute('aria-valuetext', `τ = ${formatTau(this.scale, tau)}, ${percent} of S_C above`);
    this.histogram?.setTau(tau);
    this.curve?.setTau(tau);
    if (fromUser) this.host.onThresholdChange(tau);
  }

  /** Whole-dataset runs with atypicality values: score against atypicality, ρ and p as the caption. */
  private atypicalitySection(): HTMLElement[] {
    const a = this.init.atypicality;
    if (!a) return [];
    const canvas = el('canvas', {
      id: 'atypicality',
      attrs: { role: 'img', 'aria-label': `score against atypicality, one dot per image: Spearman rho ${fmtRho(a.rho)}, p ${fmtP(a.p)}` },
    });
    this.chartMakers.push(() => {
      this.atypicality = new AtypicalityScatter(canvas, a);
    });
    return [
      el(
        'section',
        {},
        el('h3', { text: 'Atypicality' }),
        el('div', { className: 'chart' }, canvas),
        el('div', {
          id: 'atypicality-caption',
          className: 'hint',
          text:
            `Spearman ρ = ${fmtRho(a.rho)}, p = ${fmtP(a.p)} over ${a.n} scored images (controls grey, not counted). ` +
            `Atypicality: mean distance to the ${a.k} nearest other images in the encoders' representation; the paper finds memorised images atypical.`,
        }),
      ),
    ];
  }

  private testsSection(): HTMLElement {
    const w = this.init.whole;
    if (w) {
      // A whole-dataset run has no subset tests: its statistic is the count at a false-discovery rate.
      return el(
        'section',
        {},
        el('h3', { text: 'Memorized at FDR ' + String(w.fdr) }),
        el('p', {
          id: 'fdr-count',
          text: `${w.memorized} of ${w.scored} images (Benjamini–Hochberg over p-values against ${w.control} control images no encoder trained on; ${w.encoders} encoders).`,
        }),
      );
    }
    const table = el('table', { className: 'tests' }, el('tr', {}, ...['test', 't', 'p', 'Δ mean', ''].map((h) => el('th', { text: h }))));
    const names: Record<string, string> = { C_vs_S: 'S_C > S_S', C_vs_E: 'S_C > S_E', I_vs_S: 'S_I < S_S' };
    for (const t of this.init.tests) {
      table.append(
        el(
          'tr',
          { title: `Welch t-test, expected ${t.expected}` },
          el('td', { text: names[t.name] ?? t.name }),
          el('td', { text: fmt(t.t, 2) }),
          el('td', { text: t.p === null ? '—' : t.p < 1e-4 ? t.p.toExponential(1) : t.p.toFixed(4) }),
          el('td', { text: fmt(t.meanDifference, 3) }),
          el('td', {
            className: t.holds ? 'holds' : 'fails',
            text: t.holds ? '✓' : '✗',
            title: t.holds ? 'significant in the expected direction (p < 0.01)' : 'not significant at p < 0.01',
          }),
        ),
      );
    }
    return el('section', {}, el('h3', { text: 'Statistical tests' }), table);
  }
}

export const subsetName = (s: string): s is SubsetName => (SUBSET_NAMES as readonly string[]).includes(s);
