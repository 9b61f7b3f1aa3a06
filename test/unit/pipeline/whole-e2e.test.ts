// Whole-dataset mode end to end through the CLI (`node dist/cli.js run --mode whole`), on 100 real demo
// images with the tiny preset: every image gets a row with a finite standard error and a p-value in [0, 1];
// design.json is balanced; report.json's memorized count is the BH count of scores.csv; a run cancelled
// (SIGINT) in the middle of its second encoder's training resumes, skips the finished encoder, continues
// from the checkpoint and ends with the same scores.csv as the uninterrupted run (same seed and threads);
// `sslmem retrain` on the finished run removes its top-k scored images vs k random ones and probes on the controls;
// `--concurrent 2` trains the encoders two at a time with the same scores.
// The atypicality check: a finite ρ in report.json, a column, atypicality.svg linked from report.md, and the
// same values when the report stage is redone.
import { describe, test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { demoSubset, lastLine, readScoresCsv, spawnCli } from './helpers';
import { RunData } from '../../../src/ui/runData';
import { describeScore, ScoreIndex } from '../../../src/ui/scoreIndex';
import { isHostToRetrain } from '../../../src/protocol/retrain';
import { readRunLossHistory } from '../../../src/engine/runs/loss-history';
import { readRemovalInputs } from '../../../src/engine/sslmem/removal/experiment';

// 100 images, 10 controls: each encoder trains on 45, batch 8 -> 5 steps per epoch; 8 epochs = 40 steps, so
// the trainer checkpoints at steps 10, 20, 30 and a cancel lands mid-training.
const root = mkdtempSync(path.join(tmpdir(), 'sslmem-whole-'));
const data = path.join(root, 'data');
const RUN = [
  '--data',
  data,
  '--mode',
  'whole',
  '--preset',
  'tiny',
  '--epochs',
  '8',
  '--set',
  '{"batch":8}',
  '--control',
  '10',
  '--seed',
  '3',
  '--ep',
  'cpu',
  '--threads',
  '1',
];
let reference = '';
let refDir = '';

describe('whole-dataset mode through the CLI', () => {
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    demoSubset(data, 10);
    const r = await spawnCli(['run', ...RUN, '--workspace', path.join(root, 'a')]).done;
    assert.equal(r.code, 0, r.stderr);
    refDir = lastLine(r.stdout);
    reference = readFileSync(path.join(refDir, 'scores.csv'), 'utf8');
  });

  test('every image scored: finite standard error, p-value in [0, 1]; controls apart; BH count in the report', () => {
    const { header, rows } = readScoresCsv(path.join(refDir, 'scores.csv'));
    assert.deepEqual(header.slice(-4), ['score_stderr', 'p_value', 'q_value', 'atypicality']);
    assert.equal(rows.length, 100);
    assert.deepEqual(
      rows.map((r) => Number(r.index)),
      Array.from({ length: 100 }, (_, i) => i),
      'one row per image',
    );
    const scored = rows.filter((r) => r.subset === 'S_C'),
      control = rows.filter((r) => r.subset === 'S_E');
    assert.equal(scored.length, 90);
    assert.equal(control.length, 10);
    for (const r of rows) {
      assert.ok(Number.isFinite(Number(r.normalised)), `score of ${r.path}`);
      assert.ok(Number.isFinite(Number(r.score_stderr)) && Number(r.score_stderr) >= 0, `s.e. of ${r.path}: ${r.score_stderr}`);
      const p = Number(r.p_value);
      assert.ok(p > 0 && p <= 1, `p of ${r.path}: ${r.p_value}`);
    }
    for (const r of scored) assert.ok(Number(r.q_value) >= Number(r.p_value) - 1e-9 && Number(r.q_value) <= 1, `q of ${r.path}`);
    for (const r of control) assert.equal(r.q_value, 'NaN');
    // p-values of scored images have resolution 1/(1 + 10).
    for (const r of scored) {
      const k = Number(r.p_value) * 11;
      assert.ok(Math.abs(k - Math.round(k)) < 1e-6, r.p_value);
    }
    const report = JSON.parse(readFileSync(path.join(refDir, 'report.json'), 'utf8'));
    assert.equal(report.mode, 'whole');
    assert.equal(report.whole.encoders, 4);
    assert.equal(report.whole.control, 10);
    assert.equal(report.whole.fdr, 0.1);
    assert.equal(report.whole.memorized, scored.filter((r) => Number(r.q_value) <= 0.1).length);
    assert.equal(report.whole.provider, 'cpu');
    assert.equal(report.whole.threads, 1);
    assert.equal(report.null.n, 10);
    assert.match(readFileSync(path.join(refDir, 'report.md'), 'utf8'), /of 90 images are memorized at a false-discovery rate of 0\.1/);
    const design = JSON.parse(readFileSync(path.join(refDir, 'design.json'), 'utf8'));
    assert.deepEqual(
      [...design.control].sort((a: number, b: number) => a - b),
      control.map((r) => Number(r.index)),
    );
    const manifest = JSON.parse(readFileSync(path.join(refDir, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.stageOrder, [
      'design',
      'train#0',
      'train#1',
      'train#2',
      'train#3',
      'score#0',
      'score#1',
      'score#2',
      'score#3',
      'report',
    ]);
    assert.equal(manifest.config.kind, 'whole');
  });

  test("the UI reads it: every image a row with its p-value, the FDR count in the panel's init, controls outside the top list", async () => {
    const data = await RunData.open(refDir);
    const report = JSON.parse(readFileSync(path.join(refDir, 'report.json'), 'utf8'));
    const init = data.init();
    assert.deepEqual(init.whole, report.whole && { encoders: 4, control: 10, scored: 90, fdr: 0.1, memorized: report.whole.memorized });
    assert.equal(init.subsetCounts.S_C, 90);
    assert.equal(init.subsetCounts.S_E, 10);
    // The Atypicality chart: every image a point (90 scored, 10 controls apart), ρ and p from report.json.
    const a = init.atypicality!;
    assert.ok(a, 'a whole run with atypicality values gets the chart');
    assert.deepEqual([a.scored.length, a.control.length, a.planted.length], [90, 10, 0]);
    assert.deepEqual([a.k, a.rho, a.p, a.n], [report.atypicality.k, report.atypicality.rho, report.atypicality.p, 90]);
    assert.equal(data.byRank.length, 100);
    for (const r of data.byRank)
      assert.ok(r.pValue !== undefined && r.pValue > 0 && r.pValue <= 1 && Number.isFinite(r.scoreStderr), `${r.path}: ${r.pValue}`);
    const index = new ScoreIndex();
    await index.rebuild([path.dirname(refDir)]);
    const top = index.top(100);
    assert.equal(top.length, 90, 'the top list ranks every scored image and no control');
    assert.ok(top.every((s) => s.subset === 'S_C' && s.p !== undefined));
    assert.match(
      describeScore(top[0]),
      /· p [0-9.e-]+ \(vs controls\) · #1 of 90 scored images by memorization · scored · .* · rank \d+ of 100 over all subsets/,
    );
  });

  test('atypicality: ρ in report.json, a column in scores.csv, atypicality.svg linked from report.md; a redone report stage writes the same', async () => {
    const report = JSON.parse(readFileSync(path.join(refDir, 'report.json'), 'utf8'));
    const a = report.atypicality;
    assert.equal(a.k, 10);
    assert.equal(a.space, 'representation');
    assert.equal(a.n, 90, 'controls are not in the correlation');
    assert.ok(Number.isFinite(a.rho) && a.rho >= -1 && a.rho <= 1, `rho ${a.rho}`);
    assert.ok(a.p >= 0 && a.p <= 1, `p ${a.p}`);
    const { rows } = readScoresCsv(path.join(refDir, 'scores.csv'));
    for (const r of rows) assert.ok(Number(r.atypicality) > 0 && Number(r.atypicality) <= 2, `atypicality of ${r.path}: ${r.atypicality}`);
    const svg = readFileSync(path.join(refDir, 'atypicality.svg'), 'utf8');
    assert.equal(svg.match(/<circle cx=/g)?.length, 100, 'one dot per image');
    assert.ok(svg.includes(`ρ = ${a.rho.toFixed(3)}`), 'ρ in the figure');
    const md = readFileSync(path.join(refDir, 'report.md'), 'utf8');
    assert.match(md, /!\[Score against atypicality[^\]]*\]\(atypicality\.svg\)/);
    assert.ok(md.includes(`Spearman ρ(score, atypicality) = ${a.rho.toFixed(3)}`));
    const manifest = JSON.parse(readFileSync(path.join(refDir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.stages.report.outputs.figure, 'atypicality.svg');

    // Redo the report stage: a damaged scores.csv sends it back to pending on resume (results-check.ts).
    const before = ['scores.csv', 'scores.bin', 'atypicality.svg'].map((f) => readFileSync(path.join(refDir, f)));
    rmSync(path.join(refDir, 'scores.csv'));
    rmSync(path.join(refDir, 'atypicality.svg'));
    const r = await spawnCli(['resume', refDir, '--data', data, '--ep', 'cpu', '--threads', '1', '--verbose']).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the report stage runs again/);
    ['scores.csv', 'scores.bin', 'atypicality.svg'].forEach((f, i) =>
      assert.ok(readFileSync(path.join(refDir, f)).equals(before[i]), `${f} differs after the report stage was redone`),
    );
    assert.deepEqual(JSON.parse(readFileSync(path.join(refDir, 'report.json'), 'utf8')).atypicality, a);
    // The figure alone gone (report.md would link nothing): the report stage runs again, too.
    rmSync(path.join(refDir, 'atypicality.svg'));
    const again = await spawnCli(['resume', refDir, '--data', data, '--ep', 'cpu', '--threads', '1', '--verbose']).done;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /atypicality\.svg is missing; the report stage runs again/);
    assert.ok(readFileSync(path.join(refDir, 'atypicality.svg')).equals(before[2]));
  });

  test("export reads a whole run's columns", async () => {
    const out = path.join(root, 'export.json');
    const r = await spawnCli(['export', refDir, '--format', 'json', '--out', out]).done;
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(json.columns.slice(-4), ['score_stderr', 'p_value', 'q_value', 'atypicality']);
    assert.equal(json.rows.length, 100);
  });

  test('sslmem retrain on the whole run: top-5 scored vs 5 random (2 seeds) off the non-control pool, probed on the controls', async () => {
    const r = await spawnCli(['retrain', '--run', refDir, '--k', '5', '--seeds', '2', '--in-process', '--ep', 'cpu', '--threads', '1'])
      .done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), path.join(refDir, 'retrain.md'));
    const results = JSON.parse(readFileSync(path.join(refDir, 'retrain.json'), 'utf8'));
    assert.equal(results.mode, 'whole');
    assert.equal(results.poolSize, 90);
    assert.deepEqual(results.kResolved, [5]);
    // No encoder of the run trained on the whole pool: a full-pool retraining is the reference, no "original".
    assert.deepEqual(
      results.rows.map((row: { dir: string; trainingSize: number; epochs: number }) => [row.dir, row.trainingSize, row.epochs]),
      [
        ['retrain/none-k0-s0', 90, 8],
        ['retrain/memorized-k5-s0', 85, 8],
        ['retrain/random-k5-s0', 85, 8],
        ['retrain/random-k5-s1', 85, 8],
      ],
    );
    for (const row of results.rows) assert.ok(row.linearProbeAccuracy >= 0 && row.linearProbeAccuracy <= 1 && row.knnAccuracy >= 0);
    // Probe-test = the 10 controls (every demo image is labeled), probe-train = the 90 scored images.
    assert.equal(results.protocol.probeTestSize, 10);
    assert.equal(results.protocol.probeTrainSize, 90);
    assert.match(results.protocol.probeTest, /control set/);
    const inputs = await readRemovalInputs(refDir);
    const design = JSON.parse(readFileSync(path.join(refDir, 'design.json'), 'utf8'));
    assert.deepEqual(
      Array.from(inputs.probe.test),
      [...design.control].sort((a: number, b: number) => a - b),
    );

    const { rows } = readScoresCsv(path.join(refDir, 'scores.csv'));
    const controls = new Set(rows.filter((row) => row.subset === 'S_E').map((row) => Number(row.index)));
    const removed = (dir: string): number[] => JSON.parse(readFileSync(path.join(refDir, dir, 'removed.json'), 'utf8')).removed;
    const top5 = rows
      .filter((row) => row.subset === 'S_C')
      .sort((a, b) => Number(b.normalised) - Number(a.normalised) || Number(a.index) - Number(b.index))
      .slice(0, 5)
      .map((row) => Number(row.index))
      .sort((a, b) => a - b);
    assert.deepEqual(removed('retrain/memorized-k5-s0'), top5, 'the 5 highest-scoring scored images');
    const [r0, r1] = [removed('retrain/random-k5-s0'), removed('retrain/random-k5-s1')];
    assert.notDeepEqual(r0, r1, 'one draw per seed');
    for (const set of [r0, r1, top5])
      assert.ok(
        set.every((i) => !controls.has(i)),
        `a control was removed: ${set}`,
      );
    assert.deepEqual(removed('retrain/none-k0-s0'), []);

    const md = readFileSync(path.join(refDir, 'retrain.md'), 'utf8');
    assert.match(md, /Whole-dataset run: its training pool \(every image but the control set\) = 90 points/);
    assert.match(md, /k = 5 \(5\.6% of the training pool\), linear probe/);
    // The editor's panel takes these results: the page's guard accepts them as they are posted.
    assert.ok(isHostToRetrain({ type: 'results', title: 'Retrain', results, diff: null }));
    assert.ok(!isHostToRetrain({ type: 'results', title: 'Retrain', results: { ...results, mode: 'paper?' }, diff: null }));

    // A rerun skips every encoder.
    const again = await spawnCli(['retrain', '--run', refDir, '--k', '5', '--seeds', '2', '--in-process', '--ep', 'cpu', '--threads', '1'])
      .done;
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stderr.match(/already done/g) ?? []).length, 4, again.stderr);
  });

  test('SIGINT during train#1, then `sslmem resume`: train#0 skipped, train#1 continues from its checkpoint, same scores.csv', async () => {
    const workspace = path.join(root, 'b');
    const store = path.join(workspace, '.sslmem', 'runs');
    const run = spawnCli(['run', ...RUN, '--workspace', workspace, '--in-process']);
    let sentAt = '';
    const watcher = setInterval(() => {
      const id = existsSync(store) ? readdirSync(store)[0] : undefined;
      if (!id || sentAt || !existsSync(path.join(store, id, 'e1', 'checkpoint.bin'))) return;
      const m = JSON.parse(readFileSync(path.join(store, id, 'manifest.json'), 'utf8'));
      sentAt = `train#1 ${m.stages['train#1'].status} at step ${m.stages['train#1'].progress?.done}`;
      run.child.kill('SIGINT');
    }, 10);
    const cancelled = await run.done;
    clearInterval(watcher);
    assert.ok(sentAt, `the run ended before it could be cancelled: ${cancelled.stderr}`);
    assert.match(cancelled.stderr, /run interrupted; resume with/, `${sentAt}\n${cancelled.stderr}`);
    const runDir = lastLine(cancelled.stdout);
    const left = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    assert.equal(left.status, 'interrupted');
    assert.equal(left.stages['train#0'].status, 'done');
    assert.equal(left.stages['train#1'].status, 'pending');
    assert.ok(left.stages['train#1'].progress.done < 40, `cancelled after training was over: ${JSON.stringify(left.stages['train#1'])}`);
    assert.ok(!existsSync(path.join(runDir, 'scores.csv')));
    // What the live view restores on resume: each encoder's curve so far, from its own train-loss.csv.
    const history = await readRunLossHistory(runDir, left);
    assert.deepEqual(
      history.map((h) => h.stage),
      ['train#0', 'train#1'],
    );
    assert.equal(history[0].points.length, 40, 'train#0 trained all its steps');
    assert.ok(history[1].points.length >= 10 && history[1].points.length < 40, `train#1: ${history[1].points.length} steps`);

    const r = await spawnCli(['resume', runDir, '--data', data, '--in-process', '--ep', 'cpu', '--threads', '1', '--verbose']).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /design: already done/);
    assert.match(r.stderr, /train#0: already done/);
    const from = /resuming from step (\d+) of (\d+)/.exec(r.stderr);
    assert.ok(from, `train#1 did not resume from its checkpoint:\n${r.stderr}`);
    assert.ok(Number(from[1]) >= 10 && Number(from[1]) < Number(from[2]), `resumed at step ${from[1]} of ${from[2]} (${sentAt})`);
    assert.equal(readFileSync(path.join(runDir, 'scores.csv'), 'utf8'), reference);
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8')).status, 'done');
  });

  test('--concurrent 2 --threads 2: the four encoders two at a time, 1 thread each, the same scores.csv', async () => {
    const runArgs = RUN.slice(0, RUN.indexOf('--threads'));
    const r = await spawnCli(['run', ...runArgs, '--threads', '2', '--concurrent', '2', '--workspace', path.join(root, 'conc')]).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /training train#0, train#1, train#2, train#3: 2 at a time, 1 CPU thread each/);
    assert.equal(readFileSync(path.join(lastLine(r.stdout), 'scores.csv'), 'utf8'), reference);
  });

  test('refused before any folder exists: odd --encoders, paper-only and whole-only flags mixed', async () => {
    const workspace = path.join(root, 'c');
    const odd = await spawnCli(['run', ...RUN, '--encoders', '3', '--workspace', workspace, '--in-process']).done;
    assert.notEqual(odd.code, 0);
    assert.match(odd.stderr, /even number from 2 to 16/);
    const mixed = await spawnCli(['run', '--data', data, '--encoders', '4', '--workspace', workspace]).done;
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--encoders, --control and --fdr need --mode whole/);
    const pairs = await spawnCli(['run', '--data', data, '--seed-pairs', '0', '--workspace', workspace]).done;
    assert.equal(pairs.code, 2);
    assert.match(pairs.stderr, /--seed-pairs must be a whole number from 1 to 16, got 0/);
    const wholePairs = await spawnCli(['run', ...RUN, '--seed-pairs', '2', '--workspace', workspace]).done;
    assert.equal(wholePairs.code, 2);
    assert.match(wholePairs.stderr, /--seed-pairs belongs to --mode paper/);
    assert.ok(!existsSync(path.join(workspace, '.sslmem', 'runs')) || readdirSync(path.join(workspace, '.sslmem', 'runs')).length === 0);
  });

  test('paper mode: --seed-pairs 2 trains and scores two (f, g) pairs', async () => {
    const r = await spawnCli([
      'run',
      '--data',
      data,
      '--preset',
      'tiny',
      '--epochs',
      '1',
      '--seed-pairs',
      '2',
      '--ep',
      'cpu',
      '--threads',
      '1',
      '--workspace',
      path.join(root, 'd'),
      '--in-process',
    ]).done;
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(path.join(lastLine(r.stdout), 'manifest.json'), 'utf8'));
    assert.equal(manifest.config.sslmem.seedPairs, 2);
    assert.ok(manifest.stageOrder.includes('train_f#1') && manifest.stageOrder.includes('score_g#1'), manifest.stageOrder.join(' '));
  });
});
