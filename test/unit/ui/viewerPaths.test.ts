// Issue #11, item 2: the viewer (which runs in untrusted workspaces) serves, opens and deletes only inside the
// run stores and the run's dataset folder. Real run folders (bench/synthetic-run.ts), real symlinks.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeSyntheticRun } from '../../../bench/synthetic-run';
import { RunData } from '../../../src/ui/runData';
import { checkDeletableRun, isRunInStore, servableDatasetRoot } from '../../../src/ui/viewerPaths';

const demo = path.join(__dirname, '..', '..', '..', '..', 'demo', 'fashion-mnist');

function workspace(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sslmem-viewer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ws = path.join(dir, 'ws');
  const data = path.join(ws, 'data');
  mkdirSync(path.join(data, 'a'), { recursive: true });
  cpSync(path.join(demo, 'bag'), path.join(data, 'a'), { recursive: true });
  mkdirSync(path.join(dir, 'secret'));
  writeFileSync(path.join(dir, 'secret', 'id_rsa'), 'PRIVATE');
  return { dir, ws, data, store: path.join(ws, '.sslmem', 'runs') };
}

test('RunData.fileOf refuses sample paths that leave the dataset; openableFileOf also refuses symlinks out', async (t) => {
  const { dir, data, store } = workspace(t);
  const runDir = await writeSyntheticRun(store, data, 10, 1);
  const run = await RunData.open(runDir);
  assert.ok(run.fileOf(run.byRank[0])?.startsWith(data + path.sep));
  assert.ok(run.openableFileOf(run.byRank[0]));
  assert.equal(run.fileOf({ path: '../../.ssh/id_rsa' }), undefined);
  assert.equal(run.fileOf({ path: 'a/../../../secret/id_rsa' }), undefined);
  assert.equal(run.fileOf({ path: '/etc/passwd' }), path.join(data, 'etc', 'passwd'), 'a leading / is a relative path below the root');
  symlinkSync(path.join(dir, 'secret', 'id_rsa'), path.join(data, 'a', 'link.png'));
  assert.equal(run.fileOf({ path: 'a/link.png' }), path.join(data, 'a', 'link.png'));
  assert.equal(run.openableFileOf({ path: 'a/link.png' }), undefined, 'a symlink out of the dataset is not opened');
});

test('servableDatasetRoot: untrusted workspaces serve only dataset folders inside a workspace folder', (t) => {
  const { dir, ws, data, store } = workspace(t);
  const untrusted = { trusted: false, workspaceFolders: [ws], runStores: [store] };
  assert.equal(servableDatasetRoot(data, untrusted), data);
  assert.equal(servableDatasetRoot('/etc', untrusted), undefined);
  assert.equal(servableDatasetRoot(path.join(ws, '..', 'secret'), untrusted), undefined);
  symlinkSync(path.join(dir, 'secret'), path.join(ws, 'innocent'));
  assert.equal(servableDatasetRoot(path.join(ws, 'innocent'), untrusted), undefined, 'a symlink out of the workspace');
  assert.equal(servableDatasetRoot('/', { ...untrusted, trusted: true }), undefined, 'never a filesystem root');
  assert.equal(servableDatasetRoot('/srv/datasets/x', { ...untrusted, trusted: true }), '/srv/datasets/x');
});

test('restore / delete: only run folders inside a run store, delete only when trusted', async (t) => {
  const { dir, ws, data, store } = workspace(t);
  const runDir = await writeSyntheticRun(store, data, 10, 1);
  const elsewhere = await writeSyntheticRun(path.join(dir, 'other-store'), data, 10, 1); // has a manifest.json too
  const scope = { trusted: true, workspaceFolders: [ws], runStores: [store] };
  assert.equal(isRunInStore(runDir, scope.runStores), true);
  assert.equal(isRunInStore(store, scope.runStores), false, 'the store itself is not a run');
  assert.equal(isRunInStore(elsewhere, scope.runStores), false);
  assert.equal(isRunInStore(path.join(store, '..', '..', '..', 'secret'), scope.runStores), false);
  assert.doesNotThrow(() => checkDeletableRun(runDir, scope));
  assert.throws(() => checkDeletableRun(runDir, { ...scope, trusted: false }), /needs a trusted workspace/);
  assert.throws(() => checkDeletableRun(elsewhere, scope), /not a run folder inside a run store/);
  symlinkSync(path.dirname(elsewhere), path.join(store, 'sneaky'));
  assert.throws(
    () => checkDeletableRun(path.join(store, 'sneaky', path.basename(elsewhere)), scope),
    /not a run folder inside a run store/,
  );
});
