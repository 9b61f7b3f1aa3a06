// Score math (method spec §1). Alignment loss of an encoder h on a point x, estimated with K pairs of two
// independent augmented views: L(h, x) = mean_k || n(h(x'_k)) - n(h(x''_k)) ||_2, n = L2 normalisation
// (option, on by default). Standard error = sample std of the K distances / sqrt(K) (NaN when K < 2).
// Raw score m = L_g - L_f; normalisations: 'symmetric' (L_g - L_f)/(L_g + L_f) in [-1, 1] (the default,
// the follow-up paper's form), 'range' m / (max m - min m) over the scored set (the public code's form),
// 'raw' m. Several (f, g) seed pairs: L_f and L_g are averaged per point over the pairs, then normalised.
import type { Normalisation } from '../runs/subsets';
import { rankDescending } from '../runs/score-table';
import { pairScoreStderr, rawSpread } from '../runs/score-stderr';

export interface LossEstimate {
  mean: number;
  stderr: number;
}

/** Euclidean distance between row a and row b, optionally after L2-normalising each (a zero vector stays zero). */
function pairDistance(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number, normalise: boolean): number {
  let na = 1,
    nb = 1;
  if (normalise) {
    let sa = 0,
      sb = 0;
    for (let j = 0; j < dim; j++) {
      sa += a[aOff + j] * a[aOff + j];
      sb += b[bOff + j] * b[bOff + j];
    }
    na = sa > 0 ? Math.sqrt(sa) : 1;
    nb = sb > 0 ? Math.sqrt(sb) : 1;
  }
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] / na - b[bOff + j] / nb;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** One point: viewsA and viewsB hold K embeddings each (K×dim, row k of A pairs with row k of B). */
export function alignmentLoss(
  viewsA: Float32Array,
  viewsB: Float32Array,
  dim: number,
  K: number,
  options: { normalise?: boolean } = {},
): LossEstimate {
  if (viewsA.length !== K * dim || viewsB.length !== K * dim)
    throw new Error(`expected ${K}×${dim} embeddings per side, got ${viewsA.length} and ${viewsB.length} values`);
  const acc = new AlignmentAccumulator(1, options);
  for (let k = 0; k < K; k++) acc.add([0], viewsA.subarray(k * dim, (k + 1) * dim), viewsB.subarray(k * dim, (k + 1) * dim), dim);
  const r = acc.result();
  return { mean: r.mean[0], stderr: r.stderr[0] };
}

/**
 * Streaming form for batched encode passes: call add() once per encoded batch of view pairs, in any order
 * and any number of times per point; result() gives per-point mean and standard error. Memory is O(points),
 * not O(points × K × dim).
 */
export class AlignmentAccumulator {
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly count: Int32Array;
  private readonly normalise: boolean;

  constructor(
    readonly points: number,
    options: { normalise?: boolean } = {},
  ) {
    this.sum = new Float64Array(points);
    this.sumSq = new Float64Array(points);
    this.count = new Int32Array(points);
    this.normalise = options.normalise ?? true;
  }

  /** pointIds[r] is the point of row r of embA/embB (each rows×dim). */
  add(pointIds: ArrayLike<number>, embA: Float32Array, embB: Float32Array, dim: number): void {
    const rows = pointIds.length;
    if (embA.length !== rows * dim || embB.length !== rows * dim)
      throw new Error(`expected ${rows}×${dim} embeddings, got ${embA.length} and ${embB.length}`);
    for (let r = 0; r < rows; r++) {
      const p = pointIds[r];
      if (p < 0 || p >= this.points) throw new Error(`point id ${p} out of range`);
      const d = pairDistance(embA, r * dim, embB, r * dim, dim, this.normalise);
      this.sum[p] += d;
      this.sumSq[p] += d * d;
      this.count[p]++;
    }
  }

  result(): { mean: Float64Array; stderr: Float64Array; count: Int32Array } {
    const mean = new Float64Array(this.points);
    const stderr = new Float64Array(this.points);
    for (let p = 0; p < this.points; p++) {
      const k = this.count[p];
      mean[p] = k > 0 ? this.sum[p] / k : NaN;
      // Sample variance via the sums; clamp tiny negatives from rounding.
      const variance = k > 1 ? Math.max(0, (this.sumSq[p] - k * mean[p] * mean[p]) / (k - 1)) : NaN;
      stderr[p] = Math.sqrt(variance / k);
    }
    return { mean, stderr, count: Int32Array.from(this.count) };
  }
}

export interface PointLosses {
  lf: ArrayLike<number>;
  lg: ArrayLike<number>;
  lfStderr?: ArrayLike<number>;
  lgStderr?: ArrayLike<number>;
}

export interface Scores {
  lf: Float64Array;
  lg: Float64Array;
  lfStderr: Float64Array;
  lgStderr: Float64Array;
  raw: Float64Array;
  symmetric: Float64Array;
  range: Float64Array;
  /** The score the report and ranks use (one of the three above). */
  normalised: Float64Array;
  normalisation: Normalisation;
  /** 1 = most memorised (highest normalised score); ties broken by lower position; NaN last. */
  rank: Int32Array;
}

/** Average L_f, L_g over seed pairs (standard errors combine as sqrt(Σ se²)/P: the pairs are independent). */
export function averageSeedPairs(pairs: PointLosses[]): Required<PointLosses> {
  if (pairs.length === 0) throw new Error('no (f, g) pairs to average');
  const n = pairs[0].lf.length;
  const mean = (key: 'lf' | 'lg') => Float64Array.from({ length: n }, (_, i) => pairs.reduce((s, p) => s + p[key][i], 0) / pairs.length);
  const se = (key: 'lfStderr' | 'lgStderr') =>
    Float64Array.from({ length: n }, (_, i) => Math.sqrt(pairs.reduce((s, p) => s + (p[key]?.[i] ?? NaN) ** 2, 0)) / pairs.length);
  for (const p of pairs) if (p.lf.length !== n || p.lg.length !== n) throw new Error('seed pairs cover different numbers of points');
  return { lf: mean('lf'), lg: mean('lg'), lfStderr: se('lfStderr'), lgStderr: se('lgStderr') };
}

export function computeScores(losses: PointLosses, normalisation: Normalisation = 'symmetric'): Scores {
  const n = losses.lf.length;
  if (losses.lg.length !== n) throw new Error(`L_f has ${n} points, L_g ${losses.lg.length}`);
  const lf = Float64Array.from(losses.lf),
    lg = Float64Array.from(losses.lg);
  const raw = Float64Array.from({ length: n }, (_, i) => lg[i] - lf[i]);
  // A NaN loss stays NaN (never a score of 0 that looks like "no memorization"); 0/0 (both losses 0) is 0.
  const symmetric = Float64Array.from({ length: n }, (_, i) =>
    Number.isNaN(lg[i] + lf[i]) ? NaN : lg[i] + lf[i] > 0 ? raw[i] / (lg[i] + lf[i]) : 0,
  );
  let min = Infinity,
    max = -Infinity;
  for (const m of raw) {
    if (m < min) min = m;
    if (m > max) max = m;
  }
  const spread = max - min;
  const range = Float64Array.from(raw, (m) => (spread > 0 ? m / spread : 0));
  const normalised = normalisation === 'symmetric' ? symmetric : normalisation === 'range' ? range : raw;
  return {
    lf,
    lg,
    lfStderr: Float64Array.from(losses.lfStderr ?? new Float64Array(n).fill(NaN)),
    lgStderr: Float64Array.from(losses.lgStderr ?? new Float64Array(n).fill(NaN)),
    raw,
    symmetric,
    range,
    normalised,
    normalisation,
    rank: rankDescending(normalised),
  };
}

/** One pair's normalised score of point i, on the reported score's scale ('range' divides by the averaged run's spread). */
function pairScore(lf: number, lg: number, normalisation: Normalisation, spread: number): number {
  const raw = lg - lf;
  if (normalisation === 'symmetric') return Number.isNaN(lg + lf) ? NaN : lg + lf > 0 ? raw / (lg + lf) : 0;
  if (normalisation === 'range') return spread > 0 ? raw / spread : 0;
  return raw;
}

/**
 * Per point, the standard error of the reported score over several seed pairs: the spread of the pairs' own
 * scores, s.d. / √P (runs/score-stderr.ts pairScoreStderr says why nothing else is added;
 * docs/confidence-intervals.md). `scores` are computeScores of averageSeedPairs(perPair).
 */
export function scoreStderrOverPairs(perPair: PointLosses[], scores: Scores): Float64Array {
  const n = scores.lf.length;
  const spread = rawSpread(scores.raw);
  const values = new Float64Array(perPair.length);
  return Float64Array.from({ length: n }, (_, i) => {
    perPair.forEach((p, q) => {
      values[q] = pairScore(p.lf[i], p.lg[i], scores.normalisation, spread);
    });
    return pairScoreStderr(values);
  });
}
