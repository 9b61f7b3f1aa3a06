// The registry of paths the user chose for runs made on this machine: what it accepts and what it does not.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordChosenPaths, wasChosen } from '../../../src/engine/runs/chosen-paths';
import { trustedManifestPath } from '../../../src/engine/sslmem/manifest-paths';

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'chosen-'));
  const cache = join(root, 'user-cache');
  const run = join(root, 'ws', '.sslmem', 'runs', 'r1');
  const other = join(root, 'ws', '.sslmem', 'runs', 'r2');
  const data = join(root, 'datasets', 'mine');
  for (const d of [run, other, data]) mkdirSync(d, { recursive: true });
  return { root, cache, run, other, data };
}

test('a path chosen for a run is accepted for that run only, through symlinks too', () => {
  const { root, cache, run, other, data } = layout();
  recordChosenPaths(run, [data, null], cache);
  assert.equal(wasChosen(run, data, cache), true);
  assert.equal(wasChosen(other, data, cache), false, 'another run');
  assert.equal(wasChosen(run, join(root, 'datasets'), cache), false, 'another path');
  const link = join(root, 'link-to-mine');
  symlinkSync(data, link);
  assert.equal(wasChosen(run, link, cache), true, 'the same folder through a symlink');
});

test('a damaged registry trusts nothing and is rewritten on the next record', () => {
  const { cache, run, data } = layout();
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'chosen-paths.json'), '{not json');
  assert.equal(wasChosen(run, data, cache), false);
  recordChosenPaths(run, [data], cache);
  assert.equal(wasChosen(run, data, cache), true);
});

test('a manifest path outside the workspace: accepted when chosen here for the run, refused with the confirm hint otherwise', () => {
  const { cache, run, other, data } = layout();
  const previous = process.env.SSLMEM_CACHE_DIR;
  process.env.SSLMEM_CACHE_DIR = cache;
  try {
    recordChosenPaths(run, [data]);
    assert.equal(trustedManifestPath(run, 'dataset', data), data);
    assert.throws(() => trustedManifestPath(other, 'dataset', data), /not trusted to point outside its workspace.*--data/);
    assert.equal(trustedManifestPath(other, 'dataset', data, [data]), data, 'confirmed on the command line');
  } finally {
    if (previous === undefined) delete process.env.SSLMEM_CACHE_DIR;
    else process.env.SSLMEM_CACHE_DIR = previous;
  }
});
