// The last stage of every run (trained or imported encoders): per-point losses -> scores -> scores.csv,
// scores.bin, report.json and report.md; the stage runner then records the stage (runs/stage-runner.ts).
// Results are written before the stage record, so a kill in between only redoes this (cheap) stage.

import type { Dataset } from '../../data/types';
import { buildScoreTable, type RunHandle } from '../../runs';
import { writeRunResults } from './write-results';
import type { StageDone } from '../../runs/stage-runner';
import { scoredIndices, type Split } from '../../runs/subsets';
import { computeScores, type PointLosses } from '../scores';
import { type Normalisation } from '../../runs/subsets';

export async function writeReportStage(
  run: RunHandle,
  dataset: Dataset,
  split: Split,
  losses: PointLosses,
  normalisation: Normalisation,
): Promise<StageDone> {
  const scores = computeScores(losses, normalisation);
  const table = buildScoreTable(dataset, split, scoredIndices(split), scores);
  await writeRunResults(run.dir, table, { runId: run.id, skipped: dataset.skipped, timings: run.manifest.timings });
  return { outputs: { report: 'report.json', csv: 'scores.csv', bin: 'scores.bin', markdown: 'report.md' } };
}
