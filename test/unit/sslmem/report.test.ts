import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../../src/engine/sslmem/report/report';
import { describe as summarise, welchTTest } from '../../../src/engine/sslmem/report/stats';
import { rowsOf } from '../../../src/engine/runs/score-table';
import { writeRunResults } from '../../../src/engine/sslmem/report/write-results';
import { tempDir } from '../data/fixtures';
import { syntheticTable } from '../runs/table-fixture';

describe('report', () => {
  const table = syntheticTable(600, 3);

  test('report.json contract: subsets, tests, threshold_curve, skipped, timings', async (t) => {
    const dir = tempDir(t);
    const skipped = [{ path: 'x/broken.png', reason: 'not an image: content is not PNG, JPEG, WebP, GIF or BMP' }];
    await writeRunResults(dir, table, { runId: 'r1', skipped, timings: { train_f: 12.5, score_f: 3 } });
    assert.deepEqual(readdirSync(dir).sort(), ['report.json', 'report.md', 'scores.bin', 'scores.csv']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    for (const s of ['S_S', 'S_C', 'S_I', 'S_E']) {
      const expected = summarise(rowsOf(table, s as 'S_S').map((r) => table.normalised[r]));
      for (const key of ['n', 'mean', 'median', 'std'] as const) assert.equal(report.subsets[s][key], expected[key], `${s}.${key}`);
    }
    assert.equal(report.subsets.S_C.n, 54);
    for (const [name, a, b] of [
      ['C_vs_S', 'S_C', 'S_S'],
      ['C_vs_E', 'S_C', 'S_E'],
      ['I_vs_S', 'S_I', 'S_S'],
    ] as const) {
      const expected = welchTTest(
        rowsOf(table, a).map((r) => table.normalised[r]),
        rowsOf(table, b).map((r) => table.normalised[r]),
      );
      assert.equal(report.tests[name].t, expected.t);
      assert.equal(report.tests[name].p, expected.p);
      assert.equal(typeof report.tests[name].p, 'number');
    }
    assert.equal(report.tests.C_vs_S.holds, true);
    assert.equal(report.tests.I_vs_S.holds, true);
    assert.ok(Array.isArray(report.threshold_curve) && report.threshold_curve.length === 41);
    for (const p of report.threshold_curve) assert.deepEqual(Object.keys(p).sort(), ['fraction', 'tau']);
    const fractions = report.threshold_curve.map((p: { fraction: number }) => p.fraction);
    assert.equal(fractions[0], 1);
    assert.ok(
      fractions.every((f: number, i: number) => i === 0 || f <= fractions[i - 1]),
      'non-increasing in tau',
    );
    assert.deepEqual(report.skipped, skipped);
    assert.deepEqual(report.timings, { train_f: 12.5, score_f: 3 });
    assert.equal(report.top_k.S_C[0].subset, 'S_C');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.match(md, /## Welch t-tests/);
    assert.match(md, /x\/broken\.png/);
    assert.match(md, /\| S_C \| 54 \|/);
  });

  test("the τ grid resolves scores in a narrow band: report.json's curve goes 1 -> 0, report.md's τ labels differ", async (t) => {
    // Every score squeezed into 0.01 ± 0.02 (trained encoders on small data give such narrow bands).
    let maxAbs = 0;
    for (const x of table.normalised) maxAbs = Math.max(maxAbs, Math.abs(x));
    const narrow = { ...table, normalised: table.normalised.map((x) => 0.01 + (0.02 * x) / maxAbs) };
    for (const normalisation of ['symmetric', 'raw'] as const) {
      const report = buildReport({ ...narrow, normalisation });
      const fractions = report.threshold_curve.map((p) => p.fraction);
      assert.equal(fractions[0], 1, `${normalisation}: starts at 1`);
      assert.equal(fractions[fractions.length - 1], 0, `${normalisation}: ends at 0`);
      // S_C has 54 samples spread over the band: the 41 rows show most of the curve, not a step.
      assert.ok(new Set(fractions).size >= 20, `${normalisation}: ${new Set(fractions).size} distinct fractions`);
    }
    const dir = tempDir(t);
    await writeRunResults(dir, narrow, { runId: 'narrow' });
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const rows = [
      ...md
        .split('## Fraction of S_C memorised')[1]
        .split('\n## ')[0]
        .matchAll(/^\| (-?[\d.]+) \| ([\d.]+) \|$/gm),
    ];
    assert.ok(rows.length >= 20, `${rows.length} τ rows in report.md`);
    const labels = rows.map((m) => m[1]);
    assert.equal(new Set(labels).size, labels.length, `τ labels repeat: ${labels.join(' ')}`);
    assert.equal(rows[0][2], '1.000');
    assert.equal(rows[rows.length - 1][2], '0.000');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    // The printed τ are the report.json ones, rounded: within half a unit of their last printed decimal.
    const decimals = labels[0].split('.')[1]?.length ?? 0;
    rows.forEach((m, i) =>
      assert.ok(Math.abs(Number(m[1]) - json.threshold_curve[2 * i].tau) <= 0.5 * 10 ** -decimals + 1e-12, `row ${i}`),
    );
  });

  test('tests say "not as expected" when the data do not show memorisation', () => {
    const flat = { ...table, normalised: new Float64Array(table.n).map((_, i) => ((i * 7919) % 101) / 100 - 0.5) };
    const report = buildReport(flat);
    assert.equal(report.tests.C_vs_S.holds && report.tests.C_vs_E.holds && report.tests.I_vs_S.holds, false);
    assert.deepEqual(report.skipped, []);
  });
});
