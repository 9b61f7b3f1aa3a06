// The whole-dataset design (sslmem/whole/design.ts): every non-control image in exactly m/2 training sets,
// controls in none, encoders balanced, deterministic per seed, and design.json read back only when whole.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { designProblem, drawDesign, parseDesign, popcount, trainingIndicesOf, controlFlags } from '../../../src/engine/sslmem/whole/design';

const CASES: { n: number; m: number; control: number }[] = [];
for (const n of [7, 50, 333]) for (const m of [2, 4, 6, 16]) for (const control of [2, 5, Math.floor(n / 3)]) CASES.push({ n, m, control });

describe('whole-dataset design', () => {
  test('every image in exactly m/2 encoders, controls trained on by none, encoder sizes within one of N/2', () => {
    for (const { n, m, control } of CASES)
      for (const seed of [0, 1, 17]) {
        const d = drawDesign(n, { m, control, seed });
        const what = `n ${n} m ${m} c ${control} seed ${seed}`;
        assert.equal(d.control.length, control, what);
        assert.equal(new Set(d.control).size, control, `${what}: distinct controls`);
        const isControl = controlFlags(d);
        const inSets = new Int32Array(n);
        for (let j = 0; j < m; j++) {
          const idx = trainingIndicesOf(d, j);
          for (const i of idx) {
            assert.equal(isControl[i], 0, `${what}: encoder ${j} trains on control ${i}`);
            inSets[i]++;
          }
          const scored = n - control;
          assert.ok(Math.abs(idx.length - scored / 2) <= 1, `${what}: encoder ${j} trains on ${idx.length} of ${scored}`);
        }
        for (let i = 0; i < n; i++) {
          assert.equal(inSets[i], isControl[i] ? 0 : m / 2, `${what}: image ${i}`);
          assert.equal(popcount(d.masks[i]), m / 2, `${what}: mask of ${i} (controls carry a pseudo-membership)`);
          assert.equal(d.masks[i] >> m, 0, `${what}: mask of ${i} names an encoder >= m`);
        }
      }
  });

  test('deterministic per seed; another seed draws another design', () => {
    const a = drawDesign(200, { m: 4, control: 20, seed: 3 }),
      b = drawDesign(200, { m: 4, control: 20, seed: 3 });
    assert.deepEqual(a, b);
    const c = drawDesign(200, { m: 4, control: 20, seed: 4 });
    assert.notDeepEqual(Array.from(c.control), Array.from(a.control));
    assert.notDeepEqual(Array.from(c.masks), Array.from(a.masks));
  });

  test('every balanced mask occurs (the draw is not stuck on a few patterns)', () => {
    const d = drawDesign(2000, { m: 4, control: 10, seed: 0 });
    assert.equal(new Set(d.masks).size, 6, 'C(4,2) = 6 masks');
  });

  test('refused: odd or out-of-range m, control < 2, nothing left to score', () => {
    assert.match(designProblem(100, 3, 10)!, /even/);
    assert.match(designProblem(100, 18, 10)!, /even number from 2 to 16/);
    assert.match(designProblem(100, 0, 10)!, /even/);
    assert.match(designProblem(100, 4, 1)!, /at least 2/);
    assert.match(designProblem(10, 4, 9)!, /fewer than 2/);
    assert.equal(designProblem(10, 4, 8), null);
    assert.throws(() => drawDesign(100, { m: 5, control: 10, seed: 0 }), /even/);
  });

  test('design.json round trip; an unbalanced or foreign design is refused', () => {
    const d = drawDesign(40, { m: 4, control: 6, seed: 9 });
    const json = JSON.parse(
      JSON.stringify({
        format: 'sslmem-whole-design',
        version: 1,
        n: d.n,
        m: d.m,
        seed: d.seed,
        control: Array.from(d.control),
        masks: Array.from(d.masks),
      }),
    );
    assert.deepEqual(parseDesign(json, 40, 'design.json'), d);
    assert.throws(() => parseDesign(json, 41, 'design.json'), /for 40 images, the dataset has 41/);
    const unbalanced = { ...json, masks: json.masks.map((x: number, i: number) => (i === 3 ? 0b0111 : x)) };
    assert.throws(() => parseDesign(unbalanced, 40, 'design.json'), /exactly half/);
    assert.throws(() => parseDesign({ ...json, format: 'x' }, 40, 'design.json'), /not a whole-dataset design/);
  });
});
