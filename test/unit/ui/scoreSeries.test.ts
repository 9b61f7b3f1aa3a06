// The score histogram's series (paper runs: four stacked subsets; whole-dataset runs: "scored" and the control
// set's null side by side, each as a fraction of its set) and the detail pane's score with its 95 % interval.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { histogramSeries, scoreWithInterval } from '../../../webview/scorePanel/scoreSeries';
import type { Histogram } from '../../../src/protocol/scorePanel';

const hist: Histogram = {
  lo: -0.2,
  hi: 0.6,
  counts: { S_S: [0, 0, 0, 0], S_C: [10, 30, 40, 20], S_I: [0, 0, 0, 0], S_E: [3, 1, 0, 0] },
};

test('paper run: one stacked series per subset, counts as they are', () => {
  const { series, fraction } = histogramSeries(hist, false);
  assert.equal(fraction, false);
  assert.deepEqual(
    series.map((s) => [s.label, s.stack]),
    [
      ['S_S', 'all'],
      ['S_C', 'all'],
      ['S_I', 'all'],
      ['S_E', 'all'],
    ],
  );
  assert.deepEqual(series[1].values, [10, 30, 40, 20]);
});

test('whole run: "scored" and "control (null)" in their own stacks (side by side), each a fraction of its set', () => {
  const { series, fraction } = histogramSeries(hist, true);
  assert.equal(fraction, true);
  assert.deepEqual(
    series.map((s) => [s.label, s.subset]),
    [
      ['scored', 'S_C'],
      ['control (null)', 'S_E'],
    ],
  );
  assert.notEqual(series[0].stack, series[1].stack, 'the null stands beside the scores, not on top of them');
  assert.deepEqual(series[0].values, [0.1, 0.3, 0.4, 0.2]);
  assert.deepEqual(series[1].values, [0.75, 0.25, 0, 0]);
  assert.deepEqual(series[1].counts, [3, 1, 0, 0], 'the tooltip still says how many images');
  // An empty control set draws nothing rather than NaN bars.
  const empty = histogramSeries({ ...hist, counts: { ...hist.counts, S_E: [0, 0, 0, 0] } }, true);
  assert.deepEqual(empty.series[1].values, [0, 0, 0, 0]);
});

test('detail pane: score [95 % CI] and where the s.e. comes from', () => {
  // 0.3 ± 1.96 · 0.05 = [0.202, 0.398].
  assert.equal(scoreWithInterval(0.3, 0.05, 3), '0.3000 [0.2020, 0.3980] 95 % CI (s.e. 0.0500 from the spread of 3 (f, g) seed pairs)');
  assert.match(scoreWithInterval(0.3, 0.05, 1), /from the views of one \(f, g\) pair; training noise not included/);
  assert.equal(scoreWithInterval(0.3, NaN, 1), '0.3000 (no s.e.)');
});
