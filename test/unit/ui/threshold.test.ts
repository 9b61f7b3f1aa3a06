// The score panel's threshold slider on arbitrary scores: its ends mean "every sample" and "none" whatever the
// scores (ties, the extremes sitting in S_C, scores the page got rounded), and adjacent positions print
// different τ. Property-style: many random score sets from a seeded generator, so a failure reproduces.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/util/prng';
import { fractionAbove, formatTau, headline, positionOf, SLIDER_STEPS, tauAt, tauScale } from '../../../webview/scorePanel/threshold';

interface Case {
  all: number[];
  candidates: number[];
  label: string;
}

/** A random run: all scores, and the S_C ones (sorted, as the page receives them), in assorted shapes. */
function randomCase(rng: Rng, i: number): Case {
  const n = 1 + Math.floor(rng.nextFloat() * 60);
  const centre = (rng.nextFloat() - 0.5) * 2 * [0, 0.5, 100][i % 3];
  const width = [1e-4, 0.02, 0.2, 2, 0][i % 5];
  // Few distinct values make ties (the minimum or maximum repeated) likely.
  const levels = i % 4 === 0 ? 3 : 1e9;
  const draw = () => centre + width * (Math.floor(rng.nextFloat() * levels) / levels - 0.5);
  const all = Array.from({ length: n }, draw);
  // S_C: a random part of them, always holding the lowest and/or highest score in some cases.
  const sorted = [...all].sort((a, b) => a - b);
  const candidates = all.filter(() => rng.nextFloat() < 0.4);
  if (i % 3 === 0) candidates.push(sorted[0]);
  if (i % 3 === 1) candidates.push(sorted[n - 1]);
  if (candidates.length === 0) candidates.push(sorted[Math.floor(n / 2)]);
  // Half the cases round S_C as the host does (6 digits): the rounded extremes may fall outside [lo, hi].
  const rounded = i % 2 === 0 ? candidates.map((x) => Number(x.toPrecision(6))) : candidates;
  return { all, candidates: rounded.sort((a, b) => a - b), label: `case ${i} (n=${n}, centre=${centre}, width=${width})` };
}

function histogramRange(all: number[]): [number, number] {
  // As RunData.histogram() does it: the range of all scores, widened when they are all equal.
  let lo = Math.min(...all),
    hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

describe('threshold slider', () => {
  const rng = new Rng(20240117);
  const cases = Array.from({ length: 300 }, (_, i) => randomCase(rng, i));

  test('the leftmost position counts every S_C sample, the rightmost none', () => {
    for (const c of cases) {
      const [lo, hi] = histogramRange(c.all);
      const scale = tauScale(lo, hi, c.candidates);
      assert.equal(fractionAbove(c.candidates, tauAt(scale, 0)), 1, `${c.label}: leftmost`);
      assert.equal(fractionAbove(c.candidates, tauAt(scale, scale.steps)), 0, `${c.label}: rightmost`);
      const h0 = headline(scale, 0, c.candidates, c.candidates.length);
      const hN = headline(scale, scale.steps, c.candidates, c.candidates.length);
      assert.equal(h0.percent, '100.0%', c.label);
      assert.match(h0.detail, new RegExp(`; ${c.candidates.length} of ${c.candidates.length}\\)$`), c.label);
      assert.equal(hN.percent, '0.0%', c.label);
      assert.match(hN.detail, new RegExp(`; 0 of ${c.candidates.length}\\)$`), c.label);
    }
  });

  test('the fraction never rises as the slider moves right, and τ increases with every step', () => {
    for (const c of cases.slice(0, 60)) {
      const [lo, hi] = histogramRange(c.all);
      const scale = tauScale(lo, hi, c.candidates);
      assert.equal(scale.steps, SLIDER_STEPS);
      for (let p = 1; p <= scale.steps; p++) {
        assert.ok(tauAt(scale, p) > tauAt(scale, p - 1), `${c.label}: τ at ${p}`);
        assert.ok(
          fractionAbove(c.candidates, tauAt(scale, p)) <= fractionAbove(c.candidates, tauAt(scale, p - 1)),
          `${c.label}: fraction at ${p}`,
        );
      }
    }
  });

  test('adjacent positions print different τ', () => {
    for (const c of cases) {
      const [lo, hi] = histogramRange(c.all);
      const scale = tauScale(lo, hi, c.candidates);
      const labels = Array.from({ length: scale.steps + 1 }, (_, p) => formatTau(scale, tauAt(scale, p)));
      for (let p = 1; p < labels.length; p++) assert.notEqual(labels[p], labels[p - 1], `${c.label}: positions ${p - 1} and ${p}`);
      // The headline prints the same label.
      assert.ok(headline(scale, 7, c.candidates, c.candidates.length).detail.includes(`τ = ${labels[7]}`));
    }
  });

  test("the issue's case: a ±0.1 band, the minimum in S_C", () => {
    const all = Array.from({ length: 40 }, (_, i) => -0.1 + (0.2 * i) / 39);
    const candidates = [all[0], all[3], all[10], all[20], all[39]];
    const scale = tauScale(all[0], all[39], candidates);
    assert.equal(headline(scale, 0, candidates, 5).percent, '100.0%');
    // One arrow key from the left end: τ is the minimum itself, which no longer counts.
    assert.equal(headline(scale, 1, candidates, 5).percent, '80.0%');
    // (hi − lo)/399 = 0.0005: four decimals are needed to tell neighbours apart, two were shown before.
    assert.equal(scale.decimals, 4);
    assert.match(headline(scale, 0, candidates, 5).detail, /τ = -0\.1005, below every score; 5 of 5/);
  });

  test('a restored τ returns to its position; a τ far outside the scale clamps to an end', () => {
    const scale = tauScale(-0.3, 0.7, [-0.2, 0.1, 0.5]);
    for (const p of [0, 1, 2, 57, 200, SLIDER_STEPS - 1, SLIDER_STEPS]) assert.equal(positionOf(scale, tauAt(scale, p)), p);
    assert.equal(positionOf(scale, -50), 0);
    assert.equal(positionOf(scale, 50), SLIDER_STEPS);
    assert.equal(positionOf(scale, Number.NaN), 0);
  });

  test('no S_C scores: no percentage rather than NaN%', () => {
    const scale = tauScale(0, 1, []);
    assert.equal(headline(scale, 0, [], 0).percent, '—');
  });
});
