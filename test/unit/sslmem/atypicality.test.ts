// The atypicality check's arithmetic (sslmem/whole/atypicality-math.ts) against hand-computed small cases and
// against numpy/scipy on random data (python3 at test time; skipped where numpy or scipy is missing), and the
// SVG writer (atypicality-svg.ts): well-formed XML, one mark per point, ρ and p in the text, legend rules.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { knnDistance, ranks, spearman, spearmanP } from '../../../src/engine/sslmem/whole/atypicality-math';
import { atypicalitySvg, niceTicks, type AtypicalityPoint } from '../../../src/engine/sslmem/whole/atypicality-svg';
import { Rng } from '../../../src/engine/util/prng';
import { renderWholeMarkdown } from '../../../src/engine/sslmem/whole/whole-report-md';
import type { WholeReport } from '../../../src/engine/sslmem/whole/whole-report-types';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('kNN distance', () => {
  test('points on a line, k = 1 and k = 2 (by hand)', () => {
    const x = [0, 1, 3, 7];
    assert.deepEqual(Array.from(knnDistance(x, 4, 1, 1, false)), [1, 1, 2, 4]);
    // 0: (1 + 3)/2; 1: (1 + 2)/2; 3: (2 + 3)/2; 7: (4 + 6)/2
    assert.deepEqual(Array.from(knnDistance(x, 4, 1, 2, false)), [2, 1.5, 2.5, 5]);
  });
  test('L2-normalised first: parallel rows are at distance 0, orthogonal unit rows at √2; a zero row stays zero', () => {
    const x = [1, 0, 2, 0, 0, 3];
    const d = knnDistance(x, 3, 2, 1, true);
    close(d[0], 0);
    close(d[1], 0);
    close(d[2], Math.SQRT2);
    // Without normalising: rows 0 and 1 are 1 apart; row 2's nearest is row 0, |(1,0) − (0,3)| = √10.
    const raw = knnDistance(x, 3, 2, 1, false);
    assert.deepEqual(Array.from(raw), [1, 1, Math.sqrt(10)]);
    const withZero = knnDistance([0, 0, 3, 4, 6, 8], 3, 2, 1, true); // zero row, then two parallel rows
    close(withZero[0], 1); // |0 - unit vector| = 1
    close(withZero[1], 0);
  });
  test('refuses k outside 1 … n-1 and a wrong length', () => {
    assert.throws(() => knnDistance([0, 1], 2, 1, 2, false), /k = 2/);
    assert.throws(() => knnDistance([0, 1, 2], 2, 1, 1, false), /3 values/);
  });
});

describe('Spearman', () => {
  test('ranks: ties get their mean rank', () => {
    assert.deepEqual(Array.from(ranks([5, 6, 7, 8, 7])), [1, 2, 3.5, 5, 3.5]);
  });
  test('by hand: ρ = 8/√95 with one tie; monotone = ±1 with p 0; constant = NaN', () => {
    // ranks a = 1..5 (dev −2 −1 0 1 2), ranks b = 1 2 3.5 5 3.5 (dev −2 −1 .5 2 .5): Σ = 8, Σa² = 10, Σb² = 9.5.
    const r = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    close(r.rho, 8 / Math.sqrt(95));
    assert.equal(r.n, 5);
    assert.ok(r.p > 0.05 && r.p < 0.2, `p ${r.p}`); // t = 2.492 on 3 df: p ≈ 0.088
    close(r.p, 0.08837, 1e-3);
    assert.deepEqual(spearman([1, 2, 3, 4], [10, 20, 30, 40]), { rho: 1, p: 0, n: 4 });
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]).rho, -1);
    assert.ok(Number.isNaN(spearman([1, 2, 3], [7, 7, 7]).rho));
    assert.ok(Number.isNaN(spearmanP(0.5, 2)));
    assert.throws(() => spearman([1, NaN], [1, 2]), /NaN/);
  });
});

describe('numpy / scipy agree', () => {
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy.stats'], { encoding: 'utf8' });
  test(
    'kNN distance of random rows (normalised and not) and Spearman ρ, p with ties',
    { skip: probe.status !== 0 && 'python3 with numpy and scipy is not here' },
    () => {
      const rng = new Rng(7);
      const rand = () => rng.nextFloat();
      const n = 60,
        dim = 5,
        k = 4;
      const x = Array.from({ length: n * dim }, () => rand() * 2 - 1);
      const a = Array.from({ length: n }, () => Math.round(rand() * 20)); // ties on purpose
      const b = a.map((v) => v + rand() * 15);
      const script = `
import json, sys, numpy as np, scipy.stats as st
d = json.load(sys.stdin)
def knn(x, k):
    D = np.sqrt(np.maximum(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1), 0))
    np.fill_diagonal(D, np.inf)
    return np.sort(D, axis=1)[:, :k].mean(1).tolist()
x = np.array(d['x']).reshape(d['n'], d['dim'])
r = st.spearmanr(d['a'], d['b'])
print(json.dumps({'raw': knn(x, d['k']), 'norm': knn(x / np.linalg.norm(x, axis=1, keepdims=True), d['k']), 'rho': float(r.statistic), 'p': float(r.pvalue)}))
`;
      const out = spawnSync('python3', ['-c', script], { input: JSON.stringify({ x, n, dim, k, a, b }), encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const ref = JSON.parse(out.stdout);
      knnDistance(x, n, dim, k, false).forEach((v, i) => close(v, ref.raw[i], 1e-10));
      knnDistance(x, n, dim, k, true).forEach((v, i) => close(v, ref.norm[i], 1e-10));
      const s = spearman(a, b);
      close(s.rho, ref.rho, 1e-12);
      close(s.p, ref.p, 1e-9);
    },
  );
});

describe('atypicality.svg', () => {
  const points: AtypicalityPoint[] = [
    { x: 0.1, y: 0.01, kind: 'scored' },
    { x: 0.3, y: 0.02, kind: 'scored' },
    { x: 0.2, y: -0.01, kind: 'control' },
    { x: 0.5, y: 0.04, kind: 'scored' },
  ];
  const wellFormed = (svg: string) => {
    const out = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.read())'], {
      input: svg,
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, `not well-formed XML: ${out.stderr}`);
  };
  test('well-formed XML, one circle per point, ρ and p in the title, no planted legend without planted images', () => {
    const svg = atypicalitySvg({ points, rho: 0.8, p: 0.0123, n: 3, k: 10, yLabel: 'score (symmetric) <&>' });
    wellFormed(svg);
    assert.equal(svg.match(/<circle cx=/g)?.length, 4);
    assert.match(svg, /Spearman ρ = 0\.800, p = 0\.0123 \(n = 3 scored images\)/);
    assert.match(svg, /score \(symmetric\) &lt;&amp;&gt;/);
    assert.match(svg, /control, not in ρ \(1\)/);
    assert.doesNotMatch(svg, /planted/);
  });
  test('planted images: a diamond each and a legend entry; non-finite points are left out', () => {
    const svg = atypicalitySvg({
      points: [...points, { x: 0.4, y: 0.03, kind: 'planted' }, { x: NaN, y: 1, kind: 'scored' }],
      rho: -0.2,
      p: 3e-8,
      n: 4,
      k: 10,
      yLabel: 'score',
    });
    wellFormed(svg);
    assert.equal(svg.match(/<circle cx=/g)?.length, 4);
    assert.equal(svg.match(/<path d="M[0-9.]+ [0-9.]+L/g)?.length, 1);
    assert.match(svg, /planted- images \(1\)/);
    assert.match(svg, /ρ = -0\.200, p = 3\.0e-8/);
  });
  test('same input, same text (a redone report stage rewrites the same file)', () => {
    const f = { points, rho: 0.5, p: 0.5, n: 3, k: 10, yLabel: 'score' };
    assert.equal(atypicalitySvg(f), atypicalitySvg(f));
  });
  test('nice ticks cover the range with round steps', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-0.013, 0.041), [0, 0.02, 0.04]); // range/5 = 0.0108: the next round step is 0.02
    assert.deepEqual(niceTicks(5, 5), [5]);
  });
});

describe('report.md section', () => {
  const summary = { n: 10, mean: 0, median: 0, std: 0.1 };
  const report = (atypicality: WholeReport['atypicality']): WholeReport => ({
    format: 'sslmem-report',
    version: 1,
    mode: 'whole',
    runId: 'r',
    normalisation: 'symmetric',
    whole: {
      encoders: 4,
      control: 10,
      scored: 90,
      fdr: 0.1,
      memorized: 0,
      preset: 'tiny',
      seed: 0,
      epochs: 1,
      provider: 'cpu',
      threads: 1,
      threadsAsked: 1,
    },
    scored: summary,
    null: { ...summary, p95: 0.1, p99: 0.2, max: 0.3 },
    scoredVsControl: { t: 1, df: 10, p: 0.3, meanDifference: 0.01 },
    medianStderr: 0.02,
    threshold_curve: [],
    top_k: { scored: [] },
    ...(atypicality ? { atypicality } : {}),
    skipped: [],
    timings: {},
  });
  test('with a ρ: the numbers and the figure link; skipped: the reason and no link; older reports: no section', () => {
    const md = renderWholeMarkdown(report({ k: 10, space: 'representation', rho: 0.1979, p: 5.7e-8, n: 740 }), []);
    assert.match(md, /## Score and atypicality/);
    assert.match(md, /Spearman ρ\(score, atypicality\) = 0\.198, p 5\.70e-8\*\* over the 740 scored images/);
    assert.match(md, /!\[Score against atypicality: ρ 0\.198, p 5\.70e-8\]\(atypicality\.svg\)/);
    const skipped = renderWholeMarkdown(report({ skipped: '30000 images: more than the 20000' }), []);
    assert.match(skipped, /Not computed: 30000 images: more than the 20000\./);
    assert.doesNotMatch(skipped, /atypicality\.svg/);
    assert.doesNotMatch(renderWholeMarkdown(report(undefined), []), /atypicality/i);
  });
});
