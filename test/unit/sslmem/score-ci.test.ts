// Per-image confidence intervals (issue 15 item 2): the s.e. of a score averaged over several (f, g) seed pairs
// comes from the pairs' spread alone; one pair keeps the view-level s.e. Every
// expected number below is worked out by hand in the comments.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Z_95, confidenceInterval, pairScoreStderr, viewScoreStderr } from '../../../src/engine/runs/score-stderr';
import { averageSeedPairs, computeScores, scoreStderrOverPairs } from '../../../src/engine/sslmem/scores';
import { scoreStderr } from '../../../src/ui/ranking';

const close = (a: number, b: number, tol = 1e-12, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('pairScoreStderr: sample s.d. of the pair scores / √P; nothing else added', () => {
  // Pair scores 0.5 and 0: mean 0.25, sample s.d. = 0.5/√2, s.e. = s.d./√2 = 0.25.
  close(pairScoreStderr([0.5, 0]), 0.25);
  // Three pairs 0.1, 0.2, 0.6: mean 0.3, Σ(d²) = 0.04 + 0.01 + 0.09 = 0.14, s.d.² = 0.07, s.e. = √(0.07/3).
  close(pairScoreStderr([0.1, 0.2, 0.6]), Math.sqrt(0.07 / 3));
  close(pairScoreStderr([0.2, 0.2]), 0);
  assert.ok(Number.isNaN(pairScoreStderr([0.2, NaN])));
  assert.ok(Number.isNaN(pairScoreStderr([0.4])), 'one pair has no spread');
});

test('viewScoreStderr: the error propagation the panel has always used (ranking.ts scoreStderr is it)', () => {
  // symmetric, L_f 1, L_g 2, s.e. 0.1 each: 2·√(1·0.01 + 4·0.01)/9 = 2·√0.05/9.
  close(viewScoreStderr(1, 2, 0.1, 0.1, 'symmetric', 0), (2 * Math.sqrt(0.05)) / 9);
  close(viewScoreStderr(1, 2, 0.3, 0.4, 'raw', 0), 0.5);
  close(viewScoreStderr(1, 2, 0.3, 0.4, 'range', 2), 0.25);
  close(scoreStderr({ lf: 1, lg: 2, lfStderr: 0.3, lgStderr: 0.4 }, 'raw', 0), 0.5);
});

test('confidenceInterval: score ± 1.96·se; unknown stays unknown', () => {
  assert.equal(Z_95, 1.96);
  const [lo, hi] = confidenceInterval(1 / 3, 0.25);
  close(lo, 1 / 3 - 0.49);
  close(hi, 1 / 3 + 0.49);
  assert.deepEqual(confidenceInterval(0.2, NaN), [NaN, NaN]);
  assert.deepEqual(confidenceInterval(NaN, 0.1), [NaN, NaN]);
});

test('scoreStderrOverPairs on two points and two pairs (symmetric), by hand', () => {
  const pairs = [
    { lf: [1, 1], lg: [3, 2], lfStderr: [0.01, 0.1], lgStderr: [0.01, 0.1] },
    { lf: [1, 1], lg: [1, 2], lfStderr: [0.01, 0.1], lgStderr: [0.01, 0.1] },
  ];
  const scores = computeScores(averageSeedPairs(pairs), 'symmetric');
  const se = scoreStderrOverPairs(pairs, scores);
  // Point 0: pair scores (3−1)/4 = 0.5 and 0 → s.e. 0.25; averaged L_f 1, L_g 2 → score 1/3, CI 1/3 ± 0.49.
  close(scores.normalised[0], 1 / 3);
  close(se[0], 0.25);
  // Point 1: both pairs score 1/3 → s.e. 0, whatever the view-level s.e. (0.1 per loss) says.
  close(se[1], 0);
  // The raw normalisation: pair raws 2 and 0 → s.d. √2, s.e. 1.
  const raw = computeScores(averageSeedPairs(pairs), 'raw');
  close(scoreStderrOverPairs(pairs, raw)[0], 1);
});
