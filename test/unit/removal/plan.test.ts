import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  keptIndices,
  memorizedRemoval,
  planRetrains,
  randomRemoval,
  resolveK,
  retrainDirName,
} from '../../../src/engine/sslmem/removal/plan';
import { compareAt, spreadOf } from '../../../src/engine/sslmem/removal/report';
import { experimentFiles } from '../../../src/engine/sslmem/removal/experiment';
import type { RetrainResults, RetrainRow } from '../../../src/engine/sslmem/removal/types';

describe('removal plan', () => {
  test('k: counts stay, fractions are of the pool, impossible values are refused', () => {
    assert.equal(resolveK(100, 2430), 100);
    assert.equal(resolveK(0.1, 2430), 243);
    assert.throws(() => resolveK(2430, 2430), /all 2430/);
    assert.throws(() => resolveK(1.5, 100), /whole count/);
    assert.throws(() => resolveK(0, 100), /whole count/);
    assert.throws(() => resolveK(0.001, 100), /removes no point/);
  });

  test('memorized removal = the k highest scores of the pool, ties by index, NaN never chosen', () => {
    const score = new Map<number, number>([
      [3, 0.9],
      [5, 0.1],
      [8, 0.9],
      [9, NaN],
      [12, 0.5],
      [20, 2.0],
    ]);
    const pool = [3, 5, 8, 9, 12];
    // 20 has the top score but is not in the pool (e.g. an S_I point).
    assert.deepEqual(Array.from(memorizedRemoval(pool, (i) => score.get(i)!, 2)), [3, 8]);
    assert.deepEqual(Array.from(memorizedRemoval(pool, (i) => score.get(i)!, 3)), [3, 8, 12]);
    const tie = new Map([
      [1, 0.5],
      [2, 0.5],
      [3, 0.5],
    ]);
    assert.deepEqual(Array.from(memorizedRemoval([3, 2, 1], (i) => tie.get(i)!, 2)), [1, 2]);
    assert.throws(() => memorizedRemoval(pool, (i) => score.get(i)!, 5), /only 4 scored/);
  });

  test('random removal: from the pool, without repeats, reproducible per seed, different across seeds', () => {
    const pool = Int32Array.from({ length: 500 }, (_, i) => 2 * i);
    const a = randomRemoval(pool, 50, 0),
      b = randomRemoval(pool, 50, 0),
      c = randomRemoval(pool, 50, 1);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(new Set(a).size, 50);
    for (const i of a) assert.ok(i % 2 === 0 && i < 1000);
    const kept = keptIndices(pool, a);
    assert.equal(kept.length, 450);
    assert.ok(Array.from(kept).every((i) => !a.includes(i)));
    assert.deepEqual(
      [...kept, ...a].sort((x, y) => x - y),
      Array.from(pool),
    );
  });

  test('plan: one memorized retraining per k, seeds random ones, optional full-data baseline first', () => {
    const plan = planRetrains([10, 30], 2, true).map(retrainDirName);
    assert.deepEqual(plan, [
      'none-k0-s0',
      'memorized-k10-s0',
      'random-k10-s0',
      'random-k10-s1',
      'memorized-k30-s0',
      'random-k30-s0',
      'random-k30-s1',
    ]);
    assert.equal(planRetrains([10], 3, false).length, 4);
  });

  test('an epochs override is a separate experiment: its own encoder folder and result files', () => {
    assert.deepEqual(experimentFiles(null), { folder: 'retrain', json: 'retrain.json', markdown: 'retrain.md' });
    assert.deepEqual(experimentFiles(8), { folder: 'retrain/e8', json: 'retrain-e8.json', markdown: 'retrain-e8.md' });
  });
});

describe('removal verdict', () => {
  const row = (removal: RetrainRow['removal'], k: number, seed: number, acc: number): RetrainRow => ({
    k,
    removal,
    seed,
    linearProbeAccuracy: acc,
    knnAccuracy: acc,
    trainingSize: 1000 - k,
    encoder: removal === 'none' ? 'original' : 'retrained',
    dir: 'x',
    epochs: 1,
    steps: 1,
    trainSeconds: 0,
    evalSeconds: 0,
  });
  const results = (rows: RetrainRow[]): RetrainResults => ({
    format: 'sslmem-retrain',
    version: 1,
    runId: 'r',
    createdAt: '',
    kRequested: [100],
    kResolved: [100],
    seeds: 3,
    poolSize: 1000,
    rows,
    conclusion: [],
    protocol: {
      probeTrain: '',
      probeTest: '',
      probeTrainSize: 800,
      probeTestSize: 400,
      knn: { k: 20, vote: 'weighted', metric: 'cosine' },
      linear: { epochs: 1, batch: 1, learningRate: 1, weightDecay: 0, optimizer: 'adam', standardised: true },
    },
  });

  test('spread: sample std over seeds', () => {
    const s = spreadOf([0.7, 0.8, 0.9]);
    assert.ok(Math.abs(s.mean - 0.8) < 1e-12 && Math.abs(s.std - 0.1) < 1e-12 && s.min === 0.7 && s.max === 0.9);
  });

  test('prediction-interval t-test against the random seeds: hurt more / not distinguishable / random hurt more', () => {
    const base = [row('none', 0, 0, 0.85), row('random', 100, 0, 0.8), row('random', 100, 1, 0.81), row('random', 100, 2, 0.82)];
    const hurt = compareAt(results([...base, row('memorized', 100, 0, 0.7)]), 100, 'linearProbeAccuracy')!;
    assert.equal(hurt.verdict, 'memorized-hurt-more');
    // s = 0.01, n = 3: scale s·sqrt(1 + 1/3); t = 0.11 / scale with df 2, whose two-sided p is 1 − |t|/sqrt(t² + 2).
    const scale = 0.01 * Math.sqrt(4 / 3),
      t = 0.11 / scale;
    assert.ok(Math.abs(hurt.difference - 0.11) < 1e-12 && Math.abs(hurt.noise - scale) < 1e-12 && hurt.df === 2 && hurt.reference === 0.85);
    assert.ok(Math.abs(hurt.p - (1 - t / Math.sqrt(t * t + 2))) < 1e-6, `p ${hurt.p}`);
    assert.equal(compareAt(results([...base, row('memorized', 100, 0, 0.795)]), 100, 'knnAccuracy')!.verdict, 'not-distinguishable');
    assert.equal(compareAt(results([...base, row('memorized', 100, 0, 0.9)]), 100, 'knnAccuracy')!.verdict, 'random-hurt-more');
  });

  test('one seed: the binomial standard error of the probe-test accuracy is the scale (normal approximation)', () => {
    const c = compareAt(
      results([row('none', 0, 0, 0.85), row('random', 100, 0, 0.8), row('memorized', 100, 0, 0.76)]),
      100,
      'linearProbeAccuracy',
    )!;
    assert.equal(c.noiseSource, 'binomial');
    assert.ok(Math.abs(c.noise - Math.sqrt((0.8 * 0.2) / 400)) < 1e-12);
    // z = 0.04 / 0.02 = 2: two-sided normal p = 0.0455.
    assert.ok(Math.abs(c.p - 0.0455) < 1e-3, `p ${c.p}`);
    assert.equal(c.verdict, 'memorized-hurt-more');
  });
});
