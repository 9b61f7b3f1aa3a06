// The score panel's filter rules and the detail pane's loss labels, without a DOM.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { SUBSET_NAMES, isRowFilter, type RowFilter } from '../../../src/protocol/scorePanel';
import {
  applyThresholdFilter,
  binsOfRange,
  rangeOfBins,
  subsetShown,
  subsetsFromChecks,
  type Bins,
} from '../../../webview/scorePanel/filter';
import { lossLabels, TRAINED_ON } from '../../../webview/scorePanel/subsets';

describe('score panel filter', () => {
  test('"Show scores > τ" changes only the lower bound: the checked subsets, classes and marks stay', () => {
    const filter: RowFilter = { subsets: ['S_C'], classes: [2, 5], min: -0.3, max: 0.1, marks: 'unmarked' };
    const next = applyThresholdFilter(filter, 0.0421);
    assert.deepEqual(next.subsets, ['S_C']);
    assert.deepEqual(next.classes, [2, 5]);
    assert.equal(next.marks, 'unmarked');
    assert.equal(next.min, 0.0421);
    assert.equal(next.minExclusive, true, 'strictly above τ, as the headline counts');
    assert.equal(next.max, undefined);
    for (const s of SUBSET_NAMES) assert.equal(subsetShown(next, s), s === 'S_C', `${s} box`);
    assert.ok(isRowFilter(JSON.parse(JSON.stringify(next))), 'still a valid filter after the page state round trip');
    // The old filter is untouched (the sidebar may still hold it).
    assert.deepEqual(filter, { subsets: ['S_C'], classes: [2, 5], min: -0.3, max: 0.1, marks: 'unmarked' });
    next.subsets.push('S_E');
    assert.deepEqual(filter.subsets, ['S_C']);
  });

  test('checkboxes <-> subset list: all checked is no restriction, order follows SUBSET_NAMES', () => {
    assert.deepEqual(subsetsFromChecks([...SUBSET_NAMES]), []);
    assert.deepEqual(subsetsFromChecks(['S_E', 'S_C']), ['S_C', 'S_E']);
    assert.deepEqual(subsetsFromChecks([]), []); // nothing checked: the protocol has no "none"
    for (const s of SUBSET_NAMES) assert.ok(subsetShown({ subsets: [], classes: [] }, s));
  });

  test("histogram brush: a threshold range selects from τ's bin to the last one; whole-bin ranges round-trip", () => {
    const bins: Bins = { lo: -0.1, hi: 0.1, count: 40 };
    const width = 0.2 / 40;
    // τ inside bin 25 (of 0..39), no upper bound: bins 25..39, the last included.
    assert.deepEqual(binsOfRange(bins, -0.1 + 25.3 * width, undefined), [25, 39]);
    assert.equal(binsOfRange(bins, undefined, undefined), undefined);
    assert.deepEqual(binsOfRange(bins, undefined, -0.1 + 3 * width), [0, 2]);
    // Out-of-range bounds clamp to the ends (the slider's left end is just below lo).
    assert.deepEqual(binsOfRange(bins, -5, 5), [0, 39]);
    for (const sel of [
      [0, 0],
      [0, 39],
      [7, 12],
      [39, 39],
      [38, 39],
    ] as [number, number][]) {
      const [min, max] = rangeOfBins(bins, sel);
      assert.deepEqual(binsOfRange(bins, min, max), sel, `bins ${sel}`);
    }
    assert.equal(rangeOfBins(bins, [0, 39])[1], 0.1, 'the last bin ends exactly at hi (every score stays in)');
  });
});

describe('detail pane loss labels', () => {
  test('follow which encoder trained on the subset (method spec §2)', () => {
    assert.deepEqual(lossLabels('S_S'), { lf: 'L_f (trained on it)', lg: 'L_g (trained on it)' });
    assert.deepEqual(lossLabels('S_C'), { lf: 'L_f (trained on it)', lg: 'L_g (never saw it)' });
    assert.deepEqual(lossLabels('S_I'), { lf: 'L_f (never saw it)', lg: 'L_g (trained on it)' });
    assert.deepEqual(lossLabels('S_E'), { lf: 'L_f (never saw it)', lg: 'L_g (never saw it)' });
  });
  test('each subset is a different (f, g) combination', () => {
    const combos = new Set(SUBSET_NAMES.map((s) => `${TRAINED_ON[s].f}/${TRAINED_ON[s].g}`));
    assert.equal(combos.size, 4);
  });
});
