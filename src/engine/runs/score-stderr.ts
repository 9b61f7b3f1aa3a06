// How sure each score is: its standard error and its 95 % confidence interval (issue 15 item 2). Pure and
// plain data, shared by the report (sslmem/report/) and the UI (ui/ranking.ts), so both print the same numbers.
// The formulas, and why they are combined as they are, are in docs/confidence-intervals.md.
import type { Normalisation } from './subsets';

/** The normal quantile for a two-sided 95 % interval, rounded as it is usually printed. */
export const Z_95 = 1.96;

/**
 * View-level standard error of a normalised score from the standard errors of its two loss estimates (K view
 * pairs each), treating them as independent (first-order error propagation):
 *  raw m = L_g − L_f:          se² = se_f² + se_g²
 *  symmetric m / (L_g + L_f):  se = 2·√(L_f²·se_g² + L_g²·se_f²) / (L_g + L_f)²
 *  range m / spread:           se_raw / spread (spread = max m − min m over the run)
 * It measures only the view noise of one (f, g) pair, and overstates even that: f and g are scored on the same
 * keyed views, so their view noise is positively correlated and largely cancels in L_g − L_f, which the
 * independence assumption ignores. The noise of training f and g is not in it at all.
 */
export function viewScoreStderr(
  lf: number,
  lg: number,
  sf: number,
  sg: number,
  normalisation: Normalisation | string,
  rawSpread: number,
): number {
  const raw = Math.sqrt(sf * sf + sg * sg);
  if (normalisation === 'symmetric') {
    const sum = lf + lg;
    return sum > 0 ? (2 * Math.sqrt(lf * lf * sg * sg + lg * lg * sf * sf)) / (sum * sum) : NaN;
  }
  if (normalisation === 'range') return rawSpread > 0 ? raw / rawSpread : NaN;
  return raw;
}

/**
 * Standard error of a score averaged over P ≥ 2 independently trained (f, g) pairs, from the spread of the
 * pairs' own scores: s / √P, s the sample standard deviation (n − 1) of the P pair scores. Each pair's score is
 * itself a K-view estimate made on the pair's own views, so that spread holds the view noise (with the f/g
 * correlation of shared views, which viewScoreStderr cannot see) as well as the training noise: it is the whole
 * uncertainty, and the view-level s.e. is neither added to it (that would count the view noise twice) nor used
 * as a floor (it overstates the view noise of a score: a median 13× the pairs' s.e. on a tiny run; docs/confidence-intervals.md).
 * NaN with fewer than 2 pairs or a NaN pair score.
 */
export function pairScoreStderr(pairScores: ArrayLike<number>): number {
  const p = pairScores.length;
  if (p < 2) return NaN;
  let sum = 0;
  for (let q = 0; q < p; q++) sum += pairScores[q];
  const mean = sum / p;
  let ss = 0;
  for (let q = 0; q < p; q++) ss += (pairScores[q] - mean) ** 2;
  return Math.sqrt(ss / (p - 1) / p);
}

/** max − min of the finite raw scores (the range normalisation's divisor); 0 when they do not spread. */
export function rawSpread(raw: ArrayLike<number>): number {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < raw.length; i++)
    if (Number.isFinite(raw[i])) {
      lo = Math.min(lo, raw[i]);
      hi = Math.max(hi, raw[i]);
    }
  return hi > lo ? hi - lo : 0;
}

/** The 95 % interval score ± 1.96·se; [NaN, NaN] when either is unknown. */
export function confidenceInterval(score: number, stderr: number): [number, number] {
  if (!Number.isFinite(score) || !Number.isFinite(stderr)) return [NaN, NaN];
  return [score - Z_95 * stderr, score + Z_95 * stderr];
}
