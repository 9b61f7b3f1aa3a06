import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/util/prng';
import { runPython, hasPython } from '../data/fixtures';

test('xoshiro128** matches an independent Python implementation of the reference algorithm', { skip: !hasPython && 'no python' }, () => {
  const oracle = JSON.parse(
    runPython(`
import json
M = 0xffffffff
def splitmix32(seed):
    s = seed & M
    while True:
        s = (s + 0x9e3779b9) & M
        z = s
        z = ((z ^ (z >> 16)) * 0x85ebca6b) & M
        z = ((z ^ (z >> 13)) * 0xc2b2ae35) & M
        yield (z ^ (z >> 16)) & M
rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M
g = splitmix32(42); s = [next(g) for _ in range(4)]
out = []
for _ in range(8):
    out.append((rotl((s[1] * 5) & M, 7) * 9) & M)
    t = (s[1] << 9) & M
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11)
print(json.dumps(out))`),
  );
  const rng = new Rng(42);
  assert.deepEqual(
    Array.from({ length: 8 }, () => rng.nextUint32()),
    oracle,
  );
});

test('same seed, same sequence; different seed, different; nextBelow is in range and roughly uniform', () => {
  const a = new Rng(7),
    b = new Rng(7),
    c = new Rng(8);
  const seqA = Array.from({ length: 20 }, () => a.nextUint32());
  assert.deepEqual(
    Array.from({ length: 20 }, () => b.nextUint32()),
    seqA,
  );
  assert.notDeepEqual(
    Array.from({ length: 20 }, () => c.nextUint32()),
    seqA,
  );
  const counts = new Array(10).fill(0);
  const r = new Rng(1);
  for (let i = 0; i < 20000; i++) counts[r.nextBelow(10)]++;
  for (const k of counts) assert.ok(k > 1800 && k < 2200, `bucket ${k}`);
  assert.throws(() => new Rng(1.5), /integer/);
});
