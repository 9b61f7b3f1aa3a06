import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from '../../../src/engine/data/pool';

test('mapBounded keeps at most `limit` jobs in flight and returns results in input order', async () => {
  let inFlight = 0,
    peak = 0;
  const progress: number[] = [];
  const out = await mapBounded(
    [5, 1, 4, 2, 3, 1, 2],
    2,
    async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight--;
      return i * 10;
    },
    (done) => progress.push(done),
  );
  assert.equal(peak, 2);
  assert.deepEqual(out, [0, 10, 20, 30, 40, 50, 60]);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7]);
});
