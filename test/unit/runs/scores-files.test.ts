import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_COLUMNS, scoresToCsv } from '../../../src/engine/runs/scores-csv';
import { writeScoresBin } from '../../../src/engine/runs/scores-bin';
import { openScoresBin } from '../../../src/engine/runs/scores-bin-reader';
import { tempDir } from '../data/fixtures';
import { syntheticTable } from './table-fixture';

/** Minimal RFC 4180 parser (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += ch;
  }
  return rows;
}

describe('scores.csv and scores.bin', () => {
  const table = syntheticTable(400);

  test('scores.csv: the contract columns, one row per scored sample, quoting survives', () => {
    const rows = parseCsv(scoresToCsv(table));
    assert.deepEqual(rows[0].slice(0, 9), ['path', 'index', 'subset', 'label', 'L_f', 'L_g', 'raw', 'normalised', 'rank']);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, table.n + 1);
    const col = (name: string) => rows[0].indexOf(name);
    for (let r = 0; r < table.n; r++) {
      const f = rows[r + 1];
      assert.equal(f[col('path')], table.path[r]);
      assert.equal(Number(f[col('index')]), table.index[r]);
      assert.equal(f[col('subset')], table.subset[r]);
      assert.equal(Number(f[col('rank')]), table.rank[r]);
      assert.ok(Math.abs(Number(f[col('normalised')]) - table.normalised[r]) < 1e-8);
      assert.ok(Math.abs(Number(f[col('L_f')]) - table.lf[r]) < 1e-8);
    }
    assert.equal(scoresToCsv(table), scoresToCsv(syntheticTable(400)), 'same scores, same bytes');
  });

  test('scores.bin: range reads, rank-order pages and whole columns equal the table', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'scores.bin');
    await writeScoresBin(file, table);
    const reader = await openScoresBin(file);
    t.after(() => reader.close());
    assert.equal(reader.header.n, table.n);
    assert.equal(reader.header.normalisation, 'symmetric');
    const page = await reader.readRange(0, 50);
    assert.equal(page.length, 50);
    page.forEach((row, i) => {
      assert.equal(row.row, i);
      assert.equal(row.path, table.path[i]);
      assert.equal(row.index, table.index[i]);
      assert.equal(row.subset, table.subset[i]);
      assert.equal(row.label, table.label[i]);
      assert.equal(row.normalised, Math.fround(table.normalised[i]));
      assert.equal(row.lg, Math.fround(table.lg[i]));
      assert.equal(row.rank, table.rank[i]);
    });
    const tail = await reader.readRange(table.n - 3, table.n + 10);
    assert.deepEqual(tail.map((r) => r.row), [table.n - 3, table.n - 2, table.n - 1]);
    assert.deepEqual(await reader.readRange(10, 10), []);
    const top = await reader.readRankRange(0, 5);
    assert.deepEqual(top.map((r) => r.rank), [1, 2, 3, 4, 5]);
    for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].normalised >= top[i].normalised);
    const column = await reader.readColumn('normalised');
    assert.equal(column.length, table.n);
    assert.equal(column[123], Math.fround(table.normalised[123]));
  });

  test('scores.bin pages a 50k-row table (the UI\'s size) and rejects foreign files', async (t) => {
    const dir = tempDir(t);
    const big = syntheticTable(50000, 7);
    const file = join(dir, 'scores.bin');
    await writeScoresBin(file, big);
    const reader = await openScoresBin(file);
    t.after(() => reader.close());
    const page = await reader.readRange(49950, 50000);
    assert.equal(page.length, 50);
    assert.equal(page[49].path, big.path[49999]);
    assert.equal(page[0].rank, big.rank[49950]);
    const best = await reader.readRankRange(0, 50);
    assert.equal(best[0].rank, 1);
    assert.ok(statSync(file).size < 50000 * 70, `compact: ${statSync(file).size} bytes`);
    await assert.rejects(openScoresBin(join(__dirname, '../../../../package.json')), /not a scores\.bin file/);
    assert.ok(readFileSync(file).subarray(0, 8).equals(Buffer.from('SSLMSCB1')));
  });
});
