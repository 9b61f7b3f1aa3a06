import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from '../../../src/engine/util/atomic';
import { tempDir } from '../data/fixtures';

describe('atomic writes', () => {
  test('concurrent readers only ever see a complete old or complete new file', async (t) => {
    const dir = tempDir(t);
    const target = join(dir, 'big.bin');
    const size = 1 << 20;
    const versions = [0x61, 0x62, 0x63, 0x64].map((b) => Buffer.alloc(size, b));
    await writeFileAtomic(target, versions[0]);
    let writing = true;
    const writer = (async () => {
      for (let round = 0; round < 2; round++) for (const v of versions) await writeFileAtomic(target, v);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await fs.readFile(target);
      reads++;
      assert.equal(seen.length, size, 'never a short (partial) file');
      assert.ok(
        seen.every((b) => b === seen[0]),
        'never a mix of two versions',
      );
    }
    await writer;
    assert.ok(reads > 0);
    assert.deepEqual(readdirSync(dir), ['big.bin'], 'no temp files left behind');
  });

  test('a failed write leaves the old file and no temp file', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'occupied'));
    mkdirSync(join(dir, 'occupied', 'child'));
    await assert.rejects(writeFileAtomic(join(dir, 'occupied'), 'x'));
    assert.throws(() => writeFileAtomicSync(join(dir, 'occupied'), 'x'));
    assert.deepEqual(readdirSync(dir), ['occupied']);
    await writeJsonAtomic(join(dir, 'sub', 'a.json'), { a: 1 });
    writeFileAtomicSync(join(dir, 'sub', 'b.txt'), 'hello');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'sub', 'a.json'), 'utf8')), { a: 1 });
    assert.equal(readFileSync(join(dir, 'sub', 'b.txt'), 'utf8'), 'hello');
    assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['a.json', 'b.txt']);
  });
});
