// Issue 15 item 2: a tiny `sslmem run --seed-pairs 2` through the CLI (its backend child, real onnxruntime).
// report.json's intervals must be finite, contain the score, and be the ones the per-pair loss files give when
// recomputed here by hand: half-width = 1.96 · (sample s.d. of the 2 pair scores) / √2.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadLosses } from '../../../src/engine/sslmem/losses-file';
import { openScoresBin } from '../../../src/engine/runs';
import { CSV_COLUMNS } from '../../../src/engine/runs/scores-csv';
import { RunData } from '../../../src/ui/runData';
import { cli, demoSubset, lastLine, readScoresCsv, spawnCli, tempDir } from './helpers';

interface Entry {
  row: number;
  score: number;
  stderr: number;
  ci_low: number;
  ci_high: number;
}

describe('seed pairs: per-image confidence intervals from the pairs spread', () => {
  test('tiny --seed-pairs 2: finite CIs around the score, half-width from the pair losses (1e-9)', async (t) => {
    const dir = tempDir(t);
    const data = demoSubset(path.join(dir, 'data'), 6);
    const workspace = path.join(dir, 'ws');
    const r = await spawnCli([
      'run',
      '--data',
      data,
      '--preset',
      'tiny',
      '--seed-pairs',
      '2',
      '--seed',
      '3',
      '--workspace',
      workspace,
      '--ep',
      'cpu',
    ]).done;
    assert.equal(r.code, 0, r.stderr);
    const runDir = lastLine(r.stdout);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    assert.deepEqual(report.confidence, { level: 0.95, z: 1.96, stderr: 'pairs', seed_pairs: 2 });

    const pair = async (who: 'f' | 'g', q: number) => loadLosses(path.join(runDir, `losses-${who}-${q}.bin`));
    const [f0, g0, f1, g1] = await Promise.all([pair('f', 0), pair('g', 0), pair('f', 1), pair('g', 1)]);
    const sym = (lf: number, lg: number) => (lg - lf) / (lg + lf);
    const viewRatios: number[] = [];
    const entries: Entry[] = [...report.top_k.S_C, ...report.top_k.all];
    assert.ok(entries.length >= 20);
    for (const e of entries) {
      const i = e.row;
      assert.ok([e.score, e.stderr, e.ci_low, e.ci_high].every(Number.isFinite), `row ${i}: finite`);
      assert.ok(e.ci_low <= e.score && e.score <= e.ci_high, `row ${i}: the CI contains the score`);
      // The point estimate: the score of the averaged losses.
      const lf = (f0.mean[i] + f1.mean[i]) / 2,
        lg = (g0.mean[i] + g1.mean[i]) / 2;
      assert.ok(Math.abs(e.score - sym(lf, lg)) < 1e-12, `row ${i}: score`);
      // The pairs' spread: sample s.d. of the two pair scores, over √2.
      const s0 = sym(f0.mean[i], g0.mean[i]),
        s1 = sym(f1.mean[i], g1.mean[i]);
      const sd = Math.abs(s0 - s1) / Math.SQRT2;
      const pairSe = sd / Math.SQRT2;
      const half = (e.ci_high - e.ci_low) / 2;
      assert.ok(Math.abs(half - (1.96 * sd) / Math.SQRT2) < 1e-9, `row ${i}: half-width ${half} = 1.96 · s.d. / √2`);
      // What the one-pair formula would have said (L_f, L_g s.e. taken as independent), for the record.
      const sf = Math.hypot(f0.stderr[i], f1.stderr[i]) / 2,
        sg = Math.hypot(g0.stderr[i], g1.stderr[i]) / 2;
      viewRatios.push((2 * Math.sqrt(lf * lf * sg * sg + lg * lg * sf * sf)) / (lf + lg) ** 2 / pairSe);
    }
    viewRatios.sort((a, b) => a - b);
    t.diagnostic(
      `view-level s.e. / pairs' s.e. over ${entries.length} top entries: median ${viewRatios[viewRatios.length >> 1].toFixed(2)}`,
    );

    // scores.csv and scores.bin carry the same s.e. per row (the panel reads it from scores.bin).
    const csv = readScoresCsv(path.join(runDir, 'scores.csv'));
    assert.deepEqual(csv.header, [...CSV_COLUMNS, 'score_stderr']);
    const bin = await openScoresBin(path.join(runDir, 'scores.bin'));
    try {
      assert.equal(bin.header.seedPairs, 2);
      const rows = await bin.readRange(0, bin.header.n);
      for (const e of entries) assert.ok(Math.abs(rows[e.row].scoreStderr! - e.stderr) < 1e-6 * Math.max(1, e.stderr));
    } finally {
      await bin.close();
    }
    // The score panel: the stored s.e. is each row's, and the page learns it came from 2 pairs.
    const panel = await RunData.open(runDir);
    assert.equal(panel.seedPairs, 2);
    assert.equal(panel.init().seedPairs, 2);
    const top = panel.byRank.find((x) => x.row === entries[0].row)!;
    assert.ok(Math.abs(panel.stderrOf(top) - entries[0].stderr) < 1e-6 * Math.max(1, entries[0].stderr));
    // `sslmem export --format json` takes the extra column along.
    const exported = await cli(['export', runDir, '--format', 'json']);
    assert.equal(exported.code, 0, exported.stderr);
    const json = JSON.parse(exported.stdout);
    assert.ok(json.columns.includes('score_stderr'));
    assert.ok(Math.abs(json.rows[entries[0].row].score_stderr - entries[0].stderr) < 1e-6 * Math.max(1, entries[0].stderr));
    const md = readFileSync(path.join(runDir, 'report.md'), 'utf8');
    assert.match(md, /\| # \| path \| label \| score \[95 % CI\] \|/);
    assert.match(md, /spread of the 2 \(f, g\) seed pairs/);
  });

  test('one pair (tiny): scores files as before, CIs from the view-level s.e., the panel reads it unchanged', async (t) => {
    const dir = tempDir(t);
    const data = demoSubset(path.join(dir, 'data'), 6);
    const r = await spawnCli(['run', '--data', data, '--preset', 'tiny', '--seed', '3', '--workspace', path.join(dir, 'ws'), '--ep', 'cpu'])
      .done;
    assert.equal(r.code, 0, r.stderr);
    const runDir = lastLine(r.stdout);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    assert.deepEqual(report.confidence, { level: 0.95, z: 1.96, stderr: 'views', seed_pairs: 1 });
    const csv = readScoresCsv(path.join(runDir, 'scores.csv'));
    assert.deepEqual(csv.header, [...CSV_COLUMNS]);
    const data1 = await RunData.open(runDir);
    for (const e of report.top_k.S_C as Entry[]) {
      const row = csv.rows[e.row];
      const [lf, lg, sf, sg] = [row.L_f, row.L_g, row.L_f_stderr, row.L_g_stderr].map(Number);
      const se = (2 * Math.sqrt(lf * lf * sg * sg + lg * lg * sf * sf)) / (lf + lg) ** 2;
      assert.ok(Number.isFinite(e.ci_low) && e.ci_low <= e.score && e.score <= e.ci_high);
      assert.ok(Math.abs((e.ci_high - e.ci_low) / 2 - 1.96 * se) < 1e-6, `row ${e.row}: half-width from the view-level s.e.`);
      const panelRow = data1.byRank.find((x) => x.row === e.row)!;
      assert.equal(panelRow.scoreStderr, undefined, 'no stored s.e. in a one-pair scores.bin');
      assert.equal(data1.init().seedPairs, undefined);
      assert.ok(Math.abs(data1.stderrOf(panelRow) - e.stderr) < 1e-5, `row ${e.row}: the panel's s.e. is the report's`);
    }
  });
});
