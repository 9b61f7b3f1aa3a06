// Issue #11, item 3: dataset-controlled text (file names, class names, decoder messages) reaches report.md
// and CSV files as literal text: no Markdown/HTML from a file name, no spreadsheet formula from a cell.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildReport } from '../../../src/engine/sslmem/report/report';
import { renderReportMarkdown } from '../../../src/engine/sslmem/report/report-md';
import { scoresToCsv } from '../../../src/engine/runs/scores-csv';
import { csvText, csvTextValue, markdownText } from '../../../src/engine/runs/escape';
import { parseCsv, scoresCsvToJson } from '../../../src/cli/commands/export';
import { syntheticTable } from '../runs/table-fixture';

const HOSTILE = ['x\n# Owned heading', '<img src=x onerror=alert(1)>', 'a`b` **bold** [link](http://evil)', 'pipe | cell'];

test('report.md: skipped file names and reasons stay literal text on one line', () => {
  const table = syntheticTable(60);
  const skipped = HOSTILE.map((path) => ({ path, reason: `bad <b>${path}</b>` }));
  const md = renderReportMarkdown(buildReport(table, { skipped }));
  const section = md.slice(md.indexOf('## Skipped inputs'), md.indexOf('## Timings'));
  const items = section.split('\n').filter((l) => l.startsWith('- '));
  assert.equal(items.length, HOSTILE.length, section);
  assert.doesNotMatch(md, /^# Owned heading/m, 'a newline in a name started a heading');
  assert.doesNotMatch(md, /<img|<b>/, 'raw HTML from a file name');
  assert.doesNotMatch(section, /\*\*bold\*\*|\]\(http/, 'Markdown syntax from a file name');
  assert.match(section, /x\\n\\# Owned heading/);
  assert.match(section, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
});

test('markdownText escapes every control character and Markdown/HTML specials', () => {
  assert.equal(markdownText('a\r\n\tb\u0007'), 'a\\r\\n\\tb\\u0007');
  assert.equal(markdownText('1. *x* _y_ `z` #h |'), '1. \\*x\\* \\_y\\_ \\`z\\` \\#h \\|');
  assert.equal(markdownText(`"&'`), '&quot;&amp;&#39;');
});

test("scores.csv: a path starting with = + - @ tab CR is prefixed with ', numbers stay numbers, JSON export gets the name back", () => {
  const table = syntheticTable(60);
  const names = ['=HYPERLINK("http://evil","x")', '+1+2', '-cmd', '@SUM(A1)', '\tTAB', '\rCR', "'quoted"];
  names.forEach((n, i) => {
    table.path[i] = n;
  });
  const csv = scoresToCsv(table);
  const [header, ...rows] = parseCsv(csv);
  const pathCol = header.indexOf('path');
  for (const r of rows) assert.doesNotMatch(r[pathCol], /^[=+\-@\t\r]/, `formula cell: ${r[pathCol]}`);
  for (const col of ['L_f', 'raw', 'normalised']) {
    const c = header.indexOf(col);
    assert.ok(
      rows.every((r) => Number.isFinite(Number(r[c]))),
      `${col} not numeric`,
    );
    assert.ok(rows.some((r) => r[c].startsWith('-')) || col !== 'raw', 'negative numbers are written as numbers');
  }
  const json = scoresCsvToJson(csv, 'run', 'symmetric') as { rows: { path: string }[] };
  const exported = new Set(json.rows.map((r) => r.path));
  for (const n of names) assert.ok(exported.has(n), `JSON lost ${JSON.stringify(n)}`);
  assert.equal(csvTextValue(parseCsv(csvText("'x"))[0][0]), "'x");
});
