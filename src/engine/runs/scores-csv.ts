// scores.csv: one row per scored sample, RFC 4180 quoting, numbers at float32-level precision (9 significant
// digits) so the file is compact and identical whenever the computed scores are. The path column is guarded
// against spreadsheet formulas (escape.ts: a leading ' before = + - @ tab CR ').
import { writeFileAtomic } from '../util/atomic';
import { csvText } from './escape';
import type { ScoreTable } from './score-table';

export const CSV_COLUMNS = [
  'path',
  'index',
  'subset',
  'label',
  'L_f',
  'L_g',
  'raw',
  'normalised',
  'rank',
  'L_f_stderr',
  'L_g_stderr',
] as const;
/** A paper run with several seed pairs: the score's standard error from the pairs' spread, after the paper's columns. */
export const PAIRS_CSV_COLUMNS = ['score_stderr'] as const;
/** A whole-dataset run's extra columns, after the paper's (whose L_f/L_g hold L_in/L_out there): a reader of the
 *  paper's columns reads both kinds of file. */
export const WHOLE_CSV_COLUMNS = ['score_stderr', 'p_value', 'q_value'] as const;
/** A whole-dataset run's last column since the atypicality check (issue 15 item 4); older whole runs lack it. */
export const ATYPICALITY_CSV_COLUMN = 'atypicality';
/** Every header a scores.csv may have, longest first (so a prefix test picks the right one). */
export const CSV_HEADERS = [
  [...CSV_COLUMNS, ...WHOLE_CSV_COLUMNS, ATYPICALITY_CSV_COLUMN],
  [...CSV_COLUMNS, ...WHOLE_CSV_COLUMNS],
  [...CSV_COLUMNS, ...PAIRS_CSV_COLUMNS],
  [...CSV_COLUMNS],
].map((c) => c.join(','));

function num(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(9))) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function scoresToCsv(t: ScoreTable): string {
  const w = t.whole;
  const pairs = t.pairs;
  const extra = w ? [...WHOLE_CSV_COLUMNS, ...(w.atypicality ? [ATYPICALITY_CSV_COLUMN] : [])] : pairs ? PAIRS_CSV_COLUMNS : [];
  const lines = [[...CSV_COLUMNS, ...extra].join(',')];
  for (let r = 0; r < t.n; r++) {
    const cells = [
      csvText(t.path[r]),
      t.index[r],
      t.subset[r],
      t.label[r],
      num(t.lf[r]),
      num(t.lg[r]),
      num(t.raw[r]),
      num(t.normalised[r]),
      t.rank[r],
      num(t.lfStderr[r]),
      num(t.lgStderr[r]),
    ];
    if (w) cells.push(num(w.scoreStderr[r]), num(w.pValue[r]), num(w.qValue[r]));
    if (w?.atypicality) cells.push(num(w.atypicality[r]));
    else if (pairs) cells.push(num(pairs.scoreStderr[r]));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Throws unless `text` is a whole scores.csv: our header, newline-terminated, `expectedRows` data lines (when
 * known, e.g. from scores.bin or report.json). A truncated or edited file must not pass for results.
 */
export function checkScoresCsv(text: string, expectedRows?: number, name = 'scores.csv'): void {
  const header = CSV_HEADERS.find((h) => text.startsWith(`${h}\n`)) ?? CSV_COLUMNS.join(',');
  if (!text.startsWith(`${header}\n`)) throw new Error(`${name} does not start with the scores.csv header (${header})`);
  if (!text.endsWith('\n')) throw new Error(`${name} is truncated (its last line is incomplete)`);
  if (expectedRows !== undefined) {
    // Paths never hold a raw newline unquoted; a quoted one would be counted twice, so count records properly.
    let records = 0,
      quoted = false;
    for (let i = header.length + 1; i < text.length; i++) {
      const c = text[i];
      if (c === '"') quoted = !quoted;
      else if (c === '\n' && !quoted) records++;
    }
    if (records !== expectedRows)
      throw new Error(`${name} has ${records} rows, expected ${expectedRows}: the file is truncated or damaged`);
  }
}

export function writeScoresCsv(file: string, table: ScoreTable): Promise<void> {
  return writeFileAtomic(file, scoresToCsv(table));
}
