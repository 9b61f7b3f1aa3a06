// Statistics of the report (method spec §2): per-subset summaries, Welch two-sample t-tests, the
// fraction-memorised-vs-threshold curve on S_C, top-k lists.
import { studentTTwoSidedP } from './special';

export interface Summary {
  n: number;
  mean: number;
  median: number;
  std: number;
}

/** n, mean, median and the SAMPLE standard deviation (n − 1); NaN where undefined (n = 0, or std with n = 1). */
export function describe(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, median: NaN, std: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, mean, median, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  meanDifference: number;
}

/** Welch's unequal-variance t-test of mean(a) − mean(b). NaN when either sample has fewer than 2 values. */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): WelchResult {
  const A = describe(a),
    B = describe(b);
  const meanDifference = A.mean - B.mean;
  if (A.n < 2 || B.n < 2) return { t: NaN, df: NaN, p: NaN, meanDifference };
  const va = (A.std * A.std) / A.n,
    vb = (B.std * B.std) / B.n;
  const se2 = va + vb;
  if (se2 === 0) {
    // Both samples constant: the difference is exact, not estimated.
    const t = meanDifference === 0 ? NaN : Math.sign(meanDifference) * Infinity;
    return { t, df: A.n + B.n - 2, p: meanDifference === 0 ? 1 : 0, meanDifference };
  }
  const t = meanDifference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (A.n - 1) + (vb * vb) / (B.n - 1));
  return { t, df, p: studentTTwoSidedP(t, df), meanDifference };
}

export interface ThresholdPoint {
  tau: number;
  fraction: number;
}

/** Evenly spaced thresholds from `from` to `to` inclusive. */
export function tauGrid(from: number, to: number, steps: number): number[] {
  if (steps < 2) return [from];
  return Array.from({ length: steps }, (_, i) => Number((from + ((to - from) * i) / (steps - 1)).toPrecision(12)));
}

/**
 * The report's thresholds: `steps` evenly spaced τ whose first lies one step below the lowest score and whose
 * last lies one step above the highest, so frac(τ) falls from 1 to 0 across the rows whatever the scale of
 * the scores. A fixed grid (−1..1 for bounded scores) puts every row of a curve in a ±0.1 band at 1 or 0.
 * Non-finite scores are ignored; none at all gives no thresholds.
 */
export function observedTauGrid(scores: ArrayLike<number>, steps = 41): number[] {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < scores.length; i++)
    if (Number.isFinite(scores[i])) {
      lo = Math.min(lo, scores[i]);
      hi = Math.max(hi, scores[i]);
    }
  if (!Number.isFinite(lo)) return [];
  const rows = Math.max(4, steps);
  // The floor keeps the two margins apart from the extremes after tauGrid's rounding to 12 digits, even when
  // every score is the same.
  const step = Math.max((hi - lo) / (rows - 3), 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi)));
  return tauGrid(lo - step, lo + step * (rows - 2), rows);
}

/** frac(τ) = |{x : score(x) > τ}| / |scores| for each τ (strictly greater, as in the method spec). */
export function thresholdCurve(scores: ArrayLike<number>, taus: number[]): ThresholdPoint[] {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  return taus.map((tau) => {
    // First position whose value is > tau (binary search): everything from there on exceeds tau.
    let lo = 0,
      hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > tau) hi = mid;
      else lo = mid + 1;
    }
    return { tau, fraction: n ? (n - lo) / n : NaN };
  });
}

/** Indices (into `values`, or into `among` when given) of the k highest (or lowest) values; ties by index. */
export function topK(values: ArrayLike<number>, k: number, options: { among?: ArrayLike<number>; lowest?: boolean } = {}): number[] {
  const pool = options.among ? Array.from(options.among) : Array.from({ length: values.length }, (_, i) => i);
  const sign = options.lowest ? 1 : -1;
  return pool
    .filter((i) => !Number.isNaN(values[i]))
    .sort((a, b) => sign * (values[a] - values[b]) || a - b)
    .slice(0, k);
}
