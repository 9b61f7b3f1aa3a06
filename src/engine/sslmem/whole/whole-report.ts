// The report stage of a whole-dataset run: the m loss files -> whole-scores.ts -> scores.csv / scores.bin
// (rows labelled S_C "scored" and S_E "control", runs/subsets.ts WHOLE_SUBSETS; L_f/L_g columns hold L_in/L_out;
// extra columns score_stderr, p_value, q_value) and report.json / report.md (m, control size, the FDR count,
// the top images, the null's spread, what ran). Results are written before the stage record, like the paper's.
// The atypicality check (atypicality.ts) adds a column, report.json's `atypicality` block and atypicality.svg,
// which report.md shows; it reads the checkpoints, not the scores, so every score and p-value stays as it was.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
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
import type { ProviderSetting } from '../../runtime/providers';
import type { WholeRunConfig } from '../run-config';
import { computeWholeScores } from './whole-scores';
import type { WholeDesign } from './design';
import { renderWholeMarkdown } from './whole-report-md';
import { ATYPICALITY_FIGURE, type AtypicalitySummary, type WholeReport } from './whole-report-types';
import { ATYPICALITY_K, ATYPICALITY_MAX_IMAGES, atypicalitySummary, wholeAtypicality } from './atypicality';
import { atypicalitySvg, type AtypicalityPoint } from './atypicality-svg';

export { ATYPICALITY_FIGURE, type AtypicalitySummary, type WholeReport, type WholeTopEntry } from './whole-report-types';

function quantile(values: number[], q: number): number {
  const sorted = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1),
    lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** report.md links atypicality.svg when report.json has a ρ: a run without the file has a damaged report. */
export async function missingFigure(run: RunHandle): Promise<string | null> {
  const report = await fs
    .readFile(run.path(RESULT_FILES.report), 'utf8')
    .then((t) => JSON.parse(t) as Partial<WholeReport>)
    .catch(() => null);
  if (!report?.atypicality || !('rho' in report.atypicality)) return null;
  const present = await fs.stat(run.path(ATYPICALITY_FIGURE)).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
  return present ? null : `${ATYPICALITY_FIGURE} is missing`;
}

export async function wholeReportStage(
  run: RunHandle,
  dataset: Dataset,
  design: WholeDesign,
  stored: WholeRunConfig,
  runtime: RuntimeOptions,
  atypicalityOn: { provider: ProviderSetting; log?: (message: string) => void },
): Promise<StageDone> {
  const losses = [];
  for (let j = 0; j < design.m; j++) losses.push((await loadLosses(run.path(`losses-e${j}.bin`))).mean);
  const s = computeWholeScores(losses, design, stored.sslmem.scoring.normalisation, stored.fdr);
  const split = wholeSplit(design.n, design.control);
  const scoredRows = Array.from(split[WHOLE_SUBSETS.scored]);
  const controlRows = Array.from(split[WHOLE_SUBSETS.control]);
  let atypicality: Float64Array | undefined;
  let atypicalityBlock: AtypicalitySummary;
  if (dataset.n > ATYPICALITY_MAX_IMAGES)
    atypicalityBlock = { skipped: `${dataset.n} images: more than the ${ATYPICALITY_MAX_IMAGES} the exact kNN check is computed for` };
  else {
    atypicalityOn.log?.(`atypicality: representations of ${dataset.n} images in ${design.m} encoders, ${ATYPICALITY_K} nearest neighbours`);
    atypicality = await wholeAtypicality(run.dir, design.m, {
      config: stored.sslmem,
      dataset,
      provider: atypicalityOn.provider,
      threads: runtime.threads,
    });
    atypicalityBlock = atypicalitySummary(s.normalised, atypicality, scoredRows);
  }
  const table = buildScoreTable(dataset, split, scoredIndices(split), s, {
    fdr: stored.fdr,
    scoreStderr: s.scoreStderr,
    pValue: s.pValue,
    qValue: s.qValue,
    ...(atypicality ? { atypicality } : {}),
  });
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
    atypicality: atypicalityBlock,
    skipped: dataset.skipped,
    timings: run.manifest.timings,
  };
  await writeScoresCsv(run.path(RESULT_FILES.csv), table);
  await writeScoresBin(run.path(RESULT_FILES.bin), table);
  if (atypicality && 'rho' in atypicalityBlock) {
    const control = new Set(controlRows);
    const points: AtypicalityPoint[] = Array.from(table.index, (i) => ({
      x: atypicality[i],
      y: s.normalised[i],
      kind: control.has(i) ? 'control' : path.basename(dataset.paths[i]).startsWith('planted-') ? 'planted' : 'scored',
    }));
    const figure = atypicalitySvg({ ...atypicalityBlock, points, yLabel: `score (${s.normalisation})` });
    await writeFileAtomic(run.path(ATYPICALITY_FIGURE), figure);
  }
  await writeJsonAtomic(run.path(RESULT_FILES.report), report);
  await writeFileAtomic(run.path(RESULT_FILES.markdown), renderWholeMarkdown(report, dataset.classNames));
  return {
    outputs: {
      report: RESULT_FILES.report,
      csv: RESULT_FILES.csv,
      bin: RESULT_FILES.bin,
      markdown: RESULT_FILES.markdown,
      design: 'design.json',
      ...(atypicality ? { figure: ATYPICALITY_FIGURE } : {}),
    },
  };
}
