// A moved, copied or cloned project (issue 17 item 1): runs record their dataset relative to the workspace,
// old runs (absolute only) are found by their sample files, and a relative path never leaves the workspace.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { datasetRelative, existingDatasetPath } from '../../../src/engine/runs/dataset-path';
import { findDatasetCandidates, locateDataset, setRelink } from '../../../src/ui/datasetLocation';
import { RunData } from '../../../src/ui/runData';
import { listRuns } from '../../../src/ui/runIndex';

const demo = join(__dirname, '..', '..', '..', '..', 'demo', 'fashion-mnist');

describe('dataset location of a moved project', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sslmem-move-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('datasetRelative: inside the workspace of the run store only', () => {
    const ws = join(tmp, 'ws');
    assert.equal(datasetRelative(join(ws, '.sslmem', 'runs'), join(ws, 'data', 'fm')), 'data/fm');
    assert.equal(datasetRelative(join(ws, '.sslmem', 'runs'), join(tmp, 'elsewhere')), undefined);
    assert.equal(datasetRelative(join(ws, '.sslmem', 'runs'), ws), undefined);
  });

  test('a relative path is followed inside the workspace and never out of it', () => {
    const ws = join(tmp, 'rel-ws');
    const runDir = join(ws, '.sslmem', 'runs', 'r1');
    mkdirSync(join(ws, 'data', 'fm'), { recursive: true });
    mkdirSync(runDir, { recursive: true });
    assert.deepEqual(existingDatasetPath(runDir, { path: '/gone/fm', relative: 'data/fm' }), {
      path: join(ws, 'data', 'fm'),
      by: 'relative',
    });
    assert.equal(existingDatasetPath(runDir, { path: '/gone/fm', relative: '../../etc' }), undefined);
    assert.equal(existingDatasetPath(runDir, { path: '/gone/fm', relative: '/etc' }), undefined);
    assert.equal(locateDataset(runDir, { path: '/gone/fm' }).state, 'missing');
  });

  test('an old run (absolute path only) copied with its dataset: missing, found by its files, relinked', async () => {
    // The original project, with the dataset inside it.
    const orig = join(tmp, 'orig');
    cpSync(demo, join(orig, 'images', 'fashion-mnist'), { recursive: true });
    const runDir = await writeSyntheticRun(join(orig, '.sslmem', 'runs'), join(orig, 'images', 'fashion-mnist'), 60, 3);
    // Copied elsewhere (the copy's files have new mtimes, so the fingerprint would differ); the original goes away.
    const copy = join(tmp, 'copy');
    cpSync(orig, copy, { recursive: true });
    rmSync(orig, { recursive: true, force: true });
    const copiedRun = join(copy, '.sslmem', 'runs', runDir.split(/[\\/]/).pop()!);
    const data = await RunData.open(copiedRun);
    assert.equal(data.location.state, 'missing');
    assert.equal((await listRuns([join(copy, '.sslmem', 'runs')]))[0].datasetMissing, true);
    const found = await findDatasetCandidates(data.location.recorded, { roots: [copy], samplePaths: data.byRank.map((r) => r.path) });
    assert.deepEqual(found, [join(copy, 'images', 'fashion-mnist')]);
    // A folder of the same name without the run's images is not offered.
    mkdirSync(join(copy, 'other', 'fashion-mnist'), { recursive: true });
    assert.equal(
      (await findDatasetCandidates(data.location.recorded, { roots: [copy], samplePaths: data.byRank.map((r) => r.path) })).length,
      1,
    );
    setRelink(copiedRun, found[0]);
    assert.equal(data.relocate().state, 'relinked');
    assert.equal(data.datasetRoot, found[0]);
    assert.ok(data.fileOf(data.byRank[0])!.startsWith(found[0]));
    setRelink(copiedRun, undefined);
  });

  test('a new run (relative path recorded) finds its dataset after the project moved, with no relink', async () => {
    const orig = join(tmp, 'orig2');
    cpSync(demo, join(orig, 'fm'), { recursive: true });
    const runDir = await writeSyntheticRun(join(orig, '.sslmem', 'runs'), join(orig, 'fm'), 40, 4);
    const manifestFile = join(runDir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    m.dataset.relative = datasetRelative(join(orig, '.sslmem', 'runs'), join(orig, 'fm'));
    writeFileSync(manifestFile, JSON.stringify(m));
    const moved = join(tmp, 'moved2');
    cpSync(orig, moved, { recursive: true });
    rmSync(orig, { recursive: true, force: true });
    const movedRun = join(moved, '.sslmem', 'runs', runDir.split(/[\\/]/).pop()!);
    const data = await RunData.open(movedRun);
    assert.equal(data.location.state, 'relative');
    assert.equal(data.datasetRoot, join(moved, 'fm'));
    assert.equal((await listRuns([join(moved, '.sslmem', 'runs')]))[0].dataset, join(moved, 'fm'));
  });
});
