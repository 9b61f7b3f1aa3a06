// Pure pieces of the score panel's numbers, without a DOM or chart.js, so unit tests cover them: the series the
// score histogram draws, and the score with its 95 % interval for the detail pane.
import { SUBSET_NAMES, type Histogram, type SubsetName } from '../../src/protocol/scorePanel';
import { confidenceInterval } from '../../src/engine/runs/score-stderr';
import { fmt } from '../shared/dom';

/** One series (chart.js dataset) of the score histogram. */
export interface HistogramSeries {
  /** The rows it counts (its colour, and what the subset filter shows or hides). */
  subset: SubsetName;
  label: string;
  /** Rows per bin. */
  counts: number[];
  /** What the bars show: `counts`, or with `fraction` each bin's share of the series' rows. */
  values: number[];
  /** Series with the same stack are piled up; different stacks stand side by side in each bin. */
  stack: string;
}

/**
 * Paper runs: one series per subset, stacked (the four subsets add up to every scored image). Whole-dataset
 * runs: the scored images (rows labelled S_C) and the control set's null (S_E) as two series side by side, each
 * as the fraction of its own set per bin: the controls are a few dozen against thousands of scored images, so as
 * counts their bars would be flat, and the question the chart answers is whether the scores' distribution sits
 * to the right of the null's.
 */
export function histogramSeries(hist: Histogram, whole: boolean): { series: HistogramSeries[]; fraction: boolean } {
  if (!whole)
    return {
      fraction: false,
      series: SUBSET_NAMES.map((s) => ({ subset: s, label: s, counts: hist.counts[s], values: hist.counts[s], stack: 'all' })),
    };
  const share = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total > 0 ? c / total : 0));
  };
  const one = (subset: SubsetName, label: string): HistogramSeries => ({
    subset,
    label,
    counts: hist.counts[subset],
    values: share(hist.counts[subset]),
    stack: label,
  });
  return { fraction: true, series: [one('S_C', 'scored'), one('S_E', 'control (null)')] };
}

/** The score with its 95 % interval (engine runs/score-stderr.ts; docs/confidence-intervals.md) and where its s.e. comes from. */
export function scoreWithInterval(score: number, stderr: number, seedPairs: number): string {
  const [lo, hi] = confidenceInterval(score, stderr);
  const source =
    seedPairs > 1
      ? `s.e. ${fmt(stderr, 4)} from the spread of ${seedPairs} (f, g) seed pairs`
      : `s.e. ${fmt(stderr, 4)} from the views of one (f, g) pair; training noise not included`;
  return Number.isFinite(lo) ? `${fmt(score, 4)} [${fmt(lo, 4)}, ${fmt(hi, 4)}] 95 % CI (${source})` : `${fmt(score, 4)} (no s.e.)`;
}
