// Writes a run's result files: scores.csv, scores.bin, report.json, report.md (each atomically).
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic';
import { writeScoresBin } from '../../runs/scores-bin';
import { writeScoresCsv } from '../../runs/scores-csv';
import type { ScoreTable } from '../../runs/score-table';
import { buildReport, type Report, type ReportOptions } from './report';
import { renderReportMarkdown } from './report-md';

export const RESULT_FILES = { csv: 'scores.csv', bin: 'scores.bin', report: 'report.json', markdown: 'report.md' } as const;

export async function writeRunResults(runDir: string, table: ScoreTable, options: ReportOptions = {}): Promise<Report> {
  const report = buildReport(table, options);
  await writeScoresCsv(join(runDir, RESULT_FILES.csv), table);
  await writeScoresBin(join(runDir, RESULT_FILES.bin), table);
  await writeJsonAtomic(join(runDir, RESULT_FILES.report), report);
  await writeFileAtomic(join(runDir, RESULT_FILES.markdown), renderReportMarkdown(report));
  return report;
}
