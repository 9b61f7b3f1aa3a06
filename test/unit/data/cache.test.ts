import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../../src/engine/data/load';
import { encode, pattern, tempDir } from './fixtures';

async function makeFolder(root: string): Promise<void> {
  for (const c of ['a', 'b']) {
    mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < 3; i++)
      writeFileSync(join(root, c, `${i}.png`), await encode(pattern(12, 12, 3, i + (c === 'b' ? 5 : 0)), 12, 12, 3, 'png'));
  }
  writeFileSync(join(root, 'b', 'broken.png'), 'not a png');
}

describe('decode cache', () => {
  test('first load decodes and writes the cache; the second is served from it, byte-identical', async (t) => {
    const root = tempDir(t),
      cacheDir = tempDir(t);
    await makeFolder(root);
    const config = { height: 8, width: 8, channels: 3 as const };
    const first = await loadDataset(root, config, { cacheDir });
    assert.equal(first.cache, 'miss');
    assert.deepEqual(readdirSync(cacheDir), [`${first.fingerprint}.dataset`], 'one cache file, no temp left');
    const second = await loadDataset(root, config, { cacheDir });
    assert.equal(second.cache, 'hit');
    assert.equal(second.fingerprint, first.fingerprint);
    for (const key of ['images', 'labels', 'paths', 'classNames', 'skipped', 'n', 'channels', 'height', 'width', 'root'] as const) {
      assert.deepEqual(second.dataset[key], first.dataset[key], key);
    }
    assert.equal(first.dataset.skipped.length, 1, 'skipped files are cached too');

    // Prove the bytes come from the cache file: alter the last pixel in it and see the change.
    const file = first.cacheFile!;
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const third = await loadDataset(root, config, { cacheDir });
    assert.equal(third.cache, 'hit');
    assert.equal(third.dataset.images.at(-1), first.dataset.images.at(-1)! ^ 0xff);
  });

  test('fingerprint changes with the decode config and with a file change; damaged cache is a miss', async (t) => {
    const root = tempDir(t),
      cacheDir = tempDir(t);
    await makeFolder(root);
    const a = await loadDataset(root, { height: 8, width: 8, channels: 3 }, { cacheDir });
    const b = await loadDataset(root, { height: 8, width: 8, channels: 1 }, { cacheDir });
    assert.notEqual(a.fingerprint, b.fingerprint);
    utimesSync(join(root, 'a', '0.png'), new Date(), new Date(Date.now() - 3600e3));
    const c = await loadDataset(root, { height: 8, width: 8, channels: 3 }, { cacheDir });
    assert.notEqual(c.fingerprint, a.fingerprint);
    assert.equal(c.cache, 'miss');
    writeFileSync(c.cacheFile!, readFileSync(c.cacheFile!).subarray(0, 100)); // truncated cache file
    const d = await loadDataset(root, { height: 8, width: 8, channels: 3 }, { cacheDir });
    assert.equal(d.cache, 'miss');
    assert.deepEqual(d.dataset.images, c.dataset.images);
    const none = await loadDataset(root, { height: 8, width: 8, channels: 3 });
    assert.equal(none.cache, 'disabled');
  });
});
