// Scores of a whole-dataset run (sslmem/whole/whole-scores.ts): a hand-computed case, the p-value and
// Benjamini–Hochberg definitions on small examples, and a float64 numpy reference (whole-reference.py, run
// with python3 when numpy is installed) on random losses for all three normalisations.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  benjaminiHochberg,
  computeWholeScores,
  inOutLosses,
  nullPValues,
  scoreStderrOf,
} from '../../../src/engine/sslmem/whole/whole-scores';
import { drawDesign, type WholeDesign } from '../../../src/engine/sslmem/whole/design';
import { Rng } from '../../../src/engine/util/prng';
import { distDir } from '../foundation/distDir';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('whole-dataset scores', () => {
  test('hand-computed image: L_in, L_out, encoder-level standard errors, symmetric score and its s.e.', () => {
    // Image 0 is in encoders 0 and 1 (mask 0b0011): L_in = (0.1+0.2)/2 = 0.15, L_out = (0.3+0.5)/2 = 0.4;
    // se_in = sd(0.1, 0.2)/√2 = 0.05, se_out = sd(0.3, 0.5)/√2 = 0.1; score = 0.25/0.55;
    // s.e. = 2/0.55² · √((0.15·0.1)² + (0.4·0.05)²) = 2/0.3025 · 0.025.
    const design: WholeDesign = {
      n: 3,
      m: 4,
      seed: 0,
      control: Int32Array.from([1, 2]),
      masks: Uint16Array.from([0b0011, 0b0101, 0b1010]),
    };
    const losses = [
      [0.1, 1, 1],
      [0.2, 1, 1],
      [0.3, 1, 1],
      [0.5, 1, 1],
    ];
    const io = inOutLosses(losses, design);
    close(io.lin[0], 0.15, 1e-15, 'L_in');
    close(io.lout[0], 0.4, 1e-15, 'L_out');
    close(io.seIn[0], 0.05, 1e-15, 'se_in');
    close(io.seOut[0], 0.1, 1e-15, 'se_out');
    const s = computeWholeScores(losses, design, 'symmetric', 0.1);
    close(s.normalised[0], 0.25 / 0.55, 1e-15, 'score');
    close(s.scoreStderr[0], (2 / 0.3025) * 0.025, 1e-15, 'score s.e.');
    close(scoreStderrOf('raw', 0.15, 0.4, 0.05, 0.1, 1), Math.hypot(0.05, 0.1), 1e-15, 'raw s.e.');
    // Controls score 0 (equal losses everywhere): image 0 beats both, p = (1 + 0)/(1 + 2).
    close(s.pValue[0], 1 / 3, 1e-15, 'p');
    assert.deepEqual(Array.from(s.isControl), [0, 1, 1]);
    assert.ok(Number.isNaN(s.qValue[1]), 'controls get no BH q-value');
  });

  test('p-value against the null: (1 + #nulls ≥ s)/(1 + #nulls); NaN stays NaN', () => {
    const p = nullPValues([0.5, 0.1, 0.9, 0.7, NaN], [0.2, 0.5, 0.7]);
    assert.deepEqual(Array.from(p.subarray(0, 4)), [3 / 4, 4 / 4, 1 / 4, 2 / 4]);
    assert.ok(Number.isNaN(p[4]));
  });

  test('Benjamini–Hochberg adjusted p-values (step-up, monotone)', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    [0.04, (0.04 * 4) / 3, (0.04 * 4) / 3, 0.2].forEach((v, i) => close(q[i], v, 1e-15, `q${i}`));
    // With every p = 1/(1+c) the count at an FDR below that is 0, above it all.
    assert.ok(benjaminiHochberg([0.05, 0.05, 0.05]).every((x) => Math.abs(x - 0.05) < 1e-15));
  });

  test('controls are the null: with no memorization their p-values and the scored ones are alike', () => {
    const rng = new Rng(11);
    const design = drawDesign(600, { m: 4, control: 200, seed: 2 });
    const losses = Array.from({ length: 4 }, () => Array.from({ length: 600 }, () => 0.5 + 0.1 * rng.nextFloat()));
    const s = computeWholeScores(losses, design, 'symmetric', 0.1);
    const meanP = (control: boolean) => {
      const ps = Array.from(s.pValue).filter((_, i) => !!s.isControl[i] === control);
      return ps.reduce((a, b) => a + b, 0) / ps.length;
    };
    close(meanP(true), 0.5, 0.06, 'mean control p');
    close(meanP(false), 0.5, 0.06, 'mean scored p');
    assert.ok(s.memorizedCount <= 5, `pure noise: ${s.memorizedCount} memorized at FDR 0.1`);
    // A planted effect: 20 scored images whose in-encoders align their views far better.
    const planted = Array.from({ length: 600 }, (_, i) => i)
      .filter((i) => !s.isControl[i])
      .slice(0, 20);
    for (const i of planted) for (let j = 0; j < 4; j++) if ((design.masks[i] >> j) & 1) losses[j][i] = 0.2;
    const t = computeWholeScores(losses, design, 'symmetric', 0.1);
    for (const i of planted) assert.ok(t.memorized[i] === 1, `planted image ${i}: q ${t.qValue[i]}`);
  });

  const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  test(
    'float64 numpy reference (whole-reference.py), three normalisations',
    { skip: python.status !== 0 ? 'python3 with numpy not found' : false },
    () => {
      const rng = new Rng(5);
      const design = drawDesign(90, { m: 6, control: 25, seed: 8 });
      const losses = Array.from({ length: 6 }, () => Array.from({ length: 90 }, () => 0.05 + rng.nextFloat()));
      for (const normalisation of ['symmetric', 'range', 'raw'] as const) {
        const input = { losses, masks: Array.from(design.masks), control: Array.from(design.control), fdr: 0.3, normalisation };
        const script = path.resolve(distDir(), '..', 'test', 'unit', 'sslmem', 'whole-reference.py');
        const r = spawnSync('python3', [script], { input: JSON.stringify(input), encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const ref = JSON.parse(r.stdout) as Record<string, (number | null)[]> & { memorized: number };
        const s = computeWholeScores(losses, design, normalisation, 0.3);
        const io = inOutLosses(losses, design);
        const pairs: [string, ArrayLike<number>][] = [
          ['lin', io.lin],
          ['lout', io.lout],
          ['se_in', io.seIn],
          ['se_out', io.seOut],
          ['score', s.normalised],
          ['se', s.scoreStderr],
          ['p', s.pValue],
          ['q', s.qValue],
        ];
        for (const [name, ours] of pairs) {
          ref[name].forEach((v, i) => {
            if (v === null) assert.ok(Number.isNaN(ours[i]), `${normalisation} ${name}[${i}] should be NaN`);
            else close(ours[i], v, 1e-12 * Math.max(1, Math.abs(v)), `${normalisation} ${name}[${i}]`);
          });
        }
        assert.equal(s.memorizedCount, ref.memorized, `${normalisation}: memorized count`);
      }
    },
  );
});
