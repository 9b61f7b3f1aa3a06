// scores.csv: one row per scored sample, RFC 4180 quoting, numbers at float32-level precision (9 significant
// digits) so the file is compact and identical whenever the computed scores are. The path column is guarded
// against spreadsheet formulas (escape.ts: a leading ' before = + - @ tab CR ').
import { writeFileAtomic } from './atomic';
import { csvText } from './escape';
import type { ScoreTable } from './score-table';

export const CSV_COLUMNS = ['path', 'index', 'subset', 'label', 'L_f', 'L_g', 'raw', 'normalised', 'rank', 'L_f_stderr', 'L_g_stderr'] as const;


function num(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(9))) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function scoresToCsv(t: ScoreTable): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (let r = 0; r < t.n; r++) {
    lines.push([csvText(t.path[r]), t.index[r], t.subset[r], t.label[r], num(t.lf[r]), num(t.lg[r]), num(t.raw[r]),
      num(t.normalised[r]), t.rank[r], num(t.lfStderr[r]), num(t.lgStderr[r])].join(','));
  }
  return lines.join('\n') + '\n';
}

export function writeScoresCsv(file: string, table: ScoreTable): Promise<void> {
  return writeFileAtomic(file, scoresToCsv(table));
}
