import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoint, decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../../src/engine/artifacts/checkpoint';
import { initSpecs } from '../../../src/engine/artifacts/init';

function sample(): Checkpoint {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  tensors.set('param/conv1.weight', { shape: [2, 1, 3, 3], data: Float32Array.from({ length: 18 }, (_, i) => Math.sin(i) * 1e-3) });
  tensors.set('opt/m/conv1.weight', { shape: [2, 1, 3, 3], data: new Float32Array(18).fill(-0) });
  tensors.set('buffer/bn.running_var', { shape: [3], data: Float32Array.of(1, Number.MIN_VALUE, 3.4e38) });
  tensors.set('scalar', { shape: [], data: Float32Array.of(7) });
  return { step: 42, seed: 7, tensors, meta: { model: 'x', lr: 0.1 } };
}

describe('checkpoint file', () => {
  test('round-trips every tensor bit for bit, with step, seed and meta', () => {
    const ck = sample();
    const back = decodeCheckpoint(encodeCheckpoint(ck));
    assert.equal(back.step, 42);
    assert.equal(back.seed, 7);
    assert.deepEqual(back.meta, { model: 'x', lr: 0.1 });
    assert.deepEqual([...back.tensors.keys()], [...ck.tensors.keys()]);
    for (const [name, t] of ck.tensors) {
      const b = back.tensors.get(name)!;
      assert.deepEqual(b.shape, t.shape);
      assert.deepEqual(new Uint8Array(b.data.buffer), new Uint8Array(t.data.buffer), name);
    }
  });

  test('data blobs are 16-byte aligned and the header is readable JSON', () => {
    const bytes = encodeCheckpoint(sample());
    assert.equal(Buffer.from(bytes.subarray(0, 8)).toString('latin1'), 'SSLMCKP1');
    const len = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + len)).toString('utf8'));
    assert.equal(header.format, 'sslmem-checkpoint');
    for (const t of header.tensors) assert.equal(t.offset % 16, 0);
  });

  test('rejects bad magic and truncated files with a message', () => {
    const bytes = encodeCheckpoint(sample());
    const bad = bytes.slice();
    bad[0] = 0x41;
    assert.throws(() => decodeCheckpoint(bad, 'x.bin'), /x\.bin: not an SSLMem checkpoint/);
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8)), /truncated or corrupt/);
  });

  test('writes atomically: no temp files left, and a rewrite replaces the file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const path = join(dir, 'checkpoint.bin');
    await writeCheckpoint(path, sample());
    const second = { ...sample(), step: 43 };
    await writeCheckpoint(path, second);
    assert.deepEqual(readdirSync(dir), ['checkpoint.bin']);
    assert.equal((await readCheckpoint(path)).step, 43);
    writeFileSync(path, readFileSync(path).subarray(0, 20));
    await assert.rejects(readCheckpoint(path), /truncated/);
  });
});

describe('initial values', () => {
  test('are reproducible per (seed, name), independent of spec order, and follow the Init kind', () => {
    const specs = [
      { name: 'a', shape: [1000], init: { kind: 'uniform' as const, bound: 0.5 } },
      { name: 'b', shape: [4000], init: { kind: 'normal' as const, std: 2 } },
      { name: 'c', shape: [3], init: { kind: 'ones' as const } },
    ];
    const x = initSpecs(specs, 1);
    const y = initSpecs([...specs].reverse(), 1);
    const z = initSpecs(specs, 2);
    assert.deepEqual(x.get('a'), y.get('a'));
    assert.notDeepEqual(x.get('a'), z.get('a'));
    const a = x.get('a')!;
    assert.ok(a.every((v) => v >= -0.5 && v < 0.5));
    assert.ok(Math.max(...a) > 0.45 && Math.min(...a) < -0.45, 'uniform spans its bound');
    const b = x.get('b')!;
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    const std = Math.sqrt(b.reduce((s, v) => s + (v - mean) ** 2, 0) / b.length);
    assert.ok(Math.abs(mean) < 0.1 && Math.abs(std - 2) < 0.1, `normal(0, 2): mean ${mean}, std ${std}`);
    assert.deepEqual([...x.get('c')!], [1, 1, 1]);
  });
});
