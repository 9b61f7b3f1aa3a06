// The data behind the side-by-side gallery: samples scored on both sides, paired, each side ordered by its
// own score (highest first), paged by position. Two sources: two runs (paired by image file, or by dataset
// path for records of IDX/CIFAR files: compareRuns.ts), or a run and one retrained encoder re-scored against
// the same g (the retrain experiment's score-diff.json, paired by dataset index). No `vscode` import.
import type { ScoreDiff } from '../engine/sslmem/removal/types';
import type { Comparison } from './compareRuns';
import type { PairRow, PairSummary, Side } from '../protocol/galleryCompare';

export interface PairedSample {
  /** Run A's dataset index and path: the sample's id on both sides. */
  index: number;
  path: string;
  subsetA: string;
  subsetB: string;
  a: number;
  b: number;
  removed?: boolean;
}

export class GalleryPairs {
  private readonly order: Record<Side, PairedSample[]>;
  private readonly position: Record<Side, Map<number, number>>;

  constructor(
    readonly samples: readonly PairedSample[],
    readonly summary: PairSummary,
  ) {
    // Ties (and NaN, last) broken by index so both orders are stable across reloads.
    const by = (side: Side) => samples.slice().sort((x, y) => cmpDesc(x[side], y[side]) || x.index - y.index);
    this.order = { a: by('a'), b: by('b') };
    const positions = (list: PairedSample[]) => new Map(list.map((s, i) => [s.index, i]));
    this.position = { a: positions(this.order.a), b: positions(this.order.b) };
  }

  get total(): number {
    return this.samples.length;
  }

  /** Position (0-based) of a sample in a side's order, or -1. */
  positionOf(side: Side, index: number): number {
    return this.position[side].get(index) ?? -1;
  }

  /** Rows [start, end) of one side, without thumbnails (the host adds those). */
  page(side: Side, start: number, end: number): Omit<PairRow, 'thumb'>[] {
    const other: Side = side === 'a' ? 'b' : 'a';
    return this.order[side].slice(start, end).map((s, i) => ({
      index: s.index,
      path: s.path,
      rank: start + i + 1,
      otherRank: this.positionOf(other, s.index) + 1,
      subset: side === 'a' ? s.subsetA : s.subsetB,
      score: s[side],
      other: s[other],
      delta: s.b - s.a,
      ...(s.removed === undefined ? {} : { removed: s.removed }),
    }));
  }
}

/** NaN sorts last; otherwise descending. */
function cmpDesc(x: number, y: number): number {
  const nx = Number.isNaN(x),
    ny = Number.isNaN(y);
  if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
  return y - x;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function meanDelta(samples: readonly PairedSample[]): number | null {
  let sum = 0,
    n = 0;
  for (const s of samples) {
    const d = s.b - s.a;
    if (Number.isFinite(d)) {
      sum += d;
      n++;
    }
  }
  return n ? sum / n : null;
}

/** Two runs, as compareRuns() paired them. */
export function pairsFromComparison(c: Comparison, labels: { a: string; b: string }): GalleryPairs {
  const samples = c.rows.map((r) => ({ index: r.indexA, path: r.pathA, subsetA: r.subsetA, subsetB: r.subsetB, a: r.a, b: r.b }));
  return new GalleryPairs(samples, {
    title: `${labels.a} ↔ ${labels.b}`,
    labelA: labels.a,
    labelB: labels.b,
    shared: c.shared,
    onlyA: c.onlyA,
    onlyB: c.onlyB,
    pearson: finite(c.pearson),
    spearman: finite(c.spearman),
    meanDelta: meanDelta(samples),
    note: "Samples scored in both runs, each gallery sorted by its own run's score. Δ = B − A.",
  });
}

/** The original run (A) and a retrained f re-scored against the same g with the same views (B). */
export function pairsFromScoreDiff(diff: ScoreDiff, runLabel: string): GalleryPairs {
  const n = diff.index.length;
  if ([diff.path, diff.subset, diff.before, diff.after, diff.removed].some((col) => col.length !== n))
    throw new Error(`${diff.dir}: score-diff columns differ in length`);
  const samples: PairedSample[] = Array.from({ length: n }, (_, r) => ({
    index: diff.index[r],
    path: diff.path[r],
    subsetA: diff.subset[r],
    subsetB: diff.subset[r],
    a: numberOr(diff.before[r]),
    b: numberOr(diff.after[r]),
    removed: diff.removed[r] === true,
  }));
  const removed = samples.filter((s) => s.removed).length;
  const kept = samples.filter((s) => !s.removed);
  const a = kept.map((s) => s.a),
    b = kept.map((s) => s.b);
  return new GalleryPairs(samples, {
    title: `${runLabel}: original f ↔ ${diff.dir}`,
    labelA: `original f (${runLabel})`,
    labelB: `${diff.dir} (${diff.k} ${diff.removal} points removed)`,
    shared: n,
    onlyA: 0,
    onlyB: 0,
    pearson: finite(pearson(a, b)),
    spearman: finite(pearson(ranks(a), ranks(b))),
    meanDelta: meanDelta(kept),
    note: `Both scored against the run's g on identical views. ${removed} points were removed from the retrained f's training data (marked); the correlations and mean Δ cover the ${kept.length} others. Δ = B − A.`,
  });
}

/** JSON may carry null where a score was not finite. */
const numberOr = (x: unknown) => (typeof x === 'number' ? x : NaN);

export function pearson(x: readonly number[], y: readonly number[]): number {
  const pairs = x.map((v, i) => [v, y[i]]).filter(([u, v]) => Number.isFinite(u) && Number.isFinite(v));
  const n = pairs.length;
  if (n < 2) return NaN;
  const mx = pairs.reduce((s, [u]) => s + u, 0) / n,
    my = pairs.reduce((s, [, v]) => s + v, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (const [u, v] of pairs) {
    sxy += (u - mx) * (v - my);
    sxx += (u - mx) ** 2;
    syy += (v - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n, ties given their average rank (for Spearman's ρ). */
export function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const out = new Array<number>(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}
