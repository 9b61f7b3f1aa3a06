// Issue #11, item 12: names that cannot be read as files are skipped with a reason, never dropped silently.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadDataset } from '../../../src/engine/data';
import { unreadableNames } from '../../helpers/hostile-corpus';
import { demoSubset, tempDir } from '../pipeline/helpers';

test('invalid UTF-8 names, symlink loops and dangling links are listed as skipped with their reason', async (t) => {
  const dir = tempDir(t);
  const data = demoSubset(path.join(dir, 'data'), 1);
  const made = unreadableNames(path.join(data, 'bag'));
  const loaded = await loadDataset(data, { height: 28, width: 28, channels: 1 });
  assert.equal(loaded.dataset.n, 10);
  const reasons = new Map(loaded.dataset.skipped.map((s) => [s.path, s.reason]));
  assert.match(reasons.get(`bag/${made.invalidUtf8}`) ?? '', /not valid UTF-8/);
  for (const l of made.loop) assert.match(reasons.get(`bag/${l}`) ?? '', /symbolic link loop/);
  assert.match(reasons.get(`bag/${made.dangling}`) ?? '', /dangling symbolic link/);
  assert.equal(loaded.dataset.skipped.length, 4);
});
