import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { incompleteBeta, logGamma, studentTCdf, studentTTwoSidedP } from '../../../src/engine/sslmem/report/special';
import { Rng } from '../../../src/engine/util/prng';
import { describe as summarise, observedTauGrid, tauGrid, thresholdCurve, topK, welchTTest } from '../../../src/engine/sslmem/report/stats';

// Reference values: mpmath at 40 digits (betainc regularised, cross-checked by integrating the t density);
// produced by test/unit/sslmem/stats-reference.py with Debian's /usr/bin/python3 (scipy is not installed).
// The first t case is the textbook table value t(0.975, df=10) = 2.228 (two-sided 5%).
const T_CASES: [number, number, number][] = [
  [2.228138851986274, 10, 0.05000000000000007],
  [0.5, 3, 0.651447964848151],
  [3.5, 7.3, 0.009343138528485558],
  [10, 1, 0.06345103486110713],
  [0.001, 50, 0.9992060947755017],
  [-1.7, 2.5, 0.20561221715988384],
  [8, 200, 9.879200909330639e-14],
  [25, 60, 2.014237305795252e-33],
];
const BETA_CASES: [number, number, number, number][] = [
  [0.3, 2, 3, 0.3483],
  [0.9, 0.5, 0.5, 0.7951672353008665],
  [0.01, 5, 0.5, 2.4712578086395448e-11],
  [0.7, 30, 40, 0.9999986807222218],
  [0.999, 2.5, 7, 1.0],
];
const LGAMMA_CASES: [number, number][] = [
  [0.5, 0.5723649429247001],
  [1, 0],
  [3.7, 1.428072326665388],
  [10, 12.801827480081469],
  [171.3, 708.1149470389969],
];
const WELCH = {
  A: [0.12, 0.35, 0.08, 0.51, 0.27, 0.33, 0.19],
  B: [0.02, -0.05, 0.11, 0.04, -0.01, 0.07, 0.0, 0.03, -0.02, 0.06],
  t: 4.117849678328056,
  df: 6.863938014737063,
  p: 0.004664870337191599,
};

const close = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-300), `${what}: ${actual} vs ${expected}`);

describe('special functions', () => {
  test('log-gamma', () => {
    for (const [x, v] of LGAMMA_CASES) assert.ok(Math.abs(logGamma(x) - v) < 1e-12 * Math.max(1, v), `lgamma(${x})`);
  });
  test('regularised incomplete beta', () => {
    for (const [x, a, b, v] of BETA_CASES) close(incompleteBeta(x, a, b), v, 1e-10, `I(${x};${a},${b})`);
  });
  test('Student t two-sided p and CDF', () => {
    for (const [t, df, p] of T_CASES) close(studentTTwoSidedP(t, df), p, 1e-9, `p(t=${t}, df=${df})`);
    close(studentTCdf(2.228138851986274, 10), 0.975, 1e-12, 'cdf');
    close(studentTCdf(-2.228138851986274, 10), 0.025, 1e-10, 'cdf');
    assert.equal(studentTTwoSidedP(0, 5), 1);
  });
});

describe('statistics', () => {
  test('summary: n, mean, median (odd and even n), sample std (n − 1)', () => {
    assert.deepEqual(summarise([2, 4, 4, 4, 5, 5, 7, 9]), { n: 8, mean: 5, median: 4.5, std: Math.sqrt(32 / 7) });
    assert.deepEqual(summarise([3, 1, 2]), { n: 3, mean: 2, median: 2, std: 1 });
    const empty = summarise([]);
    assert.equal(empty.n, 0);
    assert.ok(Number.isNaN(empty.mean));
    assert.ok(Number.isNaN(summarise([1]).std));
  });

  test('Welch t-test against mpmath; sign flips with the order; degenerate inputs', () => {
    const r = welchTTest(WELCH.A, WELCH.B);
    close(r.t, WELCH.t, 1e-12, 't');
    close(r.df, WELCH.df, 1e-12, 'df');
    close(r.p, WELCH.p, 1e-9, 'p');
    const swapped = welchTTest(WELCH.B, WELCH.A);
    close(swapped.t, -WELCH.t, 1e-12, 't swapped');
    close(swapped.p, WELCH.p, 1e-9, 'p swapped');
    assert.ok(Number.isNaN(welchTTest([1], [1, 2]).p));
    assert.equal(welchTTest([1, 1], [2, 2]).p, 0);
    assert.equal(welchTTest([1, 1], [1, 1]).p, 1);
  });

  test('threshold curve counts strictly greater scores', () => {
    const curve = thresholdCurve([0.1, 0.2, 0.2, 0.5, -0.3], [-1, 0, 0.2, 0.49, 0.5]);
    assert.deepEqual(
      curve.map((p) => p.fraction),
      [1, 0.8, 0.2, 0.2, 0],
    );
    assert.deepEqual(tauGrid(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
    assert.equal(tauGrid(-1, 1, 41)[21], 0.05);
  });

  test('the observed τ grid runs the curve from 1 to 0 on any scores, with rows inside the range', () => {
    const rng = new Rng(17);
    for (let c = 0; c < 200; c++) {
      const centre = (rng.nextFloat() - 0.5) * [0, 1, 200][c % 3];
      const width = [1e-5, 0.01, 0.2, 3, 0][c % 5];
      const levels = c % 4 === 0 ? 2 : 1e9; // ties at the extremes
      const scores = Array.from(
        { length: 1 + Math.floor(rng.nextFloat() * 80) },
        () => centre + (width * Math.floor(rng.nextFloat() * levels)) / levels,
      );
      const taus = observedTauGrid(scores, 41);
      const label = `case ${c}: centre ${centre}, width ${width}, n ${scores.length}`;
      assert.equal(taus.length, 41, label);
      for (let i = 1; i < taus.length; i++) assert.ok(taus[i] > taus[i - 1], `${label}: τ increases at ${i}`);
      const fractions = thresholdCurve(scores, taus).map((p) => p.fraction);
      assert.equal(fractions[0], 1, label);
      assert.equal(fractions[fractions.length - 1], 0, label);
      // All but the two margin rows lie within [min, max]: the grid is spent on the scores.
      const lo = Math.min(...scores),
        hi = Math.max(...scores);
      if (hi > lo) assert.ok(taus[1] >= lo - 1e-9 * Math.max(1, Math.abs(lo)) && taus[39] <= hi + 1e-9 * Math.max(1, Math.abs(hi)), label);
    }
    assert.deepEqual(observedTauGrid([]), []);
    assert.deepEqual(observedTauGrid([NaN, Infinity]), []);
    assert.equal(thresholdCurve([NaN, 0.2, 0.3], observedTauGrid([NaN, 0.2, 0.3]))[0].tau < 0.2, true);
  });

  test('top-k highest/lowest, within a subset, NaN excluded, ties by index', () => {
    const v = [0.3, 0.9, NaN, 0.9, -0.5, 0.1];
    assert.deepEqual(topK(v, 3), [1, 3, 0]);
    assert.deepEqual(topK(v, 2, { lowest: true }), [4, 5]);
    assert.deepEqual(topK(v, 5, { among: [0, 2, 4, 5] }), [0, 5, 4]);
  });
});
