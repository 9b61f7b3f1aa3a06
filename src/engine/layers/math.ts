// Pure math of the layer analyses (method spec §4), no I/O: what a unit is in each layer kind, UnitMem,
// and the LayerMem summary over a set of points.
import type { LayerKind, LayerShape, NegativePolicy, RestStatistic } from './types';

/** A layer's layout from its per-image shape: [C,H,W] conv, [T,D] tokens, [D] vector. */
export function layerShape(name: string, shape: readonly number[]): LayerShape {
  if (shape.length === 3) return { name, kind: 'conv', shape: [...shape], units: shape[0], positions: shape[1] * shape[2] };
  if (shape.length === 2) return { name, kind: 'tokens', shape: [...shape], units: shape[1], positions: shape[0] };
  if (shape.length === 1) return { name, kind: 'vector', shape: [...shape], units: shape[0], positions: 1 };
  throw new Error(`layer ${name}: cannot analyse an output of per-image shape [${shape}]`);
}

/**
 * Unit means of `rows` images of one layer: out[r*units + u] = mean over the positions of unit u (the spatial
 * mean of a conv channel, the token mean of a ViT feature, the neuron itself for a vector).
 */
export function unitMeans(
  kind: LayerKind,
  units: number,
  positions: number,
  values: Float32Array,
  rows: number,
  out: Float32Array = new Float32Array(rows * units),
): Float32Array {
  const per = units * positions;
  if (values.length < rows * per) throw new Error(`unitMeans: ${values.length} values for ${rows}×${per}`);
  for (let r = 0; r < rows; r++) {
    const base = r * per;
    for (let u = 0; u < units; u++) {
      let s = 0;
      if (kind === 'tokens') for (let t = 0; t < positions; t++) s += values[base + t * units + u];
      else for (let p = 0, o = base + u * positions; p < positions; p++) s += values[o + p];
      out[r * units + u] = s / positions;
    }
  }
  return out;
}

export interface UnitMemResult {
  score: (number | null)[];
  muMax: number[];
  muRest: number[];
  /** Point (row of mu) each unit is most selective for. */
  argmax: number[];
  negative: boolean[];
  /** Units whose μ is 0 on every point (UnitMem 0 by definition, not 0/0). */
  dead: number;
}

function median(sorted: Float64Array, skip: number): number {
  // Median of `sorted` without the element at position `skip` (the maximum, the last).
  const n = sorted.length - 1;
  if (n <= 0) return 0;
  const at = (i: number) => sorted[i >= skip ? i + 1 : i];
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/**
 * UnitMem of every unit from mu [points × units] (μ_u(x), the mean activation over augmentations):
 * UnitMem(u) = (μ_max − μ_rest)/(μ_max + μ_rest), μ_max = max over points, μ_rest = mean (the paper's
 * equation) or median (the public code) over the other points. In [0, 1] when μ ≥ 0. A unit that is 0
 * everywhere scores 0. Units with a negative μ follow `negative` (see NegativePolicy).
 */
export function unitMem(
  mu: Float32Array,
  points: number,
  units: number,
  options: { rest?: RestStatistic; negative?: NegativePolicy } = {},
): UnitMemResult {
  const rest = options.rest ?? 'mean';
  const policy = options.negative ?? 'exclude';
  if (mu.length !== points * units) throw new Error(`unitMem: ${mu.length} values for ${points}×${units}`);
  const r: UnitMemResult = { score: [], muMax: [], muRest: [], argmax: [], negative: [], dead: 0 };
  const col = new Float64Array(points);
  for (let u = 0; u < units; u++) {
    let max = -Infinity,
      arg = 0,
      min = Infinity,
      sum = 0;
    for (let p = 0; p < points; p++) {
      const v = mu[p * units + u];
      col[p] = v;
      sum += v;
      if (v > max) {
        max = v;
        arg = p;
      }
      if (v < min) min = v;
    }
    const negative = min < 0;
    const shift = negative && policy === 'shift' ? min : 0;
    let muRest: number;
    if (points < 2) muRest = 0;
    else if (rest === 'mean') muRest = (sum - max) / (points - 1) - shift;
    else {
      col.sort();
      muRest = median(col, points - 1) - shift;
    }
    const muMax = max - shift;
    let score: number | null;
    if (negative && policy === 'exclude') score = null;
    else if (muMax + muRest > 0) score = Math.min(1, Math.max(0, (muMax - muRest) / (muMax + muRest)));
    else {
      score = 0;
      r.dead++;
    }
    r.score.push(score);
    r.muMax.push(muMax);
    r.muRest.push(muRest);
    r.argmax.push(arg);
    r.negative.push(negative);
  }
  return r;
}

/** Rows of the `n` highest values of column u of mu [points × units], highest first (ties: lower row first). */
export function topPoints(mu: Float32Array, points: number, units: number, u: number, n: number): number[] {
  const rows = Array.from({ length: points }, (_, p) => p);
  rows.sort((a, b) => mu[b * units + u] - mu[a * units + u] || a - b);
  return rows.slice(0, n);
}

export function histogram(values: readonly (number | null)[], bins: number, lo = 0, hi = 1): { edges: number[]; counts: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  }
  return { edges, counts };
}

/** Mean, median and max of the finite values, and how many there are. */
export function summarise(values: readonly (number | null)[]): { mean: number; median: number; max: number; count: number } {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { mean: NaN, median: NaN, max: NaN, count: 0 };
  const mid = v.length >> 1;
  return {
    mean: v.reduce((s, x) => s + x, 0) / v.length,
    median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2,
    max: v[v.length - 1],
    count: v.length,
  };
}

/** Mean and standard error (sample std / √n) of the finite values. */
export function meanStderr(values: ArrayLike<number>): { mean: number; stderr: number } {
  let n = 0,
    s = 0,
    ss = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) {
      n++;
      s += x;
      ss += x * x;
    }
  }
  if (!n) return { mean: NaN, stderr: NaN };
  const mean = s / n;
  const variance = n > 1 ? Math.max(0, (ss - n * mean * mean) / (n - 1)) : NaN;
  return { mean, stderr: Math.sqrt(variance / n) };
}

/** ΔLayerMem(l) = LayerMem(l) − LayerMem(l−1), the first layer against 0. */
export function deltas(layerMem: readonly number[]): number[] {
  return layerMem.map((v, i) => (i === 0 ? v : v - layerMem[i - 1]));
}
