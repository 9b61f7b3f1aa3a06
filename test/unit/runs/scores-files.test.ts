import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_COLUMNS, checkScoresCsv, scoresToCsv } from '../../../src/engine/runs/scores-csv';
import { writeScoresBin } from '../../../src/engine/runs/scores-bin';
import { openScoresBin } from '../../../src/engine/runs/scores-bin-reader';
import { tempDir } from '../data/fixtures';
import { syntheticTable } from './table-fixture';

/** Minimal RFC 4180 parser (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    field = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
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
    assert.deepEqual(
      tail.map((r) => r.row),
      [table.n - 3, table.n - 2, table.n - 1],
    );
    assert.deepEqual(await reader.readRange(10, 10), []);
    const top = await reader.readRankRange(0, 5);
    assert.deepEqual(
      top.map((r) => r.rank),
      [1, 2, 3, 4, 5],
    );
    for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].normalised >= top[i].normalised);
    const column = await reader.readColumn('normalised');
    assert.equal(column.length, table.n);
    assert.equal(column[123], Math.fround(table.normalised[123]));
  });

  test("scores.bin pages a 50k-row table (the UI's size) and rejects foreign files", async (t) => {
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

describe('whole-dataset columns', () => {
  test('a paper table writes the paper files unchanged (no mode, no extra columns); a whole table adds three', async (t) => {
    const dir = tempDir(t);
    const paper = syntheticTable(60);
    assert.equal(scoresToCsv(paper).split('\n')[0], CSV_COLUMNS.join(','));
    await writeScoresBin(join(dir, 'paper.bin'), paper);
    const p = await openScoresBin(join(dir, 'paper.bin'));
    try {
      assert.equal(p.header.mode, undefined);
      assert.deepEqual(
        p.header.columns.map((c) => c.name),
        ['index', 'subset', 'label', 'lf', 'lg', 'raw', 'normalised', 'lf_stderr', 'lg_stderr', 'rank', 'by_rank'],
      );
      assert.equal((await p.readRange(0, 1))[0].pValue, undefined);
    } finally {
      await p.close();
    }

    const n = paper.n;
    const pValue = Float64Array.from({ length: n }, (_, r) => (r + 1) / (n + 1));
    const whole = {
      ...paper,
      whole: {
        fdr: 0.05,
        scoreStderr: new Float64Array(n).fill(0.25),
        pValue,
        qValue: Float64Array.from(pValue, (x, r) => (r % 2 ? NaN : x)),
      },
    };
    const csv = scoresToCsv(whole).split('\n');
    assert.equal(csv[0], [...CSV_COLUMNS, 'score_stderr', 'p_value', 'q_value'].join(','));
    assert.match(csv[2], /,0\.25,[0-9.e-]+,NaN$/, 'odd rows: q NaN (a control)');
    await writeScoresBin(join(dir, 'whole.bin'), whole);
    const w = await openScoresBin(join(dir, 'whole.bin'));
    try {
      assert.equal(w.header.mode, 'whole');
      assert.equal(w.header.fdr, 0.05);
      const rows = await w.readRange(0, n);
      rows.forEach((row, r) => {
        assert.ok(Math.abs(row.pValue! - pValue[r]) < 1e-6, `p of row ${r}`);
        assert.equal(row.scoreStderr, 0.25);
        assert.equal(Number.isNaN(row.qValue!), r % 2 === 1);
      });
    } finally {
      await w.close();
    }
  });
});

describe('atypicality column (whole-dataset runs since issue 15 item 4)', () => {
  test('a whole table with atypicality adds it last (csv and bin); a whole file without it, as older runs wrote, reads as before', async (t) => {
    const dir = tempDir(t);
    const paper = syntheticTable(30);
    const n = paper.n;
    const base = {
      fdr: 0.1,
      scoreStderr: new Float64Array(n).fill(0.5),
      pValue: new Float64Array(n).fill(0.5),
      qValue: new Float64Array(n).fill(0.5),
    };
    const atypicality = Float64Array.from({ length: n }, (_, r) => 0.3 + r / 1000);
    const withAtyp = { ...paper, whole: { ...base, atypicality } };
    const old = { ...paper, whole: base };
    const csv = scoresToCsv(withAtyp);
    assert.equal(csv.split('\n')[0], [...CSV_COLUMNS, 'score_stderr', 'p_value', 'q_value', 'atypicality'].join(','));
    assert.match(csv.split('\n')[2], /,0\.301$/);
    checkScoresCsv(csv, n);
    checkScoresCsv(scoresToCsv(old), n);
    assert.equal(scoresToCsv(old).split('\n')[0], [...CSV_COLUMNS, 'score_stderr', 'p_value', 'q_value'].join(','));
    assert.throws(() => checkScoresCsv(csv.replace(',atypicality\n', ',atypicality,x\n'), n), /does not start with/);
    await writeScoresBin(join(dir, 'new.bin'), withAtyp);
    await writeScoresBin(join(dir, 'old.bin'), old);
    const a = await openScoresBin(join(dir, 'new.bin'));
    const o = await openScoresBin(join(dir, 'old.bin'));
    try {
      assert.equal(a.header.columns.at(-1)!.name, 'atypicality');
      (await a.readRange(0, n)).forEach((row, r) => assert.ok(Math.abs(row.atypicality! - atypicality[r]) < 1e-7, `row ${r}`));
      assert.ok(!o.header.columns.some((c) => c.name === 'atypicality'));
      const row = (await o.readRange(0, 1))[0];
      assert.equal(row.atypicality, undefined);
      assert.equal(row.pValue, 0.5);
    } finally {
      await a.close();
      await o.close();
    }
  });
});

describe('seed-pair column', () => {
  test('a several-pair table adds score_stderr (csv and bin) and seedPairs; a one-pair file reads as before', async (t) => {
    const dir = tempDir(t);
    const paper = syntheticTable(40);
    const n = paper.n;
    const se = Float64Array.from({ length: n }, (_, r) => 0.01 * (r + 1));
    const pairs = { ...paper, pairs: { seedPairs: 3, scoreStderr: se } };
    const csv = scoresToCsv(pairs).split('\n');
    assert.equal(csv[0], [...CSV_COLUMNS, 'score_stderr'].join(','));
    checkScoresCsv(scoresToCsv(pairs), n);
    checkScoresCsv(scoresToCsv(paper), n);
    await writeScoresBin(join(dir, 'pairs.bin'), pairs);
    const b = await openScoresBin(join(dir, 'pairs.bin'));
    try {
      assert.equal(b.header.seedPairs, 3);
      assert.equal(b.header.mode, undefined);
      const rows = await b.readRange(0, n);
      rows.forEach((row, r) => {
        assert.ok(Math.abs(row.scoreStderr! - se[r]) < 1e-7, `s.e. of row ${r}`);
        assert.equal(row.pValue, undefined);
      });
    } finally {
      await b.close();
    }
    // One pair: no column, no header field, rows without scoreStderr (the UI then uses the view-level s.e.).
    await writeScoresBin(join(dir, 'one.bin'), paper);
    const o = await openScoresBin(join(dir, 'one.bin'));
    try {
      assert.equal(o.header.seedPairs, undefined);
      assert.equal(o.header.columns.length, 11);
      assert.equal((await o.readRange(0, 1))[0].scoreStderr, undefined);
    } finally {
      await o.close();
    }
  });
});
