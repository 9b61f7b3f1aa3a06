// The report stage of a whole-dataset run: the m loss files -> whole-scores.ts -> scores.csv / scores.bin
// (rows labelled S_C "scored" and S_E "control", runs/subsets.ts WHOLE_SUBSETS; L_f/L_g columns hold L_in/L_out;
// extra columns score_stderr, p_value, q_value) and report.json / report.md (m, control size, the FDR count,
// the top images, the null's spread, what ran). Results are written before the stage record, like the paper's.
import type { Dataset } from '../../data/types';
import { buildScoreTable, type RunHandle, type StageDone } from '../../runs';
import { scoredIndices, wholeSplit, WHOLE_SUBSETS } from '../../runs/subsets';
import { writeScoresBin } from '../../runs/scores-bin';
import { writeScoresCsv } from '../../runs/scores-csv';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic';
import { loadLosses } from '../losses-file';
import { describe, observedTauGrid, thresholdCurve, topK, welchTTest } from '../report/stats';
import { RESULT_FILES } from '../report/write-results';
import type { RuntimeOptions } from '../run-hooks';
import type { WholeRunConfig } from '../run-config';
import { computeWholeScores } from './whole-scores';
import type { WholeDesign } from './design';
import { renderWholeMarkdown } from './whole-report-md';
import type { WholeReport } from './whole-report-types';
export type { WholeReport, WholeTopEntry } from './whole-report-types';

function quantile(values: number[], q: number): number {
  const sorted = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1),
    lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

export async function wholeReportStage(
  run: RunHandle,
  dataset: Dataset,
  design: WholeDesign,
  stored: WholeRunConfig,
  runtime: RuntimeOptions,
): Promise<StageDone> {
  const losses = [];
  for (let j = 0; j < design.m; j++) losses.push((await loadLosses(run.path(`losses-e${j}.bin`))).mean);
  const s = computeWholeScores(losses, design, stored.sslmem.scoring.normalisation, stored.fdr);
  const split = wholeSplit(design.n, design.control);
  const table = buildScoreTable(dataset, split, scoredIndices(split), s, {
    fdr: stored.fdr,
    scoreStderr: s.scoreStderr,
    pValue: s.pValue,
    qValue: s.qValue,
  });
  const scoredRows = Array.from(split[WHOLE_SUBSETS.scored]);
  const controlRows = Array.from(split[WHOLE_SUBSETS.control]);
  const of = (rows: number[], values: ArrayLike<number>) => rows.map((r) => values[r]);
  const nullScores = of(controlRows, s.normalised);
  const decision = run.manifest.providerDecision ?? null;
  const report: WholeReport = {
    format: 'sslmem-report',
    version: 1,
    mode: 'whole',
    runId: run.id,
    normalisation: s.normalisation,
    whole: {
      encoders: design.m,
      control: controlRows.length,
      scored: scoredRows.length,
      fdr: stored.fdr,
      memorized: s.memorizedCount,
      preset: run.manifest.preset,
      seed: stored.seed,
      epochs: stored.sslmem.epochs,
      provider: run.manifest.executionProvider,
      threads: decision?.threads ?? null,
      threadsAsked: runtime.threads ?? null,
    },
    scored: describe(of(scoredRows, s.normalised)),
    null: { ...describe(nullScores), p95: quantile(nullScores, 0.95), p99: quantile(nullScores, 0.99), max: Math.max(...nullScores) },
    scoredVsControl: welchTTest(of(scoredRows, s.normalised), nullScores),
    medianStderr: quantile(of(scoredRows, s.scoreStderr), 0.5),
    threshold_curve: thresholdCurve(of(scoredRows, s.normalised), observedTauGrid(of(scoredRows, s.normalised), 41)),
    top_k: {
      scored: topK(s.normalised, 20, { among: scoredRows }).map((r) => ({
        index: table.index[r],
        path: table.path[r],
        label: table.label[r],
        score: s.normalised[r],
        stderr: s.scoreStderr[r],
        p: s.pValue[r],
        q: s.qValue[r],
      })),
    },
    skipped: dataset.skipped,
    timings: run.manifest.timings,
  };
  await writeScoresCsv(run.path(RESULT_FILES.csv), table);
  await writeScoresBin(run.path(RESULT_FILES.bin), table);
  await writeJsonAtomic(run.path(RESULT_FILES.report), report);
  await writeFileAtomic(run.path(RESULT_FILES.markdown), renderWholeMarkdown(report, dataset.classNames));
  return {
    outputs: {
      report: RESULT_FILES.report,
      csv: RESULT_FILES.csv,
      bin: RESULT_FILES.bin,
      markdown: RESULT_FILES.markdown,
      design: 'design.json',
    },
  };
}
