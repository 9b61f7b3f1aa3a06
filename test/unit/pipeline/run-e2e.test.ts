// End to end on real images: startRun (tiny preset) on 150 demo PNGs plus broken files, then the run folder
// against the report contract, scores.csv against the split, `report` / `export` on the result, and the
// run's own encode.onnx scored as IMPORTED encoders, which must reproduce the run's scores exactly.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { listRuns, openScoresBin } from '../../../src/engine/runs';
import { CSV_COLUMNS } from '../../../src/engine/runs/scores-csv';
import { cli, demoSubset, lastLine, readScoresCsv, tempDir } from './helpers';

const SUBSETS = ['S_S', 'S_C', 'S_I', 'S_E'] as const;

describe('pipeline end to end (tiny preset, 150 images + 3 broken files)', () => {
  test('startRun -> done; report.json contract; scores.csv one row per scored sample; report/export; imported encode.onnx', async (t) => {
    const dir = tempDir(t);
    const data = demoSubset(path.join(dir, 'data'), 15);
    // Broken inputs the reader must skip AND list: empty, truncated, not an image at all.
    const png = readFileSync(path.join(data, 'bag', readdirSync(path.join(data, 'bag'))[0]));
    writeFileSync(path.join(data, 'bag', 'zero.png'), Buffer.alloc(0));
    writeFileSync(path.join(data, 'coat', 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
    writeFileSync(path.join(data, 'dress', 'notes.jpg'), 'this is text, not a JPEG\n');
    const store = path.join(dir, 'ws', '.sslmem', 'runs');
    const events: string[] = [];
    const t0 = Date.now();
    const out = await startRun(
      { data, preset: 'tiny', storeDir: store, cacheDir: path.join(dir, 'ws', '.sslmem', 'cache'), seed: 1 },
      { provider: 'cpu' },
      {
        onEvent: (e) => {
          if (e.kind === 'stage') events.push(`${e.stage}:${e.status}`);
        },
      },
    );
    t.diagnostic(`tiny run: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(out.status, 'done');
    assert.deepEqual(
      events.filter((e) => e.endsWith(':done')),
      ['split', 'train_f', 'train_g', 'score_f', 'score_g', 'report'].map((s) => `${s}:done`),
    );

    const manifest = JSON.parse(readFileSync(path.join(out.runDir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.status, 'done');
    assert.equal(manifest.dataset.n, 150);
    const report = JSON.parse(readFileSync(out.reportFile!, 'utf8'));
    for (const s of SUBSETS) {
      for (const k of ['n', 'mean', 'median', 'std']) assert.equal(typeof report.subsets[s][k], 'number', `subsets.${s}.${k}`);
      assert.equal(report.subsets[s].n, manifest.subsetSizes[s]);
      assert.ok(Number.isFinite(report.subsets[s].mean) && report.subsets[s].mean >= -1 && report.subsets[s].mean <= 1);
    }
    for (const name of ['C_vs_S', 'C_vs_E', 'I_vs_S']) {
      assert.ok(Number.isFinite(report.tests[name].t), `tests.${name}.t`);
      assert.ok(report.tests[name].p >= 0 && report.tests[name].p <= 1, `tests.${name}.p`);
    }
    assert.ok(report.threshold_curve.length > 2);
    for (const p of report.threshold_curve) assert.ok(typeof p.tau === 'number' && p.fraction >= 0 && p.fraction <= 1);
    // The curve is a survival function of S_C's scores: non-increasing in tau.
    for (let i = 1; i < report.threshold_curve.length; i++)
      assert.ok(report.threshold_curve[i].fraction <= report.threshold_curve[i - 1].fraction);
    const skipped = new Map<string, string>(report.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]));
    assert.deepEqual([...skipped.keys()].sort(), ['bag/zero.png', 'coat/truncated.png', 'dress/notes.jpg']);
    for (const reason of skipped.values()) assert.ok(reason.length > 3);
    for (const stage of ['train_f', 'train_g', 'score_f', 'score_g']) assert.ok(report.timings[stage] > 0, `timings.${stage}`);

    // scores.csv: documented columns; one row per scored sample, each in the subset split.json gives it.
    const csv = readScoresCsv(path.join(out.runDir, 'scores.csv'));
    assert.deepEqual(csv.header, [...CSV_COLUMNS]);
    const split = JSON.parse(readFileSync(path.join(out.runDir, 'split.json'), 'utf8'));
    const subsetOf = new Map<string, string>();
    for (const s of SUBSETS) for (const p of split.paths[s]) subsetOf.set(p, s);
    assert.equal(csv.rows.length, subsetOf.size);
    assert.equal(csv.rows.length, 150); // default sizes use every sample
    for (const r of csv.rows) {
      assert.equal(r.subset, subsetOf.get(r.path), r.path);
      const [lf, lg, norm] = [Number(r.L_f), Number(r.L_g), Number(r.normalised)];
      assert.ok(Math.abs(norm - (lg - lf) / (lg + lf)) < 1e-6, `symmetric score of ${r.path}`);
    }
    assert.deepEqual(
      csv.rows.map((r) => Number(r.rank)).sort((a, b) => a - b),
      Array.from({ length: 150 }, (_, i) => i + 1),
    );
    const bin = await openScoresBin(path.join(out.runDir, 'scores.bin'));
    assert.equal(bin.header.n, 150);
    await bin.close();
    assert.equal((await listRuns(store))[0].status, 'done');

    // `report` and `export` work on the folder alone.
    const md = await cli(['report', out.runDir]);
    assert.equal(md.code, 0);
    assert.equal(md.stdout, readFileSync(path.join(out.runDir, 'report.md'), 'utf8'));
    const js = await cli(['report', out.runDir, '--json']);
    assert.deepEqual(JSON.parse(js.stdout), report);
    const exported = await cli(['export', out.runDir, '--format', 'csv']);
    assert.equal(exported.stdout, readFileSync(path.join(out.runDir, 'scores.csv'), 'utf8'));
    const jsonFile = path.join(dir, 'scores.json');
    assert.equal((await cli(['export', out.runDir, '--format', 'json', '--out', jsonFile])).code, 0);
    const asJson = JSON.parse(readFileSync(jsonFile, 'utf8'));
    assert.equal(asJson.rows.length, 150);
    assert.equal(asJson.normalisation, 'symmetric');
    csv.rows.forEach((r, i) => {
      assert.equal(asJson.rows[i].path, r.path);
      assert.equal(asJson.rows[i].L_f, Number(r.L_f));
      assert.equal(asJson.rows[i].rank, Number(r.rank));
    });

    // The run's own encoders, imported as ONNX files (weights from the checkpoint.bin next to them), with
    // the run's split and scoring seed (seed 1 -> 1 * 7919 + 17): the same views, the same losses.
    const imported = await cli([
      'score',
      '--f',
      path.join(out.runDir, 'f', 'encode.onnx'),
      '--g',
      path.join(out.runDir, 'g', 'encode.onnx'),
      '--data',
      data,
      '--split',
      path.join(out.runDir, 'split.json'),
      '--pairs',
      '2',
      '--seed',
      String(1 * 7919 + 17),
      '--workspace',
      path.join(dir, 'ws'),
      '--in-process',
      '--ep',
      'cpu',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const importedDir = lastLine(imported.stdout);
    assert.ok(existsSync(path.join(importedDir, 'report.md')));
    assert.equal(JSON.parse(readFileSync(path.join(importedDir, 'manifest.json'), 'utf8')).preset, 'imported');
    assert.equal(readFileSync(path.join(importedDir, 'scores.csv'), 'utf8'), readFileSync(path.join(out.runDir, 'scores.csv'), 'utf8'));
    assert.deepEqual(JSON.parse(readFileSync(path.join(importedDir, 'report.json'), 'utf8')).skipped, report.skipped);

    // Re-scoring the finished run with K = 3 pairs: a new run. Pairs 0 and 1 are the same views as before, so
    // d_3 = 3 L(K=3) - 2 L(K=2) is the third pair's distance between unit vectors: in [0, 2] for every point.
    const rescored = await cli(['score', '--run', out.runDir, '--pairs', '3', '--in-process', '--ep', 'cpu']);
    assert.equal(rescored.code, 0, rescored.stderr);
    const rescoredDir = lastLine(rescored.stdout);
    assert.notEqual(rescoredDir, out.runDir);
    const m3 = JSON.parse(readFileSync(path.join(rescoredDir, 'manifest.json'), 'utf8'));
    assert.equal(m3.status, 'done');
    assert.equal(m3.config.sslmem.scoring.pairs, 3);
    assert.equal(m3.config.rescoredFrom.run, manifest.id);
    const csv3 = readScoresCsv(path.join(rescoredDir, 'scores.csv'));
    assert.deepEqual(
      csv3.rows.map((r) => r.path),
      csv.rows.map((r) => r.path),
    );
    csv3.rows.forEach((r, i) => {
      for (const col of ['L_f', 'L_g']) {
        const d3 = 3 * Number(r[col]) - 2 * Number(csv.rows[i][col]);
        assert.ok(d3 > -1e-5 && d3 < 2 + 1e-5, `${col} of ${r.path}: third pair distance ${d3}`);
      }
    });
    assert.notDeepEqual(
      csv3.rows.map((r) => r.L_f),
      csv.rows.map((r) => r.L_f),
    );
    assert.equal(readFileSync(path.join(out.runDir, 'scores.csv'), 'utf8'), exported.stdout, 'the source run is left as it was');
  });
});
