// Memorization over training on a tiny real run (100 images, 2 epochs = 4 steps, `--snapshots 2`): the
// training saves f and g at steps 2 and 4 plus their loss histories; `sslmem history` scores the fixed sample
// at both, and the snapshot at the final step reproduces the run's own score (same weights, same views, same
// scoring code). A cancelled analysis writes nothing; a run without snapshots is refused with what to do.
import { describe, test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { computeOverTraining, type OverTrainingFile } from '../../../src/engine/layers';
import { snapshotSteps } from '../../../src/engine/sslmem/snapshots';
import { readLossArray, writeLossHistory } from '../../../src/engine/runs/loss-history';
import { cli, demoSubset, lastLine } from '../pipeline/helpers';

const root = mkdtempSync(path.join(tmpdir(), 'sslmem-history-'));
let runDir = '';
const common = ['--in-process', '--ep', 'cpu', '--threads', '1'];
const readJson = <T>(f: string) => JSON.parse(readFileSync(f, 'utf8')) as T;

describe('snapshot steps and loss histories', () => {
  test('N evenly spaced steps ending at the last one; duplicates dropped', () => {
    assert.deepEqual(snapshotSteps(750, 10), [75, 150, 225, 300, 375, 450, 525, 600, 675, 750]);
    assert.deepEqual(snapshotSteps(4, 2), [2, 4]);
    assert.deepEqual(snapshotSteps(2, 5), [1, 2]);
    assert.deepEqual(snapshotSteps(100, 0), []);
  });
  test('a history read back up to a checkpoint drops the later steps (a resume retrains them)', async () => {
    const file = path.join(root, 'loss.csv');
    await writeLossHistory(file, Float32Array.of(4, 3.5, 3, NaN, 2), 5);
    const all = await readLossArray(file, 6);
    assert.deepEqual(Array.from(all.slice(0, 3)), [4, 3.5, 3]);
    assert.ok(Number.isNaN(all[3]) && Number.isNaN(all[5]));
    assert.equal(all[4], 2);
    const upTo = await readLossArray(file, 6, 2);
    assert.deepEqual(Array.from(upTo.slice(0, 2)), [4, 3.5]);
    assert.ok(Number.isNaN(upTo[2]));
  });
});

describe('sslmem history on a tiny run with snapshots', () => {
  before(async () => {
    const data = demoSubset(path.join(root, 'data'), 10);
    const r = await cli(['run', '--data', data, '--preset', 'tiny', '--snapshots', '2', '--workspace', root, ...common]);
    assert.equal(r.code, 0, r.stderr);
    runDir = lastLine(r.stdout);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('training saved f and g at the same steps, and their loss histories', () => {
    for (const who of ['f', 'g']) {
      for (const step of ['000002', '000004'])
        assert.ok(existsSync(path.join(runDir, who, 'snapshots', `step-${step}.bin`)), `${who} step ${step}`);
      const lines = readFileSync(path.join(runDir, who, 'train-loss.csv'), 'utf8')
        .trim()
        .split('\n');
      assert.deepEqual(
        lines.slice(1).map((l) => Number(l.split(',')[0])),
        [1, 2, 3, 4],
      );
    }
  });

  test('over-training.json: one row per snapshot step, finite numbers, the final snapshot = the run score', async () => {
    const r = await cli(['history', runDir, ...common]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), path.join(runDir, 'over-training.json'));
    const o = readJson<OverTrainingFile>(path.join(runDir, 'over-training.json'));
    const subsets = readJson<{ subsetSizes: Record<string, number> }>(path.join(runDir, 'manifest.json')).subsetSizes;
    assert.equal(o.totalSteps, 4);
    assert.deepEqual(
      o.rows.map((x) => x.step),
      [2, 4],
    );
    const nC = o.sample.subset.filter((s) => s === 'S_C').length;
    assert.equal(nC, subsets.S_C);
    assert.equal(o.sample.index.length, nC + Math.min(nC, subsets.S_S));
    const fLoss = readFileSync(path.join(runDir, 'f', 'train-loss.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]));
    assert.ok(Math.abs(o.rows[0].lossF! - (fLoss[0] + fLoss[1]) / 2) < 1e-6, 'loss = mean over the steps since the previous snapshot');
    assert.ok(Math.abs(o.rows[1].lossF! - (fLoss[2] + fLoss[3]) / 2) < 1e-6);
    for (const row of o.rows) {
      for (const x of [row.lossF, row.lossG, row.scoreSC.mean, row.scoreSS.mean])
        assert.ok(x !== null && Number.isFinite(x), JSON.stringify(row.scoreSC));
      for (const a of [row.knnF, row.knnG]) assert.ok(a !== null && a >= 0 && a <= 1, `kNN accuracy ${a}`);
      assert.equal(row.score.length, o.sample.index.length);
      assert.ok(row.score.every((s) => s !== null && s >= -1 && s <= 1));
    }
    assert.notDeepEqual(o.rows[0].score, o.rows[1].score, 'the two snapshots are different encoders');
    const last = o.rows[o.rows.length - 1];
    assert.equal(o.sample.normalisation, 'symmetric');
    last.score.forEach((s, i) =>
      assert.ok(Math.abs(s! - o.sample.runScore[i]!) < 1e-5, `point ${o.sample.index[i]}: ${s} vs ${o.sample.runScore[i]}`),
    );
    assert.match(readFileSync(path.join(runDir, 'report.md'), 'utf8'), /## Memorization over training/);
  });

  test('cancelled: nothing written; no snapshots: refused with how to get them', async () => {
    rmSync(path.join(runDir, 'over-training.json'));
    const abort = new AbortController();
    abort.abort();
    const r = await computeOverTraining({ runDir }, { provider: 'cpu', threads: 1 }, { signal: abort.signal });
    assert.deepEqual([r.status, r.file], ['cancelled', null]);
    assert.equal(existsSync(path.join(runDir, 'over-training.json')), false);
    renameSync(path.join(runDir, 'g', 'snapshots'), path.join(runDir, 'g', 'moved'));
    await assert.rejects(computeOverTraining({ runDir }, { provider: 'cpu', threads: 1 }), /no training snapshots.*--snapshots/);
    renameSync(path.join(runDir, 'g', 'moved'), path.join(runDir, 'g', 'snapshots'));
  });
});
