// The threshold slider's arithmetic: which τ each slider position means, how τ prints, and what fraction of
// S_C scores above it. Pure, so unit tests cover it on any scores.
import { distinctDecimals, fixed } from '../../src/engine/sslmem/report/tau-labels';

/** Fraction of the (ascending) scores strictly above tau: binary search, so the slider stays live at 50k. */
export function fractionAbove(sorted: readonly number[], tau: number): number {
  if (sorted.length === 0) return NaN;
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= tau) lo = mid + 1;
    else hi = mid;
  }
  return (sorted.length - lo) / sorted.length;
}

/** The slider has integer positions 0..SLIDER_STEPS; an arrow key moves one. */
export const SLIDER_STEPS = 400;

/**
 * Slider position -> τ. The memorized count is `score > τ`, so a slider whose left end is the lowest score
 * drops that very sample ("12 of 13" where "all" is meant). Position 0 is therefore one step BELOW the
 * lowest score (every sample counts), position 1 is the lowest score, and the last position is at or above
 * the highest score (none counts); the positions between are evenly spaced.
 */
export interface TauScale {
  /** τ at position 1: the lowest score. */
  readonly first: number;
  readonly step: number;
  /** τ at the last position: at least the highest score. */
  readonly last: number;
  readonly steps: number;
  /** Decimals at which every two adjacent positions print differently. */
  readonly decimals: number;
}

/**
 * The scale for a histogram's range [lo, hi] and the scores the fraction is counted on. The scores are
 * included because they need not lie inside [lo, hi] exactly: the page gets them rounded to 6 digits.
 */
export function tauScale(lo: number, hi: number, scores: readonly number[], steps = SLIDER_STEPS): TauScale {
  let a = Infinity,
    b = -Infinity;
  for (const x of [lo, hi, ...scores])
    if (Number.isFinite(x)) {
      a = Math.min(a, x);
      b = Math.max(b, x);
    }
  if (!Number.isFinite(a)) {
    a = -1;
    b = 1;
  }
  const n = Math.max(2, Math.round(steps));
  // The floor keeps position 0 strictly below the lowest score when every score is the same.
  const step = Math.max((b - a) / (n - 1), 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
  const last = Math.max(b, a + step * (n - 1));
  const partial = { first: a, step, last, steps: n };
  const taus = Array.from({ length: n + 1 }, (_, p) => tauAt(partial, p));
  return { ...partial, decimals: distinctDecimals(taus) };
}

export function tauAt(scale: Omit<TauScale, 'decimals'>, position: number): number {
  const p = clampPosition(scale, position);
  return p === scale.steps ? scale.last : scale.first + (p - 1) * scale.step;
}

/** The position nearest to τ (a threshold restored from the page's state). */
export function positionOf(scale: Omit<TauScale, 'decimals'>, tau: number): number {
  if (!Number.isFinite(tau)) return 0;
  return clampPosition(scale, Math.round((tau - scale.first) / scale.step) + 1);
}

/** A slider position: an integer in 0..steps. */
export function clampPosition(scale: Omit<TauScale, 'decimals'>, position: number): number {
  return Math.max(0, Math.min(scale.steps, Math.round(Number.isFinite(position) ? position : 0)));
}

/** τ as the panel prints it: enough decimals to tell adjacent slider positions apart. */
export const formatTau = (scale: TauScale, tau: number): string => fixed(tau, scale.decimals);

/** The headline under the slider: the percentage, and what τ and the count are; the two ends say so. */
export function headline(
  scale: TauScale,
  position: number,
  sortedScores: readonly number[],
  subsetSize: number,
): { percent: string; detail: string } {
  const p = clampPosition(scale, position);
  const tau = tauAt(scale, p);
  const f = fractionAbove(sortedScores, tau);
  if (Number.isNaN(f)) return { percent: '—', detail: ' S_C has no scores' };
  const count = Math.round(f * subsetSize);
  const where = p === 0 ? ', below every score' : p === scale.steps ? ', no score above it' : '';
  return {
    percent: `${(100 * f).toFixed(1)}%`,
    detail: ` of S_C memorized (score > τ = ${formatTau(scale, tau)}${where}; ${count} of ${subsetSize})`,
  };
}
