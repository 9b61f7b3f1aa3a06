// report.json of a whole-dataset run: its shape, in its own file so the writer (whole-report.ts) and the
// Markdown renderer (whole-report-md.ts) share it without importing each other. Plain types (and one file name).
import type { Dataset } from '../../data/types';
import type { Summary, ThresholdPoint, WelchResult } from '../report/stats';
import type { Normalisation } from '../../runs/subsets';

export interface WholeTopEntry {
  index: number;
  path: string;
  label: number;
  score: number;
  stderr: number;
  p: number;
  q: number;
}

/** The score-vs-atypicality scatter beside report.md (whole-report.ts writes it, report.md links it). */
export const ATYPICALITY_FIGURE = 'atypicality.svg';

/** report.json's `atypicality` block (whole/atypicality.ts); `skipped` says why a run has no values. */
export type AtypicalitySummary =
  | {
      /** Neighbours averaged over; the space is the L2-normalised representation of the un-augmented image. */
      k: number;
      space: 'representation';
      /** Spearman ρ(score, atypicality) over the scored images (controls excluded), p two-sided (t approximation). */
      rho: number;
      p: number;
      n: number;
    }
  | { skipped: string };

/** report.json of a whole-dataset run (`mode: 'whole'`; the paper's `subsets`/`tests` blocks are absent). */
export interface WholeReport {
  format: 'sslmem-report';
  version: 1;
  mode: 'whole';
  runId: string;
  normalisation: Normalisation;
  whole: {
    encoders: number;
    control: number;
    scored: number;
    fdr: number;
    /** Images whose Benjamini–Hochberg adjusted p-value is ≤ fdr. */
    memorized: number;
    preset: string | null;
    seed: number;
    epochs: number;
    provider: string | null;
    threads: number | null;
    threadsAsked: number | null;
  };
  /** Scores of the scored images and of the control set (the null). */
  scored: Summary;
  null: Summary & { p95: number; p99: number; max: number };
  /** Welch t-test scored vs control: do the non-control images score higher on average than the null? */
  scoredVsControl: WelchResult;
  /** Median of the per-image standard error of the score over the scored images. */
  medianStderr: number;
  threshold_curve: ThresholdPoint[];
  top_k: { scored: WholeTopEntry[] };
  /** Absent in runs made before the atypicality check (issue 15 item 4). */
  atypicality?: AtypicalitySummary;
  skipped: Dataset['skipped'];
  timings: Record<string, number>;
}
