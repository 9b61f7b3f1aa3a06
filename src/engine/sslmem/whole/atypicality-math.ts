// The arithmetic of the atypicality check (issue 15 item 4), pure and dependency-free so the report stage, the
// bench and the tests share one copy: atypicality = mean distance to the k nearest other rows, and Spearman's
// rank correlation with its two-sided p-value from the t approximation (t = ρ √((n−2)/(1−ρ²)), n−2 df).
import { studentTTwoSidedP } from '../report/special';

/**
 * Mean Euclidean distance of each of the n rows of `x` (row-major, n × dim) to its k nearest other rows; rows
 * are L2-normalised first when `normalise` (a zero row stays zero). Exact O(n² · dim): every pair once.
 * Deterministic: the same input gives the same bits (fixed summation order), which a redone report relies on.
 */
export function knnDistance(x: ArrayLike<number>, n: number, dim: number, k: number, normalise: boolean): Float64Array {
  if (x.length !== n * dim) throw new Error(`knnDistance: ${x.length} values for ${n} × ${dim}`);
  if (!(k >= 1 && k < n)) throw new Error(`knnDistance: k = ${k} needs 1 ≤ k < n = ${n}`);
  const v = Float64Array.from(x);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
    if (normalise) {
      const norm = Math.sqrt(s) || 1;
      for (let d = 0; d < dim; d++) v[i * dim + d] /= norm;
      s = 0;
      for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
    }
    sq[i] = s;
  }
  // Per row the k smallest distances so far, ascending (insertion into a tiny sorted buffer: no n-long sort).
  const best = new Float64Array(n * k).fill(Infinity);
  const offer = (row: number, dist: number) => {
    const base = row * k;
    if (dist >= best[base + k - 1]) return;
    let at = base + k - 1;
    while (at > base && best[at - 1] > dist) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = dist;
  };
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      const oj = j * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[oi + d] * v[oj + d];
      const dist = Math.sqrt(Math.max(0, sq[i] + sq[j] - 2 * dot));
      offer(i, dist);
      offer(j, dist);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += best[i * k + t];
    out[i] = s / k;
  }
  return out;
}

/** 1-based ranks, ties get their mean rank. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const r = new Float64Array(values.length);
  for (let k = 0; k < order.length;) {
    let e = k;
    while (e + 1 < order.length && values[order[e + 1]] === values[order[k]]) e++;
    for (let t = k; t <= e; t++) r[order[t]] = (k + e) / 2 + 1;
    k = e + 1;
  }
  return r;
}

export interface SpearmanResult {
  rho: number;
  /** Two-sided, from the t approximation; NaN when n < 3 or ρ is undefined (a constant input). */
  p: number;
  n: number;
}

/** Spearman's ρ of two equally long vectors (Pearson correlation of their ranks). NaN values are not allowed. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): SpearmanResult {
  const n = a.length;
  if (b.length !== n) throw new Error(`spearman: ${n} and ${b.length} values`);
  for (let i = 0; i < n; i++) if (Number.isNaN(a[i]) || Number.isNaN(b[i])) throw new Error(`spearman: NaN at position ${i}`);
  const ra = ranks(a),
    rb = ranks(b);
  const mean = (n + 1) / 2;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  const rho = n >= 2 && da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
  return { rho, p: spearmanP(rho, n), n };
}

export function spearmanP(rho: number, n: number): number {
  if (!Number.isFinite(rho) || n < 3) return NaN;
  if (Math.abs(rho) >= 1) return 0;
  return studentTTwoSidedP(rho * Math.sqrt((n - 2) / (1 - rho * rho)), n - 2);
}
