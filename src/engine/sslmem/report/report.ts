// report.json and report.md. Contract (relied on by checks and the UI), at least:
//   subsets.<S_S|S_C|S_I|S_E>.{n, mean, median, std}   of the default normalised score
//   tests.<C_vs_S|C_vs_E|I_vs_S>.{t, p}                Welch two-sample t-tests (also df, meanDifference)
//   threshold_curve: [{tau, fraction}]                 fraction of S_C with score > tau
//   skipped: [{path, reason}]                          files/records the dataset reader could not use
//   timings: {stage: seconds}
//   confidence: {level, z, stderr: 'pairs' | 'views', seed_pairs}   how top_k's stderr / ci_low / ci_high were made
import type { SkippedFile } from '../../data/types';
import type { ScoreTable } from '../../runs/score-table';
import { rowsOf } from '../../runs/score-table';
import { SUBSETS, type SubsetName } from '../../runs/subsets';
import { Z_95, confidenceInterval, rawSpread, viewScoreStderr } from '../../runs/score-stderr';
import { describe, observedTauGrid, thresholdCurve, topK, welchTTest, type Summary, type ThresholdPoint, type WelchResult } from './stats';

export const TESTS = { C_vs_S: ['S_C', 'S_S'], C_vs_E: ['S_C', 'S_E'], I_vs_S: ['S_I', 'S_S'] } as const;
export type TestName = keyof typeof TESTS;
/** Expected sign of each test's mean difference on real data (method spec §2). */
const EXPECTED_SIGN: Record<TestName, 1 | -1> = { C_vs_S: 1, C_vs_E: 1, I_vs_S: -1 };

export interface TopEntry {
  row: number;
  index: number;
  path: string;
  subset: SubsetName;
  label: number;
  score: number;
  /** Standard error of the score and its 95 % interval score ± 1.96·se (`confidence` says where se came from). */
  stderr: number;
  ci_low: number;
  ci_high: number;
}

export interface Report {
  format: 'sslmem-report';
  version: 1;
  runId: string | null;
  normalisation: ScoreTable['normalisation'];
  subsets: Record<SubsetName, Summary & { lf_mean: number; lg_mean: number; lf_stderr_mean: number; lg_stderr_mean: number }>;
  tests: Record<TestName, WelchResult & { expected: 'greater' | 'less'; holds: boolean }>;
  threshold_curve: ThresholdPoint[];
  top_k: { S_C: TopEntry[]; all: TopEntry[]; S_I_lowest: TopEntry[] };
  skipped: SkippedFile[];
  timings: Record<string, number>;
  confidence: Confidence;
}

/** 'pairs': s.e. from the spread of several (f, g) pairs' scores; 'views': one pair, the view-level s.e.
 *  (runs/score-stderr.ts, docs/confidence-intervals.md). */
export interface Confidence {
  level: 0.95;
  z: number;
  stderr: 'pairs' | 'views';
  seed_pairs: number;
}

export interface ReportOptions {
  runId?: string | null;
  skipped?: SkippedFile[];
  timings?: Record<string, number>;
  /** Thresholds for the curve; default 41 from just below S_C's lowest score to just above its highest (observedTauGrid). */
  taus?: number[];
  topK?: number;
  /** Significance level for `holds` (default 0.01, the acceptance level). */
  alpha?: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function buildReport(table: ScoreTable, options: ReportOptions = {}): Report {
  const rows = Object.fromEntries(SUBSETS.map((s) => [s, rowsOf(table, s)])) as Record<SubsetName, number[]>;
  const scoresOf = (s: SubsetName) => rows[s].map((r) => table.normalised[r]);
  const subsets = Object.fromEntries(
    SUBSETS.map((s) => [
      s,
      {
        ...describe(scoresOf(s)),
        lf_mean: mean(rows[s].map((r) => table.lf[r])),
        lg_mean: mean(rows[s].map((r) => table.lg[r])),
        lf_stderr_mean: mean(rows[s].map((r) => table.lfStderr[r])),
        lg_stderr_mean: mean(rows[s].map((r) => table.lgStderr[r])),
      },
    ]),
  ) as Report['subsets'];
  const alpha = options.alpha ?? 0.01;
  const tests = Object.fromEntries(
    (Object.keys(TESTS) as TestName[]).map((name) => {
      const [a, b] = TESTS[name];
      const result = welchTTest(scoresOf(a), scoresOf(b));
      const holds = Math.sign(result.meanDifference) === EXPECTED_SIGN[name] && result.p < alpha;
      return [name, { ...result, expected: EXPECTED_SIGN[name] > 0 ? 'greater' : 'less', holds }];
    }),
  ) as Report['tests'];
  const candidates = scoresOf('S_C');
  const taus = options.taus ?? observedTauGrid(candidates, 41);
  const k = options.topK ?? 20;
  const spread = rawSpread(table.raw);
  const stderrOf = (r: number) =>
    table.pairs
      ? table.pairs.scoreStderr[r]
      : viewScoreStderr(table.lf[r], table.lg[r], table.lfStderr[r], table.lgStderr[r], table.normalisation, spread);
  const plainEntry = (r: number) => ({
    row: r,
    index: table.index[r],
    path: table.path[r],
    subset: table.subset[r],
    label: table.label[r],
    score: table.normalised[r],
  });
  const entry = (r: number): TopEntry => {
    const stderr = stderrOf(r);
    const [lo, hi] = confidenceInterval(table.normalised[r], stderr);
    return { ...plainEntry(r), stderr, ci_low: lo, ci_high: hi };
  };
  return {
    format: 'sslmem-report',
    version: 1,
    runId: options.runId ?? null,
    normalisation: table.normalisation,
    subsets,
    tests,
    threshold_curve: thresholdCurve(candidates, taus),
    top_k: {
      S_C: topK(table.normalised, k, { among: rows.S_C }).map(entry),
      all: topK(table.normalised, k).map(entry),
      S_I_lowest: topK(table.normalised, k, { among: rows.S_I, lowest: true }).map(entry),
    },
    skipped: options.skipped ?? [],
    timings: options.timings ?? {},
    confidence: { level: 0.95, z: Z_95, stderr: table.pairs ? 'pairs' : 'views', seed_pairs: table.pairs?.seedPairs ?? 1 },
  };
}
