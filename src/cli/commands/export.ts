// `sslmem export <run-folder> --format csv|json [--out file]`: a run's per-sample scores as CSV (scores.csv
// as written) or JSON ({ run, normalisation, columns, rows: [{ path, index, subset, label, L_f, … }] }, the
// numbers exactly as in scores.csv). To stdout, or atomically to --out. Reads files only (no backend).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../args';
import { defineCommand, EXIT } from '../command';
import { writeFileAtomic } from '../../engine/util/atomic';
import { CSV_HEADERS } from '../../engine/runs/scores-csv';
import { csvTextValue } from '../../engine/runs/escape';
import { checkScoresCsv } from '../../engine/runs/scores-csv';
import { scoredRowCount } from '../../engine/sslmem/report/results-check';
import { oneRunFolder, runResultFile } from './report';

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '',
    record: string[] = [],
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      field = '';
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

const TEXT_COLUMNS = new Set(['path', 'subset']);

export function scoresCsvToJson(csv: string, runId: string, normalisation: string | null): unknown {
  const [header, ...records] = parseCsv(csv);
  // A whole-dataset run's file has the paper's columns plus score_stderr, p_value, q_value (and atypicality since
  // issue 15 item 4); a run with several seed pairs the paper's plus score_stderr (runs/scores-csv.ts CSV_HEADERS).
  if (!header || !CSV_HEADERS.includes(header.join(','))) throw new Error(`scores.csv has unexpected columns: ${header?.join(',')}`);
  const rows = records.map((r, i) => {
    if (r.length !== header.length) throw new Error(`scores.csv line ${i + 2} has ${r.length} fields, expected ${header.length}`);
    // NaN/Infinity are not JSON: they become null (a point without an estimate).
    // Text cells carry scores.csv's formula guard (escape.ts); JSON gets the exact name back.
    return Object.fromEntries(
      header.map((name, c) => [name, TEXT_COLUMNS.has(name) ? csvTextValue(r[c]) : Number.isFinite(Number(r[c])) ? Number(r[c]) : null]),
    );
  });
  return { run: runId, normalisation, columns: header, rows };
}

export const exportCommand = defineCommand({
  name: 'export',
  summary: "write a run's per-sample scores as CSV or JSON",
  args: '<run-folder>',
  options: {
    format: { type: 'string', description: 'csv | json (default csv)', placeholder: 'format' },
    out: { type: 'string', description: 'write to this file (default: stdout)', placeholder: 'file' },
  },
  async run({ options, positionals }, io) {
    const format = options.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, got '${format}'`);
    const runDir = path.resolve(oneRunFolder(positionals));
    const csvFile = await runResultFile(runDir, 'scores.csv');
    const csv = await fs.readFile(csvFile, 'utf8');
    // Never pass a damaged file off as results (exit 1, and resume redoes the report stage).
    try {
      checkScoresCsv(csv, await scoredRowCount(path.join(runDir, 'scores.bin')), csvFile);
    } catch (err) {
      throw new Error(`${(err as Error).message}; rebuild it with: sslmem resume ${runDir}`);
    }
    let text = csv;
    if (format === 'json') {
      const report = await fs.readFile(path.join(runDir, 'report.json'), 'utf8').then(
        (t) => JSON.parse(t) as { normalisation?: string },
        () => null,
      );
      text = JSON.stringify(scoresCsvToJson(csv, path.basename(runDir), report?.normalisation ?? null), null, 1) + '\n';
    }
    if (options.out) {
      await writeFileAtomic(path.resolve(options.out), text);
      io.err(`wrote ${format.toUpperCase()} scores of ${path.basename(runDir)} to ${path.resolve(options.out)}\n`);
    } else io.out(text);
    return EXIT.ok;
  },
});
