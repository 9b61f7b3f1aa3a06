// The whole experiment on real data: a real tiny SSLMem run (startRun) on 200 demo Fashion-MNIST images,
// then retrain after removal with k = [10] and 2 random seeds, then a rerun that must skip everything.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun } from '../../../src/engine/sslmem/pipeline';
import { runRemovalExperiment, type RetrainEvent } from '../../../src/engine/sslmem/removal/experiment';
import { trainingIndices } from '../../../src/engine/sslmem/split';
import { loadSplit } from '../../../src/engine/sslmem/split-load';
import { randomRemoval } from '../../../src/engine/sslmem/removal/plan';
import { loadDataset } from '../../../src/engine/data';
import type { RetrainResults } from '../../../src/engine/sslmem/removal/types';
import { cli, lastLine, spawnCli } from '../pipeline/helpers';

import { basename, dirname } from 'node:path';

/** The shipped demo folder, found upwards from this bundle (dist/test/unit/removal/ in the normal build). */
function findDemo(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'demo/fashion-mnist'))) return join(dir, 'demo/fashion-mnist');
  throw new Error('demo/fashion-mnist not found above ' + __dirname);
}
const DEMO = findDemo();
const root = mkdtempSync(join(tmpdir(), 'sslmem-removal-'));
let runDir = '';
let results: RetrainResults;

function copyDemoSubset(perClass: number): string {
  const data = join(root, 'data');
  for (const cls of readdirSync(DEMO)) {
    mkdirSync(join(data, cls), { recursive: true });
    for (const f of readdirSync(join(DEMO, cls)).sort().slice(0, perClass)) cpSync(join(DEMO, cls, f), join(data, cls, f));
  }
  return data;
}

/** scores.csv read independently of the engine: index -> normalised score. */
function csvScores(file: string): Map<number, number> {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const at = (name: string) => cols.indexOf(name);
  const out = new Map<number, number>();
  for (const line of lines) {
    // Paths in the demo have no commas; the numeric columns sit after them.
    const cells = line.split(',');
    out.set(Number(cells[at('index')]), Number(cells[at('normalised')]));
  }
  return out;
}

describe('retrain after removal on a real tiny run', () => {
  before(async () => {
    const data = copyDemoSubset(20);
    const outcome = await startRun(
      { data, preset: 'tiny', storeDir: join(root, 'runs'), cacheDir: join(root, 'cache'), seed: 3 },
      { provider: 'cpu', threads: 1 },
    );
    assert.equal(outcome.status, 'done');
    runDir = outcome.runDir;
    // First attempt cancelled in the middle of the first retraining; the second continues from its checkpoint.
    const abort = new AbortController();
    const first = await runRemovalExperiment(
      { runDir, k: [10], seeds: 2 },
      { provider: 'cpu', threads: 1 },
      {
        signal: abort.signal,
        onEvent: (e) => {
          if (e.kind === 'train' && e.step === 3) abort.abort();
        },
      },
    );
    assert.equal(first.status, 'cancelled');
    assert.ok(existsSync(join(runDir, 'retrain', 'memorized-k10-s0', 'checkpoint.bin')));
    assert.ok(!existsSync(join(runDir, 'retrain', 'memorized-k10-s0', 'result.json')));
    assert.ok(!existsSync(join(runDir, 'retrain.json')));
    const steps: number[] = [];
    const retrain = await runRemovalExperiment(
      { runDir, k: [10], seeds: 2 },
      { provider: 'cpu', threads: 1 },
      {
        onEvent: (e) => {
          if (e.kind === 'train' && e.name === 'memorized-k10-s0') steps.push(e.step);
        },
      },
    );
    assert.equal(retrain.status, 'done');
    assert.equal(steps[0], 4, 'resumed after the 3 steps of the cancelled attempt');
    results = JSON.parse(readFileSync(retrain.resultsFile!, 'utf8'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('retrain.json: the original and every retrained encoder, accuracies in [0, 1], sizes as removed', () => {
    assert.deepEqual(
      results.rows.map((r) => `${r.removal}-${r.k}-${r.seed}`),
      ['none-0-0', 'memorized-10-0', 'random-10-0', 'random-10-1'],
    );
    for (const r of results.rows) {
      for (const a of [r.linearProbeAccuracy, r.knnAccuracy]) assert.ok(a >= 0 && a <= 1, `${r.dir}: ${a}`);
      assert.equal(r.trainingSize, results.poolSize - r.k);
    }
    assert.equal(results.rows[0].encoder, 'original');
    assert.equal(results.protocol.probeTestSize > 0 && results.protocol.probeTrainSize > 0, true);
    // First the run's own signal (from report.json), then one line per k and metric.
    assert.match(results.conclusion[0], /run's own memorization signal: mean score of S_C − S_S = /);
    assert.ok(results.runSignal && results.runSignal.p >= 0 && results.runSignal.p <= 1);
    assert.equal(results.conclusion.filter((l) => /^k = 10 .*(linear probe|kNN): memorized removal/.test(l)).length, 2);
    const md = readFileSync(join(runDir, 'retrain.md'), 'utf8');
    assert.match(md, /## Verdict/);
    assert.match(md, /memorized/);
  });

  test("removed sets: inside f's training data, disjoint from what was kept; memorized = top-10 by the run's score", async () => {
    const config = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')).config;
    const dataset = (await loadDataset(config.data, config.sslmem.decode, { cacheDir: config.cacheDir })).dataset;
    const split = await loadSplit(join(runDir, 'split.json'), dataset);
    const pool = trainingIndices(split, 'f');
    assert.equal(pool.length, results.poolSize);
    const removedOf = (name: string) =>
      (JSON.parse(readFileSync(join(runDir, 'retrain', name, 'removed.json'), 'utf8')) as { removed: number[] }).removed;
    const scores = csvScores(join(runDir, 'scores.csv'));
    const expectedTop = Array.from(pool)
      .sort((a, b) => scores.get(b)! - scores.get(a)! || a - b)
      .slice(0, 10)
      .sort((a, b) => a - b);
    assert.deepEqual(removedOf('memorized-k10-s0'), expectedTop);
    const poolSet = new Set(pool);
    for (const name of ['memorized-k10-s0', 'random-k10-s0', 'random-k10-s1']) {
      const removed = removedOf(name);
      assert.equal(new Set(removed).size, 10);
      assert.ok(
        removed.every((i) => poolSet.has(i)),
        `${name} removes only points f trained on`,
      );
      const kept = Array.from(pool).filter((i) => !removed.includes(i));
      assert.equal(kept.length + removed.length, pool.length);
      assert.ok(existsSync(join(runDir, 'retrain', name, 'checkpoint.bin')));
    }
    assert.notDeepEqual(removedOf('random-k10-s0'), removedOf('random-k10-s1'));
    assert.deepEqual(removedOf('random-k10-s1'), Array.from(randomRemoval(pool, 10, 1)));
  });

  test('rerun: every encoder is skipped and the rows are unchanged', async () => {
    const events: RetrainEvent[] = [];
    const again = await runRemovalExperiment(
      { runDir, k: [10], seeds: 2 },
      { provider: 'cpu', threads: 1 },
      { onEvent: (e) => events.push(e) },
    );
    assert.equal(again.status, 'done');
    const statuses = events.filter((e) => e.kind === 'encoder').map((e) => (e as { status: string }).status);
    assert.deepEqual(statuses, ['skip', 'skip', 'skip', 'skip']);
    assert.ok(!events.some((e) => e.kind === 'train'));
    const rerun: RetrainResults = JSON.parse(readFileSync(again.resultsFile!, 'utf8'));
    assert.deepEqual(rerun.rows, results.rows);
  });

  test('CLI: sslmem retrain reuses the trained encoders and prints retrain.md last', async () => {
    const r = await cli(['retrain', '--run', runDir, '--k', '10', '--seeds', '2', '--in-process', '--ep', 'cpu', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), join(runDir, 'retrain.md'));
    assert.ok(!/ step \d+\/\d+ loss/.test(r.stderr), 'no training: every encoder was finished');
  });

  test('CLI --transfer: the same encoders probed on a second labeled folder (seeded 80/20), own accuracies unchanged', async () => {
    // The second folder: other demo images (files 20..29 of each class), never seen by any encoder of the run.
    const transfer = join(root, 'transfer');
    for (const cls of readdirSync(DEMO)) {
      mkdirSync(join(transfer, cls), { recursive: true });
      for (const f of readdirSync(join(DEMO, cls)).sort().slice(20, 30)) cpSync(join(DEMO, cls, f), join(transfer, cls, f));
    }
    const r = await cli([
      'retrain',
      '--run',
      runDir,
      '--k',
      '10',
      '--seeds',
      '2',
      '--transfer',
      transfer,
      '--in-process',
      '--ep',
      'cpu',
      '--threads',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!/ step \d+\/\d+ loss/.test(r.stderr), 'probing only: no encoder is retrained');
    const withTransfer: RetrainResults = JSON.parse(readFileSync(join(runDir, 'retrain.json'), 'utf8'));
    assert.deepEqual(withTransfer.protocol.transfer, { data: transfer, trainSize: 80, testSize: 20 });
    for (const [i, row] of withTransfer.rows.entries()) {
      for (const a of [row.transferLinearProbeAccuracy, row.transferKnnAccuracy])
        assert.ok(a !== undefined && a >= 0 && a <= 1, `${row.dir}: ${a}`);
      // 20 test points: every accuracy is a multiple of 1/20.
      assert.equal(Math.round(row.transferKnnAccuracy! * 20) / 20, row.transferKnnAccuracy);
      assert.equal(row.knnAccuracy, results.rows[i].knnAccuracy, "the run's own probe set gives the same kNN accuracy");
    }
    assert.match(readFileSync(join(runDir, 'retrain.md'), 'utf8'), /transfer linear \| transfer kNN/);
  });

  test('CLI --concurrent 2 on a copy of the run: retrainings two at a time, the same rows as one at a time', async () => {
    const copy = join(root, 'copy', 'runs', basename(runDir));
    // The run without any experiment: every encoder retrains (the one-at-a-time rows above are the reference).
    cpSync(runDir, copy, { recursive: true, filter: (src) => !/[/\\]retrain(\.json|\.md)?$/.test(src) });
    const r = await spawnCli([
      'retrain',
      '--run',
      copy,
      '--k',
      '10',
      '--seeds',
      '2',
      '--ep',
      'cpu',
      '--threads',
      '2',
      '--concurrent',
      '2',
      '--verbose',
    ]).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /training memorized-k10-s0, random-k10-s0, random-k10-s1: 2 at a time, 1 CPU thread each/);
    const rows: RetrainResults['rows'] = JSON.parse(readFileSync(join(copy, 'retrain.json'), 'utf8')).rows;
    const untimed = (row: RetrainResults['rows'][number]) => ({ ...row, trainSeconds: 0, evalSeconds: 0 });
    assert.deepEqual(rows.map(untimed), results.rows.map(untimed));
  });

  test('CLI rejects a bad k list', async () => {
    const bad = await cli(['retrain', '--run', runDir, '--k', '1.5', '--in-process']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--k must be/);
  });
});
