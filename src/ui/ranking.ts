// What a memorization ranking is about, and how sure each score is (issue 17 item 4). Pure: no `vscode`, no
// DOM, so unit tests cover it and the score panel, the Explorer badges and the Score Explorer view share it.
//
// Only the candidates S_C were in f's training data and not in g's: their scores measure memorization. S_S,
// S_I and S_E are controls (trained on by both, by g only, by neither). Ranking every subset together put an
// S_S and an S_E image at #1 and #2 of "most memorized" in the demo run, so rankings here are among the
// question's points, and the controls are shown apart.
import type { ScoreRow } from '../engine/runs/scores-bin';
import type { Normalisation } from '../engine/runs/subsets';
import { viewScoreStderr } from '../engine/runs/score-stderr';
import { SUBSET_NAMES, type SortKey, type SubsetName } from '../protocol/scorePanel';

/** The subsets a ranking is about: S_C when the run has candidates (the paper's protocol); every subset when
 *  it has none (a whole-dataset run: then each image is a question point and there are no controls). */
export function questionSubsets(counts: Readonly<Record<SubsetName, number>>): SubsetName[] {
  return counts.S_C > 0 ? ['S_C'] : [...SUBSET_NAMES];
}

export function subsetCounts(rows: readonly Pick<ScoreRow, 'subset'>[]): Record<SubsetName, number> {
  const counts = Object.fromEntries(SUBSET_NAMES.map((s) => [s, 0])) as Record<SubsetName, number>;
  for (const r of rows) counts[r.subset]++;
  return counts;
}

/** Rank (1 = most memorized) of each question point among the question points, by dataset index; `byRank`
 *  is in the run's global rank order, so this keeps its order and ties. Controls get no rank. */
export function questionRanks(byRank: readonly Pick<ScoreRow, 'index' | 'subset'>[], question: readonly SubsetName[]): Map<number, number> {
  const ranks = new Map<number, number>();
  for (const r of byRank) if (question.includes(r.subset)) ranks.set(r.index, ranks.size + 1);
  return ranks;
}

/**
 * The noise band: the scores of the controls that f and g treated alike (S_S: both trained on them; S_E:
 * neither did) lie between its ends 90 % of the time (5th and 95th percentile). The threshold τ starts at its
 * upper end. Undefined when the run has no such controls.
 */
export interface NoiseBand {
  lo: number;
  hi: number;
}
export function noiseBand(rows: readonly Pick<ScoreRow, 'subset' | 'normalised'>[]): NoiseBand | undefined {
  const controls = rows
    .filter((r) => (r.subset === 'S_S' || r.subset === 'S_E') && Number.isFinite(r.normalised))
    .map((r) => r.normalised)
    .sort((a, b) => a - b);
  if (controls.length === 0) return undefined;
  return { lo: quantileOf(controls, 0.05), hi: quantileOf(controls, 0.95) };
}

/**
 * THE rule for "within noise" (badges, gallery, detail pane, tooltips): a score inside the controls' noise
 * band cannot be told apart from the score of an image f and g treated alike. A score of NaN (no estimate)
 * is within noise; with no band (no controls) nothing is flagged.
 */
export function withinNoise(score: number, band: NoiseBand | undefined): boolean {
  if (!band) return false;
  return !Number.isFinite(score) || (score >= band.lo && score <= band.hi);
}

/** The band in words, for legends and tooltips. */
export function noiseRuleText(band: NoiseBand | undefined, digits = 3): string {
  return band
    ? `within noise: the score lies between ${band.lo.toFixed(digits)} and ${band.hi.toFixed(digits)}, where 90% of the control images' scores lie (S_S, S_E: f and g treated them alike)`
    : 'no control images (S_S, S_E) in this run: no noise level to compare with';
}

/**
 * View-level standard error of a row's normalised score from the standard errors of its two loss estimates
 * (engine runs/score-stderr.ts viewScoreStderr, the one formula the report uses too). Rows of runs with several
 * seed pairs (and whole-dataset runs) carry a stored scoreStderr instead (runData.ts stderrOf prefers it).
 */
export function scoreStderr(
  row: Pick<ScoreRow, 'lf' | 'lg' | 'lfStderr' | 'lgStderr'>,
  normalisation: Normalisation | string,
  rawSpread: number,
): number {
  return viewScoreStderr(row.lf, row.lg, row.lfStderr, row.lgStderr, normalisation, rawSpread);
}

/** max − min of the raw scores (the range normalisation's divisor). */
export function rawSpread(rows: readonly Pick<ScoreRow, 'raw'>[]): number {
  let lo = Infinity,
    hi = -Infinity;
  for (const r of rows)
    if (Number.isFinite(r.raw)) {
      lo = Math.min(lo, r.raw);
      hi = Math.max(hi, r.raw);
    }
  return hi > lo ? hi - lo : 0;
}

/**
 * The gallery's order. `rows` come in global rank order (highest score first). 'memorization' (the default)
 * puts the question's points first, most memorized first, then the controls (also by score); the others sort
 * every row by one column. Ties keep the rank order; NaN sorts last.
 */
export function orderRows<R extends Pick<ScoreRow, 'subset' | 'normalised' | 'lf' | 'lg'>>(
  rows: readonly R[],
  key: SortKey,
  question: readonly SubsetName[],
  stderrOf: (r: R) => number,
): R[] {
  const by = (value: (r: R) => number, descending: boolean): R[] => {
    const keyed = rows.map((r, i) => ({ r, i, v: value(r) }));
    keyed.sort((a, b) => {
      const an = Number.isNaN(a.v),
        bn = Number.isNaN(b.v);
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      return (descending ? b.v - a.v : a.v - b.v) || a.i - b.i;
    });
    return keyed.map((k) => k.r);
  };
  switch (key) {
    case 'memorization':
      return [...rows.filter((r) => question.includes(r.subset)), ...rows.filter((r) => !question.includes(r.subset))];
    case 'score-desc':
      return [...rows];
    case 'score-asc':
      return by((r) => r.normalised, false);
    case 'lf':
      return by((r) => r.lf, false);
    case 'lg':
      return by((r) => r.lg, false);
    case 'stderr':
      return by(stderrOf, true);
  }
}

function quantileOf(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q,
    lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
