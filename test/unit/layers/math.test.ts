// The pure math of the layer analyses: unit means per layer kind, UnitMem (bounds, mean vs median, negative
// units, dead units), top points, ΔLayerMem, point sets and report sections.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { deltas, histogram, layerShape, meanStderr, topPoints, unitMeans, unitMem } from '../../../src/engine/layers/math';
import { parsePointSet, resolvePointSet } from '../../../src/engine/layers/points';
import { replaceSection } from '../../../src/engine/layers/report-section';

/** mulberry32: a small seeded PRNG, so every property case is reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('unit means', () => {
  test('conv [C,H,W]: spatial mean per channel; tokens [T,D]: mean over tokens per feature; vector: itself', () => {
    assert.deepEqual(layerShape('c', [2, 2, 3]), { name: 'c', kind: 'conv', shape: [2, 2, 3], units: 2, positions: 6 });
    assert.deepEqual(layerShape('t', [4, 3]).kind, 'tokens');
    assert.deepEqual(layerShape('v', [5]).positions, 1);
    assert.throws(() => layerShape('x', [1, 2, 3, 4]), /cannot analyse/);
    // two images of a conv layer with 2 channels of 2 positions
    const conv = Float32Array.from([1, 3, 10, 20, /* image 2 */ 0, 0, -2, 4]);
    assert.deepEqual(Array.from(unitMeans('conv', 2, 2, conv, 2)), [2, 15, 0, 1]);
    // one image of 3 tokens × 2 features: feature 0 = 1,2,3; feature 1 = 10,20,30
    const tokens = Float32Array.from([1, 10, 2, 20, 3, 30]);
    assert.deepEqual(Array.from(unitMeans('tokens', 2, 3, tokens, 1)), [2, 20]);
    assert.deepEqual(Array.from(unitMeans('vector', 3, 1, Float32Array.from([4, 5, 6]), 1)), [4, 5, 6]);
  });
});

describe('UnitMem', () => {
  test('property: in [0, 1] for non-negative units, mean and median, 500 random cases', () => {
    const r = rng(7);
    for (let c = 0; c < 500; c++) {
      const points = 1 + Math.floor(r() * 40),
        units = 1 + Math.floor(r() * 6);
      const mu = Float32Array.from({ length: points * units }, () => (r() < 0.3 ? 0 : r() ** (1 + 4 * r()) * 10));
      for (const rest of ['mean', 'median'] as const) {
        const res = unitMem(mu, points, units, { rest });
        for (const s of res.score) {
          assert.ok(s !== null && s >= 0 && s <= 1, `case ${c} (${rest}): ${s}`);
        }
        assert.ok(res.negative.every((n) => !n));
      }
    }
  });

  test('a unit that fires for one point only scores 1; a constant unit scores 0; a dead unit scores 0', () => {
    // 4 points × 3 units: unit 0 selective for point 2, unit 1 constant, unit 2 dead
    const mu = Float32Array.from([0, 5, 0, 0, 5, 0, 7, 5, 0, 0, 5, 0]);
    const r = unitMem(mu, 4, 3);
    assert.deepEqual(r.score, [1, 0, 0]);
    assert.equal(r.argmax[0], 2);
    assert.equal(r.dead, 1);
  });

  test('mean (the paper) and median (the public code) of the other points differ as they should', () => {
    // one unit, points μ = 1, 1, 1, 9, 10: max 10; rest mean (1+1+1+9)/4 = 3, rest median (1+1)/2 = 1
    const mu = Float32Array.from([1, 1, 1, 9, 10]);
    const mean = unitMem(mu, 5, 1, { rest: 'mean' });
    const median = unitMem(mu, 5, 1, { rest: 'median' });
    assert.ok(Math.abs(mean.score[0]! - 7 / 13) < 1e-12);
    assert.ok(Math.abs(median.score[0]! - 9 / 11) < 1e-12);
    assert.equal(mean.muRest[0], 3);
    assert.equal(median.muRest[0], 1);
  });

  test('negative units: excluded (null) by default, shifted by their smallest μ on request', () => {
    const mu = Float32Array.from([-1, 1, 3]); // one unit, 3 points
    const ex = unitMem(mu, 3, 1);
    assert.equal(ex.score[0], null);
    assert.equal(ex.negative[0], true);
    const sh = unitMem(mu, 3, 1, { negative: 'shift' });
    // shifted: 0, 2, 4 -> max 4, rest mean 1 -> 3/5
    assert.ok(Math.abs(sh.score[0]! - 0.6) < 1e-12);
    // property: shift keeps every unit in [0, 1]
    const r = rng(3);
    for (let c = 0; c < 200; c++) {
      const points = 2 + Math.floor(r() * 20);
      const m = Float32Array.from({ length: points * 2 }, () => (r() - 0.5) * 8);
      for (const s of unitMem(m, points, 2, { negative: 'shift', rest: c % 2 ? 'mean' : 'median' }).score)
        assert.ok(s !== null && s >= 0 && s <= 1, String(s));
    }
  });

  test("topPoints ranks a unit's points by μ, highest first", () => {
    const mu = Float32Array.from([1, 0, 5, 0, 3, 0, 5, 0]); // 4 points × 2 units
    assert.deepEqual(topPoints(mu, 4, 2, 0, 3), [1, 3, 2]);
  });

  test('histogram over [0, 1] puts 1 in the last bin and skips nulls', () => {
    const h = histogram([0, 0.05, 0.5, 1, null, NaN], 10);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      4,
    );
    assert.equal(h.counts[0], 2);
    assert.equal(h.counts[9], 1);
    assert.equal(h.edges.length, 11);
  });
});

describe('LayerMem summary', () => {
  test('ΔLayerMem is the difference to the previous layer (the first against 0)', () => {
    assert.deepEqual(
      deltas([0.1, 0.25, 0.2]).map((x) => +x.toFixed(12)),
      [0.1, 0.15, -0.05],
    );
  });
  test('mean and standard error skip non-finite values', () => {
    const r = meanStderr([1, 2, 3, NaN]);
    assert.equal(r.mean, 2);
    assert.ok(Math.abs(r.stderr - 1 / Math.sqrt(3)) < 1e-12);
  });
});

describe('point sets', () => {
  const split = { S_S: Int32Array.from([0, 1, 2]), S_C: Int32Array.from([3, 4]), S_I: Int32Array.from([5]), S_E: Int32Array.from([6, 7]) };
  const score = Float64Array.from([0, 0.1, 0.2, 0.9, 0.3, -0.5, 0.95, NaN]);
  test('parse and resolve', () => {
    assert.deepEqual(parsePointSet('S_C'), { kind: 'subset', subsets: ['S_C'] });
    assert.deepEqual(Array.from(resolvePointSet(parsePointSet('S_C,S_I'), split, score)), [3, 4, 5]);
    assert.deepEqual(Array.from(resolvePointSet(parsePointSet('top:2'), split, score)), [3, 6]);
    assert.deepEqual(Array.from(resolvePointSet(parsePointSet('train'), split, score, 'g')), [0, 1, 2, 5]);
    assert.equal(resolvePointSet(parsePointSet('all'), split, score).length, 8);
    assert.throws(() => parsePointSet('S_X'), /point set/);
    assert.throws(() => parsePointSet('top:0'), /k >= 1/);
  });
});

describe('report sections', () => {
  test('a rerun replaces its section; other text stays', () => {
    const once = replaceSection('# Report\n\ntext\n', 'layers', 'A');
    assert.match(once, /^# Report\n\ntext\n\n<!-- sslmem:layers -->\nA\n<!-- \/sslmem:layers -->\n$/);
    const twice = replaceSection(replaceSection(once, 'units', 'U'), 'layers', 'B');
    assert.equal((twice.match(/<!-- sslmem:layers -->/g) ?? []).length, 1);
    assert.match(twice, /\nB\n/);
    assert.doesNotMatch(twice, /\nA\n/);
    assert.match(twice, /\nU\n/);
  });
});
