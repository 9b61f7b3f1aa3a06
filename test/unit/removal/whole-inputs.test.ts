// The removal experiment's inputs for a whole-dataset run, as pure functions over a score table: the pool is
// every scored image and never a control, the memorized removal takes the highest-scoring scored images even
// when controls score higher, the random removal is seeded and stays out of the control set. (The probe-test
// = control set, on a real whole run, is checked in test/unit/pipeline/whole-e2e.test.ts.)
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { wholeRemovalSets, type WholeScoreRow } from '../../../src/engine/sslmem/removal/whole-inputs';
import { removalOf } from '../../../src/engine/sslmem/removal/experiment';
import { keptIndices } from '../../../src/engine/sslmem/removal/plan';
import { Rng } from '../../../src/engine/util/prng';

/** 60 images, 12 of them controls (the six highest scores of the table belong to controls). */
function table(): { rows: WholeScoreRow[]; controls: Set<number>; n: number } {
  const n = 60;
  const rng = new Rng(11);
  const controls = new Set(Array.from(rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)).subarray(0, 12)));
  const rows = Array.from({ length: n }, (_, i): WholeScoreRow => {
    const control = controls.has(i);
    // Controls score highest on purpose: a removal that looked at every row would pick them.
    return { index: i, subset: control ? 'S_E' : 'S_C', normalised: control ? 10 + i : Math.sin(i * 1.7) };
  });
  return { rows, controls, n };
}

describe('whole-run removal inputs', () => {
  test('pool = the scored images, controls apart; scores NaN for controls', () => {
    const { rows, controls, n } = table();
    const { pool, control, scoreByIndex } = wholeRemovalSets([...rows].reverse(), n);
    assert.deepEqual(
      Array.from(control),
      [...controls].sort((a, b) => a - b),
    );
    assert.equal(pool.length, n - controls.size);
    assert.deepEqual(
      [...pool, ...control].sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
    );
    for (const i of pool) assert.equal(scoreByIndex[i], Math.sin(i * 1.7));
    for (const i of control) assert.ok(Number.isNaN(scoreByIndex[i]));
  });

  test('top-k = the k highest-scoring scored images, never a control', () => {
    const { rows, controls, n } = table();
    const inputs = wholeRemovalSets(rows, n);
    for (const k of [1, 5, 20]) {
      const removed = Array.from(removalOf({ kind: 'memorized', k, seed: 0 }, inputs.pool, inputs));
      const expected = rows
        .filter((r) => r.subset === 'S_C')
        .sort((a, b) => b.normalised - a.normalised)
        .slice(0, k)
        .map((r) => r.index)
        .sort((a, b) => a - b);
      assert.deepEqual(removed, expected, `k = ${k}`);
      assert.ok(removed.every((i) => !controls.has(i)));
      const kept = keptIndices(inputs.pool, removed);
      assert.equal(kept.length, inputs.pool.length - k, 'retrained on the pool minus the removed images');
      assert.ok(
        Array.from(kept).every((i) => !controls.has(i)),
        'no control is ever trained on',
      );
    }
  });

  test('random-k: seeded (same seed, same set), different across seeds, disjoint from the controls', () => {
    const { rows, controls, n } = table();
    const inputs = wholeRemovalSets(rows, n);
    const draw = (seed: number) => Array.from(removalOf({ kind: 'random', k: 10, seed }, inputs.pool, inputs));
    assert.deepEqual(draw(0), draw(0));
    assert.notDeepEqual(draw(0), draw(1));
    for (const seed of [0, 1, 2]) {
      const d = draw(seed);
      assert.equal(new Set(d).size, 10);
      assert.ok(
        d.every((i) => !controls.has(i)),
        `seed ${seed} drew a control`,
      );
    }
  });

  test('a damaged table is refused: missing or repeated rows, a paper subset, no controls', () => {
    const { rows, n } = table();
    assert.throws(() => wholeRemovalSets(rows.slice(1), n), /59 rows for 60 images/);
    assert.throws(() => wholeRemovalSets([...rows.slice(1), rows[2]], n), /repeated row index 2/);
    assert.throws(() => wholeRemovalSets([{ ...rows[0], subset: 'S_I' }, ...rows.slice(1)], n), /not scored or control/);
    assert.throws(
      () =>
        wholeRemovalSets(
          rows.map((r) => ({ ...r, subset: 'S_C' })),
          n,
        ),
      /no control set/,
    );
  });
});
