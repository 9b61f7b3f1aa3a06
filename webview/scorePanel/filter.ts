// The gallery filter's rules, kept out of the DOM code so one place decides what each control changes and
// unit tests cover it. The filter (RowFilter) is the one source of truth: the subset checkboxes, the
// histogram's brushed bins and the range label are drawn from it, never the other way round.
import { SUBSET_NAMES, type RowFilter, type SubsetName } from '../../src/protocol/scorePanel';

/**
 * "Show scores > τ": only the score's lower bound changes (to τ, with no upper bound). Subsets, classes and
 * marks stay as the controls show them: with only S_C checked, the gallery still shows only S_C.
 */
export function applyThresholdFilter(filter: RowFilter, tau: number): RowFilter {
  return { ...filter, subsets: [...filter.subsets], classes: [...filter.classes], min: tau, minExclusive: true, max: undefined };
}

/** The subset list for the checked boxes: every box checked is "no restriction" (an empty list). */
export function subsetsFromChecks(checked: readonly SubsetName[]): SubsetName[] {
  const inOrder = SUBSET_NAMES.filter((s) => checked.includes(s));
  return inOrder.length === SUBSET_NAMES.length ? [] : inOrder;
}

/** Whether a subset's box is checked (and its histogram bars shown) under `filter`. */
export const subsetShown = (filter: RowFilter, s: SubsetName): boolean => filter.subsets.length === 0 || filter.subsets.includes(s);

/** The histogram's bins: `count` of equal width over [lo, hi]. */
export interface Bins {
  lo: number;
  hi: number;
  count: number;
}

/** The score range a run of bins [first, last] covers. */
export function rangeOfBins(bins: Bins, [first, last]: [number, number]): [number, number] {
  const width = (bins.hi - bins.lo) / bins.count;
  return [bins.lo + first * width, last === bins.count - 1 ? bins.hi : bins.lo + (last + 1) * width];
}

/**
 * The bins a filter's score range touches, for the brush to show it: a missing bound is the histogram's end,
 * both missing is no brush. Inverse of rangeOfBins for ranges made from whole bins.
 */
export function binsOfRange(bins: Bins, min: number | undefined, max: number | undefined): [number, number] | undefined {
  if (min === undefined && max === undefined) return undefined;
  const width = (bins.hi - bins.lo) / bins.count;
  const clamp = (i: number) => Math.max(0, Math.min(bins.count - 1, i));
  // A small tolerance: a bound computed as lo + k·width may land a hair inside the neighbouring bin.
  const eps = 1e-9;
  const first = min === undefined ? 0 : clamp(Math.floor((min - bins.lo) / width + eps));
  const last = max === undefined ? bins.count - 1 : clamp(Math.ceil((max - bins.lo) / width - eps) - 1);
  return [first, Math.max(first, last)];
}
