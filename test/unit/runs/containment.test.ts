// The one containment check every path from data (manifests, scores files, webview state) goes through.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { confinedCacheDir, isInside, joinInside, workspaceOfRun } from '../../../src/engine/runs/containment';

function tree(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sslmem-contain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'ws', 'data', 'cls'), { recursive: true });
  mkdirSync(path.join(dir, 'outside'));
  writeFileSync(path.join(dir, 'outside', 'secret'), 'x');
  return dir;
}

test('isInside: the folder itself and below; `..` and absolute escapes are outside', (t) => {
  const dir = tree(t);
  const ws = path.join(dir, 'ws');
  assert.equal(isInside(ws, ws), true);
  assert.equal(isInside(path.join(ws, 'data', 'cls'), ws), true);
  assert.equal(isInside(path.join(ws, 'data', 'not-yet', 'x'), ws), true, 'a path that does not exist yet');
  assert.equal(isInside(path.join(ws, 'data', '..', '..', 'outside'), ws), false);
  assert.equal(isInside('/etc', ws), false);
  assert.equal(isInside(`${ws}-sibling`, ws), false, 'a name prefix is not containment');
});

test('isInside resolves symlinks: a link inside pointing out is outside, a link to the root is inside', (t) => {
  const dir = tree(t);
  const ws = path.join(dir, 'ws');
  symlinkSync(path.join(dir, 'outside'), path.join(ws, 'data', 'escape'));
  assert.equal(isInside(path.join(ws, 'data', 'escape', 'secret'), ws), false);
  assert.equal(isInside(path.join(ws, 'data', 'escape', 'new-file'), ws), false, 'not-yet-existing file below an escaping link');
  symlinkSync(ws, path.join(dir, 'ws-link'));
  assert.equal(isInside(path.join(dir, 'ws-link', 'data'), ws), true);
  assert.equal(isInside(path.join(ws, 'data'), path.join(dir, 'ws-link')), true);
});

test('joinInside: relative paths from data stay below the root (lexically)', () => {
  assert.equal(joinInside('/d', 'a/b.png'), path.resolve('/d/a/b.png'));
  assert.equal(joinInside('/d', '../../.ssh/id_rsa'), undefined);
  assert.equal(joinInside('/d', 'a/../../x'), undefined);
  assert.equal(joinInside('/d', '/etc/passwd'), undefined);
  assert.equal(joinInside('/d', ''), undefined);
  assert.equal(joinInside('/d', 'a\0b'), undefined);
});

test('workspaceOfRun and confinedCacheDir: the cache stays in <ws>/.sslmem', () => {
  assert.equal(workspaceOfRun('/w/.sslmem/runs/r1'), '/w');
  assert.equal(workspaceOfRun('/w/runs/r1'), '/w');
  assert.deepEqual(confinedCacheDir('/w/.sslmem/runs/r1', '/w/.sslmem/cache'), { dir: '/w/.sslmem/cache', ignored: null });
  assert.deepEqual(confinedCacheDir('/w/.sslmem/runs/r1', '/elsewhere/x'), { dir: '/w/.sslmem/cache', ignored: '/elsewhere/x' });
  assert.deepEqual(confinedCacheDir('/w/.sslmem/runs/r1', '/w/.sslmem/../../x'), {
    dir: '/w/.sslmem/cache',
    ignored: '/w/.sslmem/../../x',
  });
  assert.deepEqual(confinedCacheDir('/w/.sslmem/runs/r1', null), { dir: '/w/.sslmem/cache', ignored: null });
});
