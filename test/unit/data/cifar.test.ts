import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCifarBatches } from '../../../src/engine/data/cifar';
import { detectSource } from '../../../src/engine/data/source';
import { tempDir } from './fixtures';

function record(labels: number[], seed: number): Buffer {
  const pixels = Buffer.alloc(3072);
  for (let i = 0; i < 3072; i++) pixels[i] = (i * 13 + seed * 101) % 256;
  return Buffer.concat([Buffer.from(labels), pixels]);
}

describe('CIFAR binary reader', () => {
  test('CIFAR-10 batch: labels, planar pixels kept, truncated tail and bad labels skipped', async (t) => {
    const dir = tempDir(t);
    const body = Buffer.concat([record([3], 0), record([9], 1), record([12], 2), record([0], 3), record([5], 4).subarray(0, 1000)]);
    writeFileSync(join(dir, 'data_batch_1.bin'), body);
    writeFileSync(join(dir, 'data_batch_2.bin'), record([7], 5));
    const source = await detectSource(dir);
    assert.deepEqual(source, { kind: 'cifar', files: [join(dir, 'data_batch_1.bin'), join(dir, 'data_batch_2.bin')], variant: 'cifar10' });
    if (source.kind !== 'cifar') return;
    const d = await readCifarBatches(source.files, source.variant, { height: 32, width: 32, channels: 3 });
    assert.equal(d.n, 4);
    assert.deepEqual(Array.from(d.labels!), [3, 9, 0, 7]);
    assert.deepEqual(d.paths, ['data_batch_1.bin#0', 'data_batch_1.bin#1', 'data_batch_1.bin#3', 'data_batch_2.bin#0']);
    assert.equal(d.classNames[3], 'cat');
    assert.deepEqual(Buffer.from(d.images.subarray(3072, 6144)), record([9], 1).subarray(1));
    assert.deepEqual(
      d.skipped.map((s) => s.path),
      ['data_batch_1.bin#2', 'data_batch_1.bin#4'],
    );
    assert.match(d.skipped[0].reason, /label 12 out of range/);
    assert.match(d.skipped[1].reason, /truncated record: 1000 of 3073 bytes/);
  });

  test('CIFAR-100 uses the fine label; greyscale 16×16 config gives one channel', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'train.bin'), Buffer.concat([record([2, 57], 0), record([19, 99], 1)]));
    const source = await detectSource(dir);
    assert.equal(source.kind === 'cifar' && source.variant, 'cifar100');
    const d = await readCifarBatches([join(dir, 'train.bin')], 'cifar100', { height: 16, width: 16, channels: 1 });
    assert.deepEqual(Array.from(d.labels!), [57, 99]);
    assert.equal(d.classNames.length, 100);
    assert.equal(d.images.length, 2 * 256);
    assert.ok(
      d.images.some((v) => v !== d.images[0]),
      'pixels carry the pattern',
    );
  });
});
