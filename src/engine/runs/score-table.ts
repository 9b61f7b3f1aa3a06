// The per-point results of a run as columns, one row per scored sample (the union of the four subsets),
// ordered by dataset index. Written as scores.csv (for people and tools) and scores.bin (for the UI).
import type { Dataset } from '../data/types';
import { scoredIndices, subsetOfEach, type Split, type SubsetName } from './subsets';

import { type Normalisation } from './subsets';

export interface ScoreTable {
  n: number;
  normalisation: Normalisation;
  index: Int32Array;
  path: string[];
  subset: SubsetName[];
  /** -1 when unlabeled. */
  label: Int32Array;
  lf: Float64Array;
  lg: Float64Array;
  lfStderr: Float64Array;
  lgStderr: Float64Array;
  raw: Float64Array;
  normalised: Float64Array;
  /** 1 = highest normalised score among all rows. */
  rank: Int32Array;
  classNames: string[];
  /** Whole-dataset runs only (sslmem/whole/): L_f/L_g hold L_in/L_out; per row the score's standard error, its
   *  p-value against the control set and the Benjamini–Hochberg adjusted p-value (NaN for controls). */
  whole?: WholeColumns;
  /** Paper-protocol runs with several (f, g) seed pairs only: the score's standard error from the pairs' spread
   *  (runs/score-stderr.ts pairScoreStderr). One-pair runs leave it out (their s.e. is the view-level one). */
  pairs?: PairColumns;
}

export interface PairColumns {
  seedPairs: number;
  scoreStderr: Float64Array;
}

export interface WholeColumns {
  fdr: number;
  scoreStderr: Float64Array;
  pValue: Float64Array;
  qValue: Float64Array;
  /** Mean distance to the k nearest other images in the encoders' representation (sslmem/whole/atypicality.ts);
   *  absent in runs made before it existed or too large for it. */
  atypicality?: Float64Array;
}

/** Per-row losses (aligned with `rows`, the dataset indices scored, ascending as scoredIndices gives them). */
export interface RowScores {
  lf: ArrayLike<number>;
  lg: ArrayLike<number>;
  lfStderr: ArrayLike<number>;
  lgStderr: ArrayLike<number>;
  raw: ArrayLike<number>;
  normalised: ArrayLike<number>;
  normalisation: Normalisation;
}

export function buildScoreTable(
  dataset: Pick<Dataset, 'paths' | 'labels' | 'classNames'>,
  split: Split,
  rows: Int32Array,
  scores: RowScores,
  whole?: WholeColumns,
  pairs?: PairColumns,
): ScoreTable {
  const expected = scoredIndices(split);
  if (rows.length !== expected.length || rows.some((r, i) => r !== expected[i])) {
    throw new Error("score rows must be exactly the split's scored samples, ascending (use scoredIndices(split))");
  }
  const subsetOf = subsetOfEach(split, dataset.paths.length);
  const n = rows.length;
  const f64 = (a: ArrayLike<number>, name: string) => {
    if (a.length !== n) throw new Error(`${name} has ${a.length} values for ${n} rows`);
    return Float64Array.from(a);
  };
  const normalised = f64(scores.normalised, 'normalised');
  return {
    n,
    normalisation: scores.normalisation,
    index: Int32Array.from(rows),
    path: Array.from(rows, (i) => dataset.paths[i]),
    subset: Array.from(rows, (i) => subsetOf[i] as SubsetName),
    label: Int32Array.from(rows, (i) => (dataset.labels ? dataset.labels[i] : -1)),
    lf: f64(scores.lf, 'lf'),
    lg: f64(scores.lg, 'lg'),
    lfStderr: f64(scores.lfStderr, 'lfStderr'),
    lgStderr: f64(scores.lgStderr, 'lgStderr'),
    raw: f64(scores.raw, 'raw'),
    normalised,
    rank: rankDescending(normalised),
    classNames: dataset.classNames,
    ...(whole
      ? {
          whole: {
            fdr: whole.fdr,
            scoreStderr: f64(whole.scoreStderr, 'scoreStderr'),
            pValue: f64(whole.pValue, 'pValue'),
            qValue: f64(whole.qValue, 'qValue'),
            ...(whole.atypicality ? { atypicality: f64(whole.atypicality, 'atypicality') } : {}),
          },
        }
      : {}),
    ...(pairs ? { pairs: { seedPairs: pairs.seedPairs, scoreStderr: f64(pairs.scoreStderr, 'pairs.scoreStderr') } } : {}),
  };
}

/** The rows of one subset (their positions in the table). */
export function rowsOf(table: ScoreTable, subset: SubsetName): number[] {
  return table.subset.flatMap((s, r) => (s === subset ? [r] : []));
}

/** 1-based rank of each value, largest first; NaN (a point with no loss estimate) ranks after every number. */
export function rankDescending(values: ArrayLike<number>): Int32Array {
  const key = (i: number) => (Number.isNaN(values[i]) ? -Infinity : values[i]);
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : a - b));
  const rank = new Int32Array(values.length);
  order.forEach((i, r) => {
    rank[i] = r + 1;
  });
  return rank;
}
