import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawSplit, saveSplit, trainingIndices } from '../../../src/engine/sslmem/split';
import { loadSplit } from '../../../src/engine/sslmem/split-load';
import { scoredIndices, subsetOfEach, SUBSETS, type Split } from '../../../src/engine/runs/subsets';
import { parseSplit, SplitError } from '../../../src/engine/sslmem/split-load';
import { tempDir } from '../data/fixtures';

function assertDisjointSorted(split: Split, n: number): void {
  const seen = new Set<number>();
  for (const s of SUBSETS) {
    const list = Array.from(split[s]);
    assert.deepEqual(
      list,
      [...list].sort((a, b) => a - b),
      `${s} ascending`,
    );
    for (const i of list) {
      assert.ok(i >= 0 && i < n);
      assert.ok(!seen.has(i), `${i} in two subsets`);
      seen.add(i);
    }
  }
}
const sizes = (s: Split) => SUBSETS.map((k) => s[k].length);

describe('split', () => {
  test('default: S_E 10% of all, then 80/10/10 of the rest, every point used, disjoint', () => {
    const split = drawSplit(1000, { seed: 1 });
    assert.deepEqual(sizes(split), [720, 90, 90, 100]);
    assertDisjointSorted(split, 1000);
    assert.equal(scoredIndices(split).length, 1000);
  });

  test('counts, fractions, leftover points and impossible sizes', () => {
    const counts = drawSplit(700, { seed: 3, sizes: { shared: 400, candidates: 50, independent: 50, extra: 100 } });
    assert.deepEqual(sizes(counts), [400, 50, 50, 100]);
    assertDisjointSorted(counts, 700);
    const noExtra = drawSplit(101, { seed: 3, sizes: { extra: 0 } });
    assert.deepEqual(sizes(noExtra), [81, 10, 10, 0], 'rounding leftovers go to S_S');
    assert.throws(() => drawSplit(100, { seed: 1, sizes: { shared: 90, candidates: 10, independent: 10, extra: 0 } }), /only 100 remain/);
    assert.throws(() => drawSplit(100, { seed: 1, sizes: { extra: 1.5 } }), /fraction in \(0,1\) or a whole count/);
  });

  test('seeded: same seed same split, other seed other split', () => {
    assert.deepEqual(drawSplit(500, { seed: 42 }), drawSplit(500, { seed: 42 }));
    assert.notDeepEqual(drawSplit(500, { seed: 42 }).S_C, drawSplit(500, { seed: 43 }).S_C);
  });

  test('S_E drawn only from the extra pool (e.g. a held-out part)', () => {
    const pool = Array.from({ length: 200 }, (_, i) => 800 + i);
    const split = drawSplit(1000, { seed: 5, sizes: { extra: 150 }, extraPool: pool });
    assert.equal(split.S_E.length, 150);
    assert.ok(Array.from(split.S_E).every((i) => i >= 800));
    assertDisjointSorted(split, 1000);
    assert.equal(split.S_S.length + split.S_C.length + split.S_I.length, 850);
  });

  test('f trains on S_S ∪ S_C, g on S_S ∪ S_I; neither sees S_E', () => {
    const split = drawSplit(300, { seed: 9 });
    const f = new Set(trainingIndices(split, 'f')),
      g = new Set(trainingIndices(split, 'g'));
    assert.equal(f.size, split.S_S.length + split.S_C.length);
    for (const i of split.S_S) {
      assert.ok(f.has(i));
      assert.ok(g.has(i));
    }
    for (const i of split.S_C) {
      assert.ok(f.has(i));
      assert.ok(!g.has(i));
    }
    for (const i of split.S_I) {
      assert.ok(!f.has(i));
      assert.ok(g.has(i));
    }
    for (const i of split.S_E) {
      assert.ok(!f.has(i));
      assert.ok(!g.has(i));
    }
    const owner = subsetOfEach(split, 300);
    assert.equal(owner[split.S_I[0]], 'S_I');
  });

  test('save then load round-trips; a user split by paths is accepted', async (t) => {
    const dir = tempDir(t);
    const paths = Array.from({ length: 40 }, (_, i) => `c${i % 2}/${i}.png`);
    const dataset = { n: 40, paths, root: '/data/set' };
    const split = drawSplit(40, { seed: 2 });
    await saveSplit(join(dir, 'split.json'), split, { seed: 2, datasetFingerprint: 'abc', paths });
    assert.deepEqual(await loadSplit(join(dir, 'split.json'), dataset), split);
    const saved = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
    assert.equal(saved.paths.S_C[0], paths[split.S_C[0]]);
    writeFileSync(
      join(dir, 'user.json'),
      JSON.stringify({ S_S: ['c0/0.png', 'c1/1.png', '/data/set/c0/2.png'], S_C: [3], S_I: ['c0/4.png'] }),
    );
    const user = await loadSplit(join(dir, 'user.json'), dataset);
    assert.deepEqual(Array.from(user.S_S), [0, 1, 2]);
    assert.deepEqual(Array.from(user.S_E), []);
  });

  test('user split validation lists every problem', () => {
    const dataset = { n: 10, paths: Array.from({ length: 10 }, (_, i) => `${i}.png`), root: '/d' };
    assert.throws(
      () => parseSplit({ S_S: [0, 1, 1.5, 12, 'nope.png'], S_C: [1, 2], S_I: [3], S_X: [4] }, dataset),
      (err: unknown) => {
        assert.ok(err instanceof SplitError);
        const text = err.problems.join('\n');
        assert.match(text, /S_S: unknown index 1\.5 .*index 12 .*"nope\.png"/);
        assert.match(text, /S_C: subsets must be disjoint: 1\.png \(#1\) also in S_S/);
        assert.match(text, /unknown subset "S_X"/);
        return true;
      },
    );
    assert.throws(() => parseSplit({ S_S: [0], S_C: 'x' }, dataset), /S_C is missing or not a list[\s\S]*S_I is missing/);
    assert.throws(() => parseSplit({ S_S: [], S_C: [], S_I: [1] }, dataset), /f \(S_S ∪ S_C\) and g/);
    assert.throws(() => parseSplit([1, 2], dataset), /S_S is missing/);
  });
});
