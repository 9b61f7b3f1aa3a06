// The last stage of every run (trained or imported encoders): per-point losses -> scores -> scores.csv,
// scores.bin, report.json and report.md; the stage runner then records the stage (runs/stage-runner.ts).
// Results are written before the stage record, so a kill in between only redoes this (cheap) stage.

import type { Dataset } from '../../data/types';
import { buildScoreTable, type RunHandle } from '../../runs';
import { writeRunResults } from './write-results';
import type { StageDone } from '../../runs/stage-runner';
import { scoredIndices, type Split } from '../../runs/subsets';
import { averageSeedPairs, computeScores, scoreStderrOverPairs, type PointLosses } from '../scores';
import { type Normalisation } from '../../runs/subsets';

/** `perPair`: each (f, g) pair's losses; one entry for one pair (and for imported encoders). With several, the
 *  scores are those of the averaged losses and each gets a standard error from the pairs' spread. */
export async function writeReportStage(
  run: RunHandle,
  dataset: Dataset,
  split: Split,
  perPair: PointLosses[],
  normalisation: Normalisation,
): Promise<StageDone> {
  const scores = computeScores(perPair.length > 1 ? averageSeedPairs(perPair) : perPair[0], normalisation);
  const pairs = perPair.length > 1 ? { seedPairs: perPair.length, scoreStderr: scoreStderrOverPairs(perPair, scores) } : undefined;
  const table = buildScoreTable(dataset, split, scoredIndices(split), scores, undefined, pairs);
  await writeRunResults(run.dir, table, { runId: run.id, skipped: dataset.skipped, timings: run.manifest.timings });
  return { outputs: { report: 'report.json', csv: 'scores.csv', bin: 'scores.bin', markdown: 'report.md' } };
}
