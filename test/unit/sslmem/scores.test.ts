import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLosses, saveLosses } from '../../../src/engine/sslmem/losses-file';
import { tempDir } from '../data/fixtures';
import { AlignmentAccumulator, alignmentLoss, averageSeedPairs, computeScores } from '../../../src/engine/sslmem/scores';
import { rankDescending } from '../../../src/engine/runs/score-table';

const near = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) < 1e-6, `${what} ${a} vs ${b}`);

describe('alignment loss and scores (hand-computed cases)', () => {
  // K = 2 pairs of 2-D embeddings: A = [(3,4), (1,0)], B = [(0,5), (0,2)].
  const A = Float32Array.from([3, 4, 1, 0]),
    B = Float32Array.from([0, 5, 0, 2]);

  test('without normalisation: distances √10 and √5; s.e. = |√10 − √5| / 2', () => {
    const r = alignmentLoss(A, B, 2, 2, { normalise: false });
    near(r.mean, (Math.sqrt(10) + Math.sqrt(5)) / 2, 'mean');
    near(r.stderr, Math.abs(Math.sqrt(10) - Math.sqrt(5)) / 2, 'stderr');
  });

  test('with L2 normalisation (default): (0.6,0.8) vs (0,1) and (1,0) vs (0,1)', () => {
    const r = alignmentLoss(A, B, 2, 2);
    near(r.mean, (Math.sqrt(0.4) + Math.sqrt(2)) / 2, 'mean');
    near(r.stderr, Math.abs(Math.sqrt(0.4) - Math.sqrt(2)) / 2, 'stderr');
    assert.ok(Number.isNaN(alignmentLoss(A.subarray(0, 2), B.subarray(0, 2), 2, 1).stderr), 'K = 1 has no standard error');
    assert.throws(() => alignmentLoss(A, B, 2, 3), /expected 3×2/);
  });

  test('the streaming accumulator gives the same per-point result from batches in any order', () => {
    const acc = new AlignmentAccumulator(3);
    // Point 2 = the pairs above; point 0 = identical views (loss 0); point 1 has no pairs.
    acc.add([2, 0], Float32Array.from([1, 0, 5, 5]), Float32Array.from([0, 2, 1, 1]), 2);
    acc.add([0, 2], Float32Array.from([2, 0, 3, 4]), Float32Array.from([7, 0, 0, 5]), 2);
    const r = acc.result();
    const single = alignmentLoss(A, B, 2, 2);
    near(r.mean[2], single.mean);
    near(r.stderr[2], single.stderr);
    near(r.mean[0], 0);
    near(r.stderr[0], 0);
    assert.ok(Number.isNaN(r.mean[1]));
    assert.deepEqual(Array.from(r.count), [2, 0, 2]);
  });

  test('raw, symmetric and range normalisations and ranks', () => {
    const s = computeScores({ lf: [1, 2, 0.5, 0], lg: [3, 2, 0.25, 0] });
    assert.deepEqual(Array.from(s.raw), [2, 0, -0.25, 0]);
    assert.deepEqual(Array.from(s.symmetric), [0.5, 0, -1 / 3, 0]);
    assert.deepEqual(Array.from(s.range), [2 / 2.25, 0, -0.25 / 2.25, 0]);
    assert.equal(s.normalised, s.symmetric, 'default normalisation is symmetric');
    assert.deepEqual(Array.from(s.rank), [1, 2, 4, 3]);
    assert.equal(computeScores({ lf: [1, 2], lg: [2, 1] }, 'range').normalised[0], 0.5);
    assert.deepEqual(Array.from(rankDescending([NaN, 1, 2])), [3, 2, 1]);
  });

  test('several (f, g) seed pairs: losses averaged, standard errors combined', () => {
    const avg = averageSeedPairs([
      { lf: [1, 2], lg: [2, 2], lfStderr: [0.3, 0.1], lgStderr: [0, 0] },
      { lf: [3, 4], lg: [4, 2], lfStderr: [0.4, 0.1], lgStderr: [0, 0] },
    ]);
    assert.deepEqual(Array.from(avg.lf), [2, 3]);
    assert.deepEqual(Array.from(avg.lg), [3, 2]);
    near(avg.lfStderr[0], 0.25);
    const scores = computeScores(avg);
    near(scores.symmetric[0], 0.2);
    near(scores.symmetric[1], -0.2);
  });
});

describe('losses file (kept between the score_f and score_g stages)', () => {
  test('round-trips exactly, NaN included; truncated file rejected', async (t) => {
    const dir = tempDir(t);
    const acc = new AlignmentAccumulator(4);
    acc.add([0, 1, 0, 1, 3], Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]), Float32Array.from([2, 1, 4, 3, 6, 5, 8, 7, 1, 9]), 2);
    const losses = acc.result();
    await saveLosses(join(dir, 'f.losses'), losses, { encoder: 'f', K: 2, normalise: true });
    const back = await loadLosses(join(dir, 'f.losses'));
    assert.deepEqual(back.mean, losses.mean);
    assert.deepEqual(back.stderr, losses.stderr);
    assert.deepEqual(back.count, losses.count);
    assert.deepEqual([back.encoder, back.K, back.normalise], ['f', 2, true]);
    writeFileSync(join(dir, 'bad'), readFileSync(join(dir, 'f.losses')).subarray(0, 50));
    await assert.rejects(loadLosses(join(dir, 'bad')), /truncated/);
  });
});
